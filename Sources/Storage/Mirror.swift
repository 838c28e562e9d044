import Core
import Foundation
import Log
#if canImport(Glibc)
import Glibc
#endif

/// `chengxin mirror` and `chengxin restore` (issue 22): a mirror is a copy of the data directory's
/// log (`StoreCopy`, byte for byte) into a directory that holds a prefix of it — on this machine (a
/// USB disk is a directory), or on another one through the system's `ssh`. Only the records the
/// mirror lacks are copied, through the mirror's own durable append path (its witness follows);
/// a mirror that is not a prefix is refused, unchanged, naming the record where it differs. On
/// arrival the mirror is checked as `chengxin verify` checks a data directory, with its new head
/// as an anchor. A restore is the copy the other way, into an empty data directory (or one holding
/// a prefix of the mirror).
public enum Mirror {
    /// Where a mirror is.
    public enum Place: Equatable, Sendable {
        case directory(String)
        /// `HOST:DIR`: the directory `DIR` on the machine `ssh HOST` reaches.
        case remote(host: String, directory: String)

        /// `HOST:DIR` when a colon comes before any slash (as scp and rsync read it); else a
        /// directory on this machine.
        public init(_ text: String) {
            if let colon = text.firstIndex(of: ":"), colon != text.startIndex, !text[..<colon].contains("/") {
                self = .remote(host: String(text[..<colon]), directory: String(text[text.index(after: colon)...]))
            } else {
                self = .directory(Locations.absolute(text))
            }
        }

        public var shown: String {
            switch self {
            case .directory(let path): return path
            case .remote(let host, let directory): return host + ":" + directory
            }
        }
    }

    /// Copies the log of `data` into the mirror directory `mirror` and checks the mirror on
    /// arrival (`checkOnArrival`). `progress`: as `StoreCopy.copy`'s.
    public static func copy(from data: String, to mirror: String, files: CheckpointFiles,
                            progress: ((UInt64, UInt64) -> Void)? = nil) throws(LocalizedMessage) -> StoreCopy.Outcome {
        let outcome = try StoreCopy.copy(from: .directory(data), to: .directory(mirror), progress: progress)
        try checkOnArrival(mirror, files: files, count: outcome.total, head: outcome.headHash)
        return outcome
    }

    /// Brings the data directory `data` back from the mirror `mirror`: `data` must not exist, be
    /// empty, or hold a prefix of the mirror (then only the rest is copied); nothing else is
    /// overwritten. The caller proves the result (`chengxin verify --anchor`).
    public static func restore(from mirror: String, to data: String,
                               progress: ((UInt64, UInt64) -> Void)? = nil) throws(LocalizedMessage) -> StoreCopy.Outcome {
        guard FileManager.default.fileExists(atPath: EventLog.logPath(in: mirror)) else {
            throw LocalizedMessage(zh: "\(mirror) 里没有日志（\(EventLog.fileName)），不是镜像；未做任何改动。",
                                   en: "\(mirror) holds no log (\(EventLog.fileName)): it is not a mirror; nothing was changed.")
        }
        if !FileManager.default.fileExists(atPath: EventLog.logPath(in: data)),
           let names = try? FileManager.default.contentsOfDirectory(atPath: data), !names.isEmpty {
            throw LocalizedMessage(zh: "数据目录 \(data) 不是空的，其中却没有日志；不会覆盖，未做任何改动。",
                                   en: "the data directory \(data) is not empty but holds no log: it is not overwritten; nothing was changed.")
        }
        return try StoreCopy.copy(from: .directory(mirror), to: .directory(data), progress: progress)
    }

    /// The mirror `directory` checked as `chengxin verify` checks a data directory (every record,
    /// the chain and its witness, the signed checkpoints, every event), its head being record
    /// `count` with chain hash `head` (given as an anchor, and its record count compared).
    static func checkOnArrival(_ directory: String, files: CheckpointFiles, count: UInt64, head: [UInt8]) throws(LocalizedMessage) {
        let check: DirectoryCheck
        do throws(LogError) {
            check = try DirectoryCheck.run(directory: directory, files: files, anchors: [Anchor(sequence: count, hash: head)])
        } catch {
            throw arrivalFailed(directory, zh: error.zh, en: error.en)
        }
        if let first = check.failures.first { throw arrivalFailed(directory, zh: first.zh, en: first.en) }
        let held = UInt64(check.report.recordCount)
        if held != count {
            throw arrivalFailed(directory, zh: "它有 \(held) 条记录，应为 \(count) 条", en: "it holds \(held) records, not \(count)")
        }
    }

    static func arrivalFailed(_ directory: String, zh: String, en: String) -> LocalizedMessage {
        LocalizedMessage(zh: "镜像 \(directory) 到达后校验未通过：\(zh)", en: "the mirror \(directory) does not check out on arrival: \(en)")
    }

