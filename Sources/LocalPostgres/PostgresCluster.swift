import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL server (issue 21): a cluster made by `initdb` in a folder of its own,
/// listening only on a Unix socket in that folder (no TCP port), `fsync=on`, trusted for the
/// `postgres` role, stopped and removed by `stop()`. As root (CI), the server runs as the
/// `postgres` system user, which Debian's `postgresql` package creates: PostgreSQL refuses root.
/// Without PostgreSQL on the machine, `unavailable` says why. The tests' clusters (TestSupport) and
/// the benchmark's (chengxin-bench) are this one; each passes how it runs a program.
public final class PostgresCluster: @unchecked Sendable {
    /// Runs a program to its end: its exit status, what it printed and what it wrote to stderr.
    public typealias Runner = @Sendable ([String]) throws -> (status: Int32, output: String, errors: String)

    public let folder: String
    public var socketFolder: String { folder }
    public let port = 5432
    let binaries: String
    let runAs: [String]
    let runner: Runner

    /// The folder of `initdb`, `pg_ctl` and `postgres`: the newest of /usr/lib/postgresql/N/bin
    /// (Debian's layout), else beside an `initdb` on the PATH.
    public static let binaries: String? = {
        let debian = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(debian)/\(newest)/bin/initdb") {
            return "\(debian)/\(newest)/bin"
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        where FileManager.default.isExecutableFile(atPath: folder + "/initdb") && FileManager.default.isExecutableFile(atPath: folder + "/pg_ctl") {
            return folder
        }
        return nil
    }()

    /// Why no cluster can be made here (nil: one can).
    public static let unavailable: String? = {
        guard binaries != nil else { return "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on the PATH); .ci/run installs Debian's postgresql" }
        if getuid() == 0 && getpwnam("postgres") == nil { return "running as root and there is no postgres user to run the server as" }
        return nil
    }()

    /// Makes and starts the cluster in `folder` (a new folder, whose parent the server's user can
    /// traverse; a few seconds).
    public init(folder: String, runner: @escaping Runner) throws {
        guard let binaries = Self.binaries, Self.unavailable == nil else {
            throw ClusterProblem(text: Self.unavailable ?? "PostgreSQL is not available")
        }
        self.binaries = binaries
        self.folder = folder
        self.runner = runner
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if getuid() == 0, let user = getpwnam("postgres") {
            runAs = ["/usr/sbin/runuser", "-u", "postgres", "--"]
            // The folder is the server's.
            chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
        } else {
            runAs = []
        }
        do {
            try run([binaries + "/initdb", "-D", folder + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
            try start()
        } catch {
            stop()
            throw error
        }
    }

    /// `psql`'s answer to `sql` (unaligned, no headers), as the `postgres` role.
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try runner([binaries + "/psql", "-X", "-q", "-A", "-t", "-h", socketFolder, "-p", String(port), "-U", "postgres",
                                 "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw ClusterProblem(text: "psql: \(result.errors)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A connection string for the cluster (the socket's folder as the host).
    public var url: String { "postgres://postgres@localhost:\(port)/postgres?host=\(socketFolder)" }

    /// Stops the server (fast shutdown) and starts it again on the same folder.
    public func restart() throws {
        try run([binaries + "/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "stop"])
        try start()
    }

    /// Stops the server, leaving its folder (`startServer` starts it again).
    public func stopServer() throws {
        try run([binaries + "/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "stop"])
    }

    /// Starts a server stopped by `stopServer`.
    public func startServer() throws { try start() }

    private func start() throws {
        try run([binaries + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w", "start",
                 "-o", "-k \(folder) -c listen_addresses='' -p \(port) -c fsync=on"])
    }

    /// Stops the server (fast shutdown) and removes its folder (twice is harmless).
    public func stop() {
        guard FileManager.default.fileExists(atPath: folder) else { return }
        _ = try? run([binaries + "/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func run(_ argv: [String]) throws {
        let result = try runner(runAs + argv)
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
            throw ClusterProblem(text: "\(argv.first ?? "") failed (\(result.status)): \(result.errors)\(result.output)\n\(log)")
        }
    }
}

public struct ClusterProblem: Error, CustomStringConvertible {
    public let text: String
    public var description: String { text }
}
