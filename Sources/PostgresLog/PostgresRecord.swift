import Foundation
import Log

/// A market's record kept in PostgreSQL (issue 21): the log file's header in `chengxin_log` and
/// each record's exact bytes in `chengxin_records` under its sequence number, so that the chain,
/// the checkpoints and the anchors are those of the file format. It is the `RecordUpstream` of a
/// seat's data directory, which holds a copy of it; it also creates the schema (`migrate`) and
/// the log (`create`). One connection, opened when first needed and again after it was lost.
public final class PostgresRecord: RecordUpstream {
    /// The connection string as given (it may hold a password: show `shown` instead).
    public let address: String
    private var connection: PGConnection?

    public init(address: String) {
        self.address = address
    }

    /// The address without its password, for messages.
    public var shown: String { PostgresAddress.redacted(address) }

    // MARK: The schema and the log

    /// The newest migration applied (0: none; the database has no chengxin tables).
    public func schemaVersion() throws(LogError) -> Int {
        try run { connection throws(PostgresError) in
            let exists = try connection.query("SELECT to_regclass('chengxin_migrations') IS NOT NULL")
            guard exists.count == 1, exists.bytes(0, 0) == [1] else { return 0 }
            return Int(try connection.query("SELECT coalesce(max(version), 0)::bigint FROM chengxin_migrations").integer(0, 0))
        }
    }