    // MARK: Over SSH

    /// The receiving side's first line: `chengxin-mirror 1 COUNT HEAD HEADER` (hex; `-` for a
    /// mirror that holds no log yet).
    static let greeting = "chengxin-mirror"
    static let protocolVersion = "1"

    /// Copies the log of `data` to the directory `directory` on `host`: `ssh` (the command and
    /// its options, e.g. `["ssh", "-p", "2222"]`) runs `remoteCommand mirror --receive DIR` there,
    /// which answers with the mirror's head; the records it lacks are streamed to it, checked there
    /// as any reader checks them before they are appended, and the mirror is checked on arrival
    /// there (`receive`). The dialogue (one line each, hex for bytes):
    ///
    ///     receiver: chengxin-mirror 1 COUNT HEAD HEADER|-
    ///     sender:   hash SEQ            receiver: hash SEQ HASH      (finding where a mirror differs)
    ///     sender:   header HEADER       (a mirror without a log)
    ///     sender:   begin, then records AFTER LENGTH + the records' bytes …, end COUNT HEAD
    ///     sender:   checkpoints N, then N lines
    ///     receiver: verified COUNT HEAD ADDED
    ///
    /// A sender that refuses closes the connection before `begin`: the receiver changes nothing.
    public static func copy(from data: String, host: String, directory: String, ssh: [String], remoteCommand: String,
                            language: Language, progress: ((UInt64, UInt64) -> Void)? = nil) throws(LocalizedMessage) -> StoreCopy.Outcome {
        let place = Place.remote(host: host, directory: directory)
        let target = StoreCopy.End.directory(place.shown)
        do {
            let checked = try StoreCopy.check(.directory(data), noting: 0)
            guard let file = checked.reading as? CheckedFile else { throw LogError.unverifiable(path: data) }
            let command = "\(remoteCommand) mirror --receive \(shellQuoted(directory)) --lang \(language.rawValue)"
            let peer = try Peer(ssh + [host, command])
            defer { peer.finish() }
            guard let hello = peer.input.line()?.split(separator: " ").map(String.init), hello.count == 5,
                  hello[0] == greeting, hello[1] == protocolVersion, let count = UInt64(hello[2]),
                  let theirs = hello[3] == "-" ? [] : bytes(hex: hello[3]) else {
                throw LocalizedMessage(zh: "\(host) 上的接收端没有应答（它的说明见上；ssh 退出码 \(peer.finish())）；未做任何改动。",
                                       en: "the receiving side on \(host) did not answer (its message, if any, is above; ssh exit status \(peer.finish())); nothing was changed.")
            }
            let empty = hello[4] == "-"
            if !empty {
                guard bytes(hex: hello[4]) == checked.header else { throw StoreCopy.notPrefix(target, zh: StoreCopy.Difference.header.zh, en: StoreCopy.Difference.header.en) }
            }
            if count > checked.count {
                throw StoreCopy.notPrefix(target, zh: "它有 \(count) 条记录，来源只有 \(checked.count) 条", en: "it holds \(count) records, the source \(checked.count)")
            }
            let head = file.hash(at: count)
            if !empty && theirs != head {
                let differs = try firstDifference(file, peer, through: count)
                throw StoreCopy.notPrefix(target, zh: differs.zh, en: differs.en)
            }
            if empty { peer.output.send("header \(hexString(checked.header))\n") }
            peer.output.send("begin\n")
            _ = try StoreCopy.walk(file, after: count, head: head, through: checked.count) { _, _, batch, records in
                guard let first = records.first, peer.output.send("records \(first.sequence - 1) \(batch.count)\n"), peer.output.send(batch) else {
                    throw connectionLost(host)
                }
                progress?(records.last?.sequence ?? first.sequence, checked.count)
                return true
            }
            peer.output.send("end \(checked.count) \(hexString(checked.head))\n")
            let lines = try StoreCopy.checkpointLines(.directory(data), logID: Array(checked.header[16...]), through: checked.count)
            peer.output.send("checkpoints \(lines.count)\n" + lines.map { $0 + "\n" }.joined())
            guard let answer = peer.input.line()?.split(separator: " ").map(String.init), answer.count == 4, answer[0] == "verified",
                  answer[1] == String(checked.count), answer[2] == hexString(checked.head), let added = Int(answer[3]) else {
                throw LocalizedMessage(zh: "\(host) 上的镜像到达后校验未通过，或连接中断（说明见上）。",
                                       en: "the mirror on \(host) did not check out on arrival, or the connection ended (the message, if any, is above).")
            }
            return StoreCopy.Outcome(held: count, copied: checked.count - count, headHash: checked.head, checkpoints: added, tornTail: checked.tornTail)
        } catch let message as LocalizedMessage {
            throw message
        } catch let damage as StoreCopy.SourceDamage {
            throw damage.message(.directory(data))
        } catch {
            throw LocalizedMessage(reason: error)
        }
    }

