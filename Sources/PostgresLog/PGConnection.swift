import CLibpq
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One connection to a PostgreSQL server through libpq, PostgreSQL's own client library (the only
/// file that touches it). Synchronous, like the file log: a call returns when the server answered.
/// Parameters are sent and results read in binary (bytea as raw bytes, integers big-endian), so a
/// record's bytes cross unchanged. Not for two threads at once (its owner serialises).
public final class PGConnection {
    private let connection: OpaquePointer

    /// Connects with a libpq connection string or URI (`postgres://user@host:port/db?host=/socket/dir`,
    /// `sslmode=…`; a password from the URI, `$PGPASSWORD` or `~/.pgpass`).
    public init(_ address: String) throws(PostgresError) {
        // Defaults an address may override: a server that does not answer is given up after a few
        // seconds (not the system's minutes), and a connection silently gone is noticed in ~25 s.
        let keywords = Self.defaults.map(\.0) + ["dbname"], values = Self.defaults.map(\.1) + [address]
        let made: OpaquePointer? = withCStrings(keywords) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let made else { throw PostgresError(kind: .connection, message: "out of memory", state: nil) }
        guard PQstatus(made) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(made))
            PQfinish(made)
            throw PostgresError(kind: .connection, message: message, state: nil)
        }
        connection = made
        // Warnings and notices ("relation exists, skipping") go nowhere, not to stderr under a screen.
        PQsetNoticeProcessor(made, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// libpq's settings given before the address (whose own settings win).
    static let defaults = [("connect_timeout", "5"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3")]

    /// Whether the connection is still usable (false once the server went away).
    public var isUsable: Bool { PQstatus(connection) == CONNECTION_OK }

    /// The socket, to wait on for notifications together with other descriptors.
    public var socket: Int32 { PQsocket(connection) }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement with parameters; returns its rows (none for a command).
    @discardableResult
    public func query(_ sql: String, _ parameters: [PGValue] = []) throws(PostgresError) -> PGRows {
        let encoded = parameters.map(\.bytes)
        let types: [Oid] = parameters.map(\.type)
        let formats = [Int32](repeating: 1, count: parameters.count)
        let lengths = encoded.map { Int32($0.count) }
        let result: OpaquePointer? = withPointers(encoded) { values in
            PQexecParams(connection, sql, Int32(parameters.count), types, values, lengths, formats, 1)
        }
        do throws(PostgresError) {
            try check(result)
        } catch {
            PQclear(result)
            throw error
        }
        return PGRows(result)
    }

    /// The notifications received so far on channels this connection listens to (their payloads),
    /// reading what the socket has without waiting.
    public func notifications() throws(PostgresError) -> [String] {
        guard PQconsumeInput(connection) == 1 else {
            throw PostgresError(kind: .connection, message: Self.text(PQerrorMessage(connection)), state: nil)
        }
        var payloads: [String] = []
        while let note = PQnotifies(connection) {
            payloads.append(Self.text(note.pointee.extra))
            PQfreemem(note)
        }
        return payloads
    }

    /// Waits up to `milliseconds` for the socket to have something to read (or `wake` to be readable).
    public func waitReadable(milliseconds: Int32, orWake wake: Int32 = -1) -> Bool {
        var entries = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        if wake >= 0 { entries.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        return poll(&entries, nfds_t(entries.count), milliseconds) > 0 && entries[0].revents != 0
    }

    private func check(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result else {
            throw PostgresError(kind: .connection, message: Self.text(PQerrorMessage(connection)), state: nil)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = Self.text(PQresultErrorMessage(result))
            let lost = !isUsable
            throw PostgresError(kind: lost ? .connection : .statement, message: message, state: state)
        }
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        // libpq's messages run over several lines (a hint indented by a tab): one line here.
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { text(UnsafePointer(pointer)) }
}

/// Calls `body` with a NULL-terminated array of C strings (alive for the call).
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Calls `body` with C pointers to each of `arrays`' bytes (alive for the call).
private func withPointers<R>(_ arrays: [[UInt8]], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    func nest(_ index: Int) -> R {
        if index == arrays.count { return body(pointers) }
        return arrays[index].withUnsafeBytes { raw in
            pointers.append(raw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(bitPattern: 1))
            return nest(index + 1)
        }
    }
    return nest(0)
}

/// A parameter, sent in PostgreSQL's binary form.
public enum PGValue: Sendable {
    case int64(Int64)
    case bytes([UInt8])
    case text(String)

    var type: Oid {
        switch self {
        case .int64: return 20 // int8
        case .bytes: return 17 // bytea
        case .text: return 25 // text
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .int64(let value): return withUnsafeBytes(of: value.bigEndian) { Array($0) }
        case .bytes(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        }
    }
}

/// The rows of a result, read in binary (freed when dropped).
public final class PGRows {
    private let result: OpaquePointer?

    init(_ result: OpaquePointer?) { self.result = result }
    deinit { PQclear(result) }

    public var count: Int { result.map { Int(PQntuples($0)) } ?? 0 }

    public func isNull(_ row: Int, _ column: Int) -> Bool {
        guard let result else { return true }
        return PQgetisnull(result, Int32(row), Int32(column)) == 1
    }

    /// A column's bytes as sent (bytea: the raw bytes; text: UTF-8).
    public func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        guard let result, let value = PQgetvalue(result, Int32(row), Int32(column)) else { return [] }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        return Array(UnsafeRawBufferPointer(start: value, count: length))
    }

    /// Calls `body` with a column's bytes where they lie (no copy).
    public func withBytes<R>(_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard let result, let value = PQgetvalue(result, Int32(row), Int32(column)) else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return body(UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, Int32(row), Int32(column)))))
    }

    public func text(_ row: Int, _ column: Int) -> String { String(decoding: bytes(row, column), as: UTF8.self) }

    /// An integer column (int2, int4 or int8, big-endian in binary).
    public func integer(_ row: Int, _ column: Int) -> Int64 {
        bytes(row, column).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}

/// What went wrong talking to PostgreSQL: the connection (could not connect, or lost), or a
/// statement the server refused (with its SQLSTATE, e.g. `42501` insufficient privilege).
public struct PostgresError: Error, Sendable, Equatable {
    public enum Kind: Sendable { case connection, statement }
    public let kind: Kind
    public let message: String
    public let state: String?

    public init(kind: Kind, message: String, state: String?) {
        self.kind = kind
        self.message = message
        self.state = state
    }
}