    /// Applies the migrations the database lacks, each in its own transaction (serialised by a
    /// lock on the migrations' table); returns the versions before and after. A database set up by
    /// a newer chengxin is refused (`newerSchema`).
    public func migrate() throws(PostgresSetupError) -> (from: Int, to: Int) {
        let before: Int
        do throws(LogError) { before = try schemaVersion() } catch { throw .log(error) }
        if before > PostgresSchema.newest { throw .newerSchema(before) }
        do throws(LogError) {
            try run { connection throws(PostgresError) in
                try connection.execute("CREATE TABLE IF NOT EXISTS chengxin_migrations (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
            }
            for migration in PostgresSchema.migrations where migration.version > before {
                try run { connection throws(PostgresError) in
                    try connection.execute("BEGIN")
                    do throws(PostgresError) {
                        try connection.execute("LOCK TABLE chengxin_migrations IN ACCESS EXCLUSIVE MODE")
                        let applied = try connection.query("SELECT 1 FROM chengxin_migrations WHERE version = $1", [.int64(Int64(migration.version))])
                        if applied.count == 0 {
                            try connection.execute(migration.sql)
                            try connection.query("INSERT INTO chengxin_migrations (version) VALUES ($1)", [.int64(Int64(migration.version))])
                        }
                        try connection.execute("COMMIT")
                    } catch {
                        try? connection.execute("ROLLBACK")
                        throw error
                    }
                }
            }
            return (before, PostgresSchema.newest)
        } catch {
            throw .log(error)
        }
    }

    /// The log's header (32 bytes), nil before `create`.
    public func header() throws(LogError) -> [UInt8]? {
        try run { connection throws(PostgresError) in
            let rows = try connection.query("SELECT header FROM chengxin_log WHERE id = 1")
            return rows.count == 1 ? rows.bytes(0, 0) : nil
        }
    }

    /// Starts the log: its header (the file's, with its random log id). Refused when one exists.
    public func create(header: [UInt8]) throws(LogError) {
        try run { connection throws(PostgresError) in
            try connection.query("INSERT INTO chengxin_log (id, header) VALUES (1, $1)", [.bytes(header)])
        }
    }

    /// The number of the last record (0: none).
    public func lastSequence() throws(LogError) -> UInt64 {
        try run { connection throws(PostgresError) in
            UInt64(clamping: try connection.query("SELECT coalesce(max(seq), 0)::bigint FROM chengxin_records").integer(0, 0))
        }
    }

    /// The signed checkpoints' lines the record holds (`checkpoints.txt`'s lines), oldest first.
    public func checkpointLines() throws(LogError) -> [String] {
        try run(retrying: true) { connection throws(PostgresError) in
            let rows = try connection.query("SELECT line FROM chengxin_checkpoints ORDER BY n")
            return (0..<rows.count).map { rows.text($0, 0) }
        }
    }

    /// Adds the checkpoint lines the record lacks (a line held already is left); returns how many.
    @discardableResult
    public func addCheckpointLines(_ lines: [String]) throws(LogError) -> Int {
        try run { connection throws(PostgresError) in
            var added = 0
            for line in lines {
                let rows = try connection.query("INSERT INTO chengxin_checkpoints (line) VALUES ($1) ON CONFLICT (line) DO NOTHING RETURNING n", [.text(line)])
                added += rows.count
            }
            return added
        }
    }

    // MARK: RecordUpstream


    public func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8] {
        let rows = try run(retrying: true) { connection throws(PostgresError) in
            try connection.query("SELECT seq, bytes FROM chengxin_records WHERE seq >= $1 ORDER BY seq LIMIT $2",
                                 [.int64(Int64(clamping: max(sequence, 1))), .int64(Int64(limit + (sequence == 0 ? 0 : 1)))])
        }
        var first = 0
        if sequence == 0 {
            guard let header = try header(), LogFormat.sha256(header[...]) == head else { throw .sharedDiverged(sequence: 0) }
        } else {
            let known = rows.count > 0 && UInt64(clamping: rows.integer(0, 0)) == sequence
                && rows.withBytes(0, 1) { $0.count >= 4 && LogFormat.sha256(Array($0.dropLast(4))[...]) == head }
            guard known else { throw .sharedDiverged(sequence: sequence) }
            first = 1
        }
        var bytes: [UInt8] = []
        for row in first..<rows.count {
            rows.withBytes(row, 1) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    public func append(_ frames: [UInt8], first: UInt64, count: Int) throws(LogError) -> Bool {
        let records = Self.split(frames)
        let connection = try connected()
        do throws(PostgresError) {
            return try insert(records, first: first, on: connection)
        } catch {
            guard error.kind == .connection else { return try Self.conflict(error) }
            // The connection went: ask a new one whether the first record is there, byte for byte.
            self.connection = nil
            guard let fresh = try? connected(),
                  let there = try? fresh.query("SELECT bytes FROM chengxin_records WHERE seq = $1", [.int64(Int64(clamping: first))]) else {
                throw .sharedOutcomeUnknown
            }
            if there.count == 1 { return there.bytes(0, 0) == records.first }
            do throws(PostgresError) {
                return try insert(records, first: first, on: fresh)
            } catch {
                if error.kind == .connection { throw .sharedOutcomeUnknown }
                return try Self.conflict(error)
            }
        }
    }

    /// Inserts `records` as records `first`…: one statement (committed by itself) for an ordinary
    /// append; a transaction of several for thousands. False when they do not follow the record's
    /// last one (nothing added).
    private func insert(_ records: [[UInt8]], first: UInt64, on connection: PGConnection) throws(PostgresError) -> Bool {
        let chunks = stride(from: 0, to: records.count, by: Self.rowsPerStatement).map { $0..<min(records.count, $0 + Self.rowsPerStatement) }
        if chunks.count > 1 { try connection.execute("BEGIN") }
        do throws(PostgresError) {
            for chunk in chunks {
                let rows = chunk.map { "($\(2 * ($0 - chunk.lowerBound) + 1), $\(2 * ($0 - chunk.lowerBound) + 2))" }.joined(separator: ", ")
                let values = chunk.flatMap { [PGValue.int64(Int64(clamping: first + UInt64($0))), .bytes(records[$0])] }
                try connection.query("INSERT INTO chengxin_records (seq, bytes) VALUES " + rows, values)
            }
            if chunks.count > 1 { try connection.execute("COMMIT") }
            return true
        } catch {
            if chunks.count > 1, error.kind != .connection { try? connection.execute("ROLLBACK") }
            if error.kind != .connection, Self.conflictStates.contains(error.state ?? "") { return false }
            throw error
        }
    }

    /// Records in one INSERT statement (two parameters each, well under PostgreSQL's 65,535).
    static let rowsPerStatement = 5000
    /// What the record answers to records that do not follow its last one: the chain's trigger
    /// (`40001`, as a serialisation failure: try again) or the primary key (`23505`).
    static let conflictStates: Set<String> = ["40001", "23505"]

    /// A statement the server refused, as the append's answer: a conflict is `false`, anything else `sharedRefused`.
    private static func conflict(_ error: PostgresError) throws(LogError) -> Bool {
        if conflictStates.contains(error.state ?? "") { return false }
        throw .sharedRefused(error.message)
    }

    /// Framed records one after another, each as its own bytes.
    static func split(_ frames: [UInt8]) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset + LogFormat.recordOverhead <= frames.count {
            let length = Int(frames[offset + 4]) | Int(frames[offset + 5]) << 8 | Int(frames[offset + 6]) << 16 | Int(frames[offset + 7]) << 24
            let end = min(frames.count, offset + LogFormat.recordOverhead + length)
            records.append(Array(frames[offset..<end]))
            offset = end
        }
        return records
    }

    public func publish(checkpointLine: String) {
        _ = try? addCheckpointLines([checkpointLine])
    }

    // MARK: The connection

    /// Runs `body` on the connection (made again when it was lost); a lost connection is
    /// `sharedUnavailable`, anything the server refused is `sharedRefused`. `retrying`: a
    /// connection found lost by `body` (the server restarted since the last call) is made again and
    /// `body` run once more — only for what changes nothing (a read, the start of an append).
    private func run<R>(retrying: Bool = false, _ body: (PGConnection) throws(PostgresError) -> R) throws(LogError) -> R {
        let connection = try connected()
        do throws(PostgresError) {
            return try body(connection)
        } catch {
            if error.kind == .connection || !connection.isUsable {
                self.connection = nil
                if retrying { return try run(retrying: false, body) }
                throw .sharedUnavailable(error.message)
            }
            throw .sharedRefused(error.message)
        }
    }

    private func connected() throws(LogError) -> PGConnection {
        if let connection, connection.isUsable { return connection }
        connection = nil
        do throws(PostgresError) {
            let made = try PGConnection(address)
            connection = made
            return made
        } catch {
            throw .sharedUnavailable(error.message)
        }
    }
}

/// What `chengxin init --store` can meet besides the log's own errors.
public enum PostgresSetupError: Error, Sendable {
    case log(LogError)
    /// The database was set up by a newer chengxin (its newest migration).
    case newerSchema(Int)
}

/// Connection strings as people write them.
public enum PostgresAddress {
    /// Whether `text` names a PostgreSQL database rather than a folder.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The address with any password replaced by `***` (URI user-info and `password=` parameters).
    public static func redacted(_ address: String) -> String {
        var text = address
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let range = text.range(of: "password=") {
            let end = text[range.upperBound...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return text
    }
}