    /// Where the mirror across `peer` first differs from `file`, knowing that record `count`
    /// differs: a binary search on the chain hashes (a record's hash covers every record before it).
    static func firstDifference(_ file: CheckedFile, _ peer: Peer, through count: UInt64) throws -> StoreCopy.Difference {
        var low: UInt64 = 1, high = count
        while low < high {
            let middle = low + (high - low) / 2
            peer.output.send("hash \(middle)\n")
            guard let answer = peer.input.line()?.split(separator: " ").map(String.init), answer.count == 3, answer[0] == "hash",
                  answer[1] == String(middle), let theirs = bytes(hex: answer[2]) else { throw connectionLost(peer.host) }
            if theirs == file.hash(at: middle) { low = middle + 1 } else { high = middle }
        }
        return .record(low)
    }

    static func connectionLost(_ host: String) -> LocalizedMessage {
        LocalizedMessage(zh: "与 \(host) 的连接中断；镜像里已写入的记录都是完整、校验过的，再运行一次即可继续。",
                         en: "the connection to \(host) ended; what the mirror holds was written whole and checked: run the mirror again to go on.")
    }

    /// The receiving side of a mirror over SSH (`chengxin mirror --receive DIR`): answers with the
    /// head of the mirror in `directory` (a damaged one is refused here, unchanged), then appends
    /// the records it is sent, each checked as any reader checks it, through the log's durable
    /// append path, adds the checkpoint lines of this log, and checks the mirror on arrival.
    /// Returns nil when the sender refused (closed the connection before `begin`).
    public static func receive(into directory: String, files: CheckpointFiles, input: Int32 = 0, output: Int32 = 1) throws(LocalizedMessage) -> StoreCopy.Outcome? {
        let reader = ByteReader(input), writer = ByteWriter(output)
        let state: StoreCopy.TargetState
        do {
            state = try StoreCopy.targetState(.directory(directory))
        } catch let message as LocalizedMessage {
            throw message
        } catch {
            throw LocalizedMessage(reason: error)
        }
        let mine = state.reading as? CheckedFile
        let count = mine?.count ?? 0
        writer.send("\(greeting) \(protocolVersion) \(count) \(mine.map { hexString($0.hash(at: count)) } ?? "-") \(mine?.header().map(hexString) ?? "-")\n")
        var header: [UInt8]?
        while true {
            guard let line = reader.line() else { return nil }
            let words = line.split(separator: " ").map(String.init)
            if words.count == 2, words[0] == "hash", let mine, let sequence = UInt64(words[1]), sequence <= count {
                writer.send("hash \(sequence) \(hexString(mine.hash(at: sequence)))\n")
            } else if words.count == 2, words[0] == "header", mine == nil, let bytes = bytes(hex: words[1]),
                      case .success = LogScanner.readHeader(bytes) {
                header = bytes
            } else if words == ["begin"], mine != nil || header != nil {
                break
            } else {
                throw LocalizedMessage(zh: "镜像接收端收到无法理解的请求；未做任何改动。", en: "the mirror's receiving side got a request it does not understand; nothing was changed.")
            }
        }
        let incoming = IncomingRecords(reader: reader, header: header ?? mine?.header())
        do {
            try StoreCopy.extend(directory, creating: mine == nil ? header : nil, from: incoming, through: .max, shown: "ssh") { _ in }
        } catch {
            let message = LocalizedMessage(reason: error)
            throw LocalizedMessage(zh: "收到的记录未能写入镜像 \(directory)：\(message.zh)（已写入的记录完整且校验过）",
                                   en: "the records received could not be written to the mirror \(directory): \(message.en) (what was written is whole and checked)")
        }
        guard let end = incoming.end, let logID = (header ?? mine?.header()).map({ Array($0[16...]) }),
              let announced = reader.line()?.split(separator: " ").map(String.init), announced.count == 2, announced[0] == "checkpoints",
              let lineCount = Int(announced[1]), lineCount >= 0 else {
            throw LocalizedMessage(zh: "与发送端的连接中断；镜像里已写入的记录完整且校验过。", en: "the connection to the sender ended; what the mirror holds was written whole and checked.")
        }
        var lines: [String] = []
        for _ in 0..<lineCount {
            guard let line = reader.line() else { throw LocalizedMessage(zh: "与发送端的连接中断。", en: "the connection to the sender ended.") }
            lines.append(line)
        }
        let added: Int
        do throws(LogError) {
            added = try CheckpointFiles.addLines(StoreCopy.belonging(lines, logID: logID, through: end.count), dataDirectory: directory)
        } catch {
            throw LocalizedMessage(reason: error)
        }
        try checkOnArrival(directory, files: files, count: end.count, head: end.head)
        writer.send("verified \(end.count) \(hexString(end.head)) \(added)\n")
        return StoreCopy.Outcome(held: count, copied: end.count - count, headHash: end.head, checkpoints: added, tornTail: nil)
    }

