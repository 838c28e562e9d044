import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private OpenSSH server on the loopback for the tests (issue 22): its own configuration, host
/// key and client key in a folder of the tests' scratch folder, logins only as the account the
/// tests run as, only with that key. Each port is its own way in: a `Match LocalPort` block per
/// port (`ForceCommand`, …) gives one account several ways in without making system accounts.
/// Stopped (SIGTERM, waited for) when released.
public final class SSHServer {
    public static let sshd = "/usr/sbin/sshd"
    public static let ssh = "/usr/bin/ssh"
    public static let sshKeygen = "/usr/bin/ssh-keygen"

    /// Why a server cannot be run here (for a test's skip reason), or nil when it can.
    public static var unavailable: String? {
        let missing = [sshd, ssh, sshKeygen].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if !missing.isEmpty { return "OpenSSH is not installed (missing \(missing.joined(separator: ", ")); .ci/run installs openssh-server and openssh-client)" }
        // sshd insists on its privilege separation folder (made by Debian's service, which is not run here).
        if getuid() != 0 && !FileManager.default.fileExists(atPath: "/run/sshd") { return "sshd needs /run/sshd, which only root can make" }
        return nil
    }

    public let folder: String
    /// The ports the server listens on (127.0.0.1), in the order of `ports:`.
    public let ports: [Int]
    /// The account the tests run as: the only one that may log in.
    public let user: String
    public let clientKey: String
    private let server: ChildProcess
    private var stopped = false

    /// Starts `sshd -D -e` with the settings of `perPort` as a `Match LocalPort` block for each of
    /// its ports (one port per entry: e.g. `["ForceCommand …"]`) and `common` in the main part.
    public init(perPort: [[String]], common: [String] = []) throws {
        folder = temporaryPath("sshd")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 && !FileManager.default.fileExists(atPath: "/run/sshd") {
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        user = getpwuid(getuid()).flatMap { String(validatingCString: $0.pointee.pw_name) } ?? "root"
        let hostKey = folder + "/host_ed25519"
        clientKey = folder + "/client_ed25519"
        for key in [hostKey, clientKey] {
            let made = try runToCompletion([Self.sshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "chengxin-tests", "-f", key])
            guard made.status == 0 else { throw SSHServerFailed(what: "ssh-keygen", log: made.errors) }
        }
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: folder + "/authorized_keys")
        ports = try perPort.map { _ in try freeLoopbackPort() }
        let hostPublic = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try ports.map { "[127.0.0.1]:\($0) \(hostPublic)\n" }.joined().write(toFile: folder + "/known_hosts", atomically: true, encoding: .utf8)

        let configuration = ports.map { "Port \($0)" } + [
            "ListenAddress 127.0.0.1",
            "HostKey \(hostKey)",
            "PidFile none",
            "AuthorizedKeysFile \(folder)/authorized_keys",
            // The scratch folder's parents are not root's alone, as sshd wants them by default.
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "AllowUsers \(user)",
            "LogLevel VERBOSE",
        ] + common + zip(ports, perPort).flatMap { port, settings in ["Match LocalPort \(port)"] + settings.map { "    " + $0 } }
        let configurationFile = folder + "/sshd_config"
        try (configuration.joined(separator: "\n") + "\n").write(toFile: configurationFile, atomically: true, encoding: .utf8)
        let check = try runToCompletion([Self.sshd, "-t", "-f", configurationFile])
        guard check.status == 0 else { throw SSHServerFailed(what: "sshd -t", log: check.errors) }

        server = try ChildProcess([Self.sshd, "-D", "-e", "-f", configurationFile])
        let server = server
        let ports = ports
        let listening = waitUntil(timeout: 20) {
            let log = server.errorOutput
            return ports.allSatisfy { log.contains("Server listening on 127.0.0.1 port \($0).") }
        }
        guard listening else {
            kill(server.pid, SIGTERM)
            server.wait()
            throw SSHServerFailed(what: "sshd", log: server.errorOutput)
        }
    }

    deinit { stop() }

    /// Ends the server (SIGTERM) and waits for it. Sessions still open keep their own processes:
    /// end them first.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        kill(server.pid, SIGTERM)
        server.wait()
    }

    /// What the server has logged (`-e`: to stderr).
    public var log: String { server.errorOutput }

    /// The host the server listens on.
    public let host = "127.0.0.1"

    /// `ssh` and its options for the `index`th port as `user` with the tests' key and only the
    /// server's host key trusted — no terminal and no destination: for a program that talks through
    /// ssh's standard input and output and names the host itself (`chengxin mirror --ssh`).
    public func sshOptions(port index: Int) -> [String] {
        [Self.ssh, "-F", "/dev/null",
         "-i", clientKey, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
         "-o", "UserKnownHostsFile=\(folder)/known_hosts", "-o", "StrictHostKeyChecking=yes",
         "-o", "LogLevel=ERROR", "-p", String(ports[index])]
    }

    /// The `ssh` command line that logs in on the `index`th port (`sshOptions`), forcing a terminal
    /// (`-tt`); `remote` is the command asked for (a forced command replaces it; sshd hands it over
    /// as `SSH_ORIGINAL_COMMAND`).
    public func sshCommand(port index: Int, remote: [String] = []) -> [String] {
        sshOptions(port: index) + ["-tt", "\(user)@\(host)"] + remote
    }
}

public struct SSHServerFailed: Error, CustomStringConvertible {
    public let what: String
    public let log: String
    public var description: String { "\(what) failed:\n\(log)" }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SSHServerFailed(what: "socket", log: String(cString: strerror(errno))) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw SSHServerFailed(what: "bind", log: String(cString: strerror(errno))) }
    return Int(UInt16(bigEndian: address.sin_port))
}
