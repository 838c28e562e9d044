import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenSSH server on the loopback, for the tests that reach "another machine" through the
/// system's `ssh` (issue 22): its own configuration, host key and authorized key in a folder of the
/// tests, the current user (root) let in with that key only. `stop()` ends it.
public final class SSHServer {
    static let daemon = "/usr/sbin/sshd"

    /// Why no server can be started here (nil: one can): sshd needs root and its binaries.
    public static let unavailable: String? = {
        if getuid() != 0 { return "sshd needs root to start" }
        for program in [daemon, "/usr/bin/ssh", "/usr/bin/ssh-keygen"] where !FileManager.default.isExecutableFile(atPath: program) {
            return "\(program) is not installed (openssh-server, openssh-client)"
        }
        return nil
    }()

    public let folder: String
    public let port: Int
    /// The host to give `ssh`.
    public let host = "127.0.0.1"
    private let process: ChildProcess

    /// `ssh` and its options to reach this server: the key made for it, no host key check (the
    /// host key is a new one each time), no prompts, no user configuration.
    public var sshCommand: [String] {
        ["/usr/bin/ssh", "-F", "/dev/null", "-p", "\(port)", "-i", folder + "/client", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    }

    public init() throws {
        folder = temporaryPath("sshd")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["host", "client"] {
            let made = try runToCompletion(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder + "/" + name])
            guard made.status == 0 else { throw SSHServerFailed(text: made.errors) }
        }
        try FileManager.default.copyItem(atPath: folder + "/client.pub", toPath: folder + "/authorized_keys")
        // sshd refuses to start without its privilege separation folder (the package's service makes it).
        if !FileManager.default.fileExists(atPath: "/run/sshd") {
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        port = try Self.freePort()
        let configuration = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(folder)/host
            PidFile \(folder)/sshd.pid
            AuthorizedKeysFile \(folder)/authorized_keys
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            LogLevel INFO

            """
        try configuration.write(toFile: folder + "/sshd_config", atomically: true, encoding: .utf8)
        process = try ChildProcess([Self.daemon, "-D", "-e", "-f", folder + "/sshd_config"])
        let ready = waitUntil(timeout: 30) { process.errorOutput.contains("Server listening on 127.0.0.1 port \(port)") || process.hasExited }
        guard ready, !process.hasExited else {
            let said = process.errorOutput
            process.kill9()
            process.wait()
            throw SSHServerFailed(text: "sshd did not start: \(said)")
        }
    }

    /// Ends the server (and the sessions it started).
    public func stop() {
        kill(process.pid, SIGTERM)
        process.wait()
    }

    /// A port on the loopback that nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw SSHServerFailed(text: "socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw SSHServerFailed(text: "bind") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct SSHServerFailed: Error, CustomStringConvertible {
    public let text: String
    public var description: String { text }
}