    /// A word for a POSIX shell (the remote side of `ssh` runs its command line through one).
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The records a mirror's receiving side is sent (`records AFTER LENGTH` and the bytes, up to
/// `end COUNT HEAD`), handed to the mirror's log as its upstream by `StoreCopy.extend`, which
/// checks them before it appends them.
private final class IncomingRecords: LogReading {
    let reader: ByteReader
    let logHeader: [UInt8]?
    /// The sender's last record and its chain hash, once it said `end`.
    private(set) var end: (count: UInt64, head: [UInt8])?
    /// The most bytes one batch may announce.
    static let largestBatch = 1 << 30

    init(reader: ByteReader, header: [UInt8]?) {
        self.reader = reader
        self.logHeader = header
    }

    func header() -> [UInt8]? { logHeader }

    func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8] {
        guard let line = reader.line() else { throw .sharedUnavailable("ssh") }
        let words = line.split(separator: " ").map(String.init)
        if words.count == 3, words[0] == "end", let count = UInt64(words[1]), let hash = bytes(hex: words[2]) {
            end = (count, hash)
            return []
        }
        guard words.count == 3, words[0] == "records", UInt64(words[1]) == sequence,
              let length = Int(words[2]), length > 0, length <= Self.largestBatch else { throw .sharedDiverged(sequence: sequence) }
        guard let bytes = reader.bytes(length) else { throw .sharedUnavailable("ssh") }
        return bytes
    }
}

/// Reads lines and runs of bytes from a file descriptor (a pipe), buffered.
final class ByteReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// The longest line accepted (a checkpoint line is some 300 bytes).
    static let longestLine = 1 << 16

    init(_ fd: Int32) { self.fd = fd }

    /// Reads more into the buffer; false at the end of the input or on an error.
    private func fill() -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            buffer += chunk[0..<got]
            return true
        }
    }

    /// The next line without its LF; nil at the end of the input (or past `longestLine`).
    func line() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return text
            }
            guard buffer.count - start <= Self.longestLine, fill() else { return nil }
        }
    }

    /// The next `count` bytes; nil when the input ends before them.
    func bytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let out = Array(buffer[start..<start + count])
        start += count
        return out
    }
}

/// Writes whole runs of bytes to a file descriptor (a pipe).
final class ByteWriter {
    let fd: Int32

    init(_ fd: Int32) { self.fd = fd }

    /// False when the other end is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + done }, bytes.count - done) }
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { return false }
            done += wrote
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }
}

/// The `ssh` child that runs the receiving side: its stdin and stdout are pipes to this process;
/// its stderr is this process's (the other side's messages reach the person).
final class Peer {
    let host: String
    let pid: pid_t
    let input: ByteReader
    let output: ByteWriter
    private var status: Int32?

    init(_ argv: [String]) throws {
        guard let program = argv.first, argv.count >= 2 else { throw LocalizedMessage(zh: "没有 ssh 命令。", en: "no ssh command.") }
        host = argv[argv.count - 2]
        // A receiver that has gone must not kill this process with SIGPIPE: its write fails instead.
        signal(SIGPIPE, SIG_IGN)
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw LocalizedMessage(zh: "无法建立管道。", en: "cannot make a pipe.") }
        guard pipe(&fromChild) == 0 else {
            Glibc.close(toChild[0]); Glibc.close(toChild[1])
            throw LocalizedMessage(zh: "无法建立管道。", en: "cannot make a pipe.")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, program, &actions, nil, &cArguments, environ)
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        guard rc == 0 else {
            Glibc.close(toChild[1]); Glibc.close(fromChild[0])
            throw LocalizedMessage(zh: "无法运行 \(program)：\(String(cString: strerror(rc)))", en: "cannot run \(program): \(String(cString: strerror(rc)))")
        }
        pid = child
        input = ByteReader(fromChild[0])
        output = ByteWriter(toChild[1])
    }

    /// Closes the pipes (the other side sees the end of its input) and waits for `ssh` to end;
    /// its exit status (the same each call).
    @discardableResult
    func finish() -> Int32 {
        if let status { return status }
        Glibc.close(output.fd)
        Glibc.close(input.fd)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let code = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status = code
        return code
    }
}
