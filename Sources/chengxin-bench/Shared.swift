import Core
import Foundation
import LocalPostgres
import Log
import PostgresLog
import Storage
#if canImport(Glibc)
import Glibc
#endif

// The shared record in PostgreSQL (issue 21), measured in the same run as the file's figures:
// a private cluster in DIR/postgres, the generated log copied into it, then a seat's appends
// against PostgreSQL's own INSERT, the opens of a seat, and the delay of a NOTIFY to another seat.

/// The benchmark's cluster: `PostgresCluster` (LocalPostgres), its programs run as the
/// benchmark runs its children (stderr with stdout: only read when one fails).
func makeCluster(in folder: String) throws -> PostgresCluster {
    try PostgresCluster(folder: folder) { argv in
        let (status, lines) = try Child(command: argv, mergingErrors: true).outcome()
        return (status, lines.joined(separator: "\n"), "")
    }
}

/// Why the shared record's figures cannot be measured for `directory` (nil: they can).
func sharedUnavailable(directory: String) -> String? {
    if let reason = PostgresCluster.unavailable { return reason }
    // The server's socket, DIR/postgres/.s.PGSQL.5432, must fit in a sockaddr_un (108 bytes).
    let socket = sharedClusterFolder(directory).utf8.count + "/.s.PGSQL.5432".utf8.count
    if socket > 107 { return "the server's socket path under --dir would be \(socket) bytes (at most 107): pass a shorter --dir" }
    return nil
}

/// The cluster's folder in DIR, as an absolute path (the socket's folder is the connection's host).
func sharedClusterFolder(_ directory: String) -> String { URL(fileURLWithPath: directory).standardizedFileURL.path + "/postgres" }

/// The shared record's rows of the report: measured with a cluster of the run's own, stopped and
/// removed at the end (also on failure).
func measureShared(directory: String, options: Options, today: String) throws -> [Row] {
    // As root the server runs as `postgres`, which must be able to reach its folder in DIR (0700).
    if getuid() == 0 { chmod(directory, 0o711) }
    progress("shared record: starting PostgreSQL in \(sharedClusterFolder(directory))…")
    let cluster = try makeCluster(in: sharedClusterFolder(directory))
    defer {
        cluster.stop()
        if getuid() == 0 { chmod(directory, 0o700) }
    }
    let url = cluster.url
    var rows: [Row] = []

    progress("shared record: copying the log into it…")
    var t0 = now()
    let copied = try StoreCopy.copy(from: .directory(directory), to: .record(PostgresRecord(address: url))).copied
    let copySeconds = now() - t0
    rows.append(Row(measure: "shared record: the generated log copied into PostgreSQL (`store copy`: \(copied) records, the source checked first, every record checked again by the chain trigger)",
                    value: seconds(copySeconds) + String(format: " = %.0f records/s", Double(copied) / copySeconds), target: "", met: nil))

    // The seat that appends: its copy made from the record and its snapshot written, as at a seat's
    // first open (not timed here: the opens below time it in fresh processes).
    let seat = directory + "/seat-a", other = directory + "/seat-b"
    progress("shared record: a seat's copy…")
    t0 = now()
    let store = try SharedCopy.open(seat, of: PostgresRecord(address: url), snapshotKey: benchSnapshotKey)
    try store.requireIntact()
    progress(String(format: "shared record: copy made and opened in %.1f s", now() - t0))

    progress("shared record: durable appends (\(options.appends) of each)…")
    let appends = try measureSharedAppends(store, address: url, count: options.appends, today: today)
    let ours = appends["shared"] ?? [], insert = appends["insert"] ?? []
    rows += appendRows((String(format: "shared record: durable append through a seat's copy (`Store.append`: one INSERT statement accepted after the record's last record, then the copy's pwrite; one event, %.0f bytes framed; median / p99)", median(appends["bytes"] ?? [])), ours),
                       against: ("shared record: PostgreSQL's own single-row INSERT of the same bytes, autocommit, same server (median / p99)", insert),
                       ratio: "shared record: append ÷ INSERT (medians)", limit: 1.5)

    progress("shared record: NOTIFY to another seat (\(options.notify) appends)…")
    let notified = try measureNotify(store, otherSeat: other, address: url, samples: options.notify, today: today)
    let woken = notified.woken, fetched = notified.fetched, fromStart = notified.fromStart
    rows.append(Row(measure: "shared record: another seat's process woken by NOTIFY, from the append's return (CLOCK_MONOTONIC stamps of both processes; negative: woken before the appender had written its own copy and returned; median / p99)",
                    value: medianAndP99(woken),
                    target: "≤ 250 ms", met: percentile(woken, 99) <= 0.25))
    rows.append(Row(measure: "shared record: … the same from the append's start (the commit lies between the two; median / p99)",
                    value: medianAndP99(fromStart), target: "", met: nil))
    rows.append(Row(measure: "shared record: … and the new record fetched into its copy (`Store.refresh`; median / p99)",
                    value: medianAndP99(fetched), target: "", met: nil))

    guard let snapshot = SnapshotFile.read(directory: seat, key: benchSnapshotKey)?.point.sequence else { throw BenchFailure("no snapshot in \(seat)") }
    let after = store.log.lastSequence - snapshot

    // The opens, each in a fresh process (`_open … --store`): the seat that appended (its copy and
    // snapshot, the appends after it), the other seat (its copy, no snapshot), and a new seat.
    var opens: [String: [[String: Double]]] = [:]
    for run in 0..<options.runs {
        progress("shared record: opens \(run + 1)/\(options.runs)…")
        let fresh = directory + "/seat-new"
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        for (name, seatFolder, mode) in [("snapshot", seat, "snapshot"), ("copy", other, "replay"), ("new", fresh, "replay")] {
            let lines = try Child(["_open", seatFolder, mode, "--today", today, "--store", url, "--in-page-cache", "--frame-only"]).finish()
            guard let line = lines.first(where: { $0.hasPrefix("open") }) else { throw BenchFailure("shared open child printed nothing") }
            opens[name, default: []].append(fields(line))
        }
    }
    func frame(_ name: String) -> Double { median((opens[name] ?? []).compactMap { $0["frame"] }) }
    rows.append(Row(measure: "shared record: a seat opens its copy via its snapshot (\(after) records after it: its appends above), the record asked for newer ones, to the first drawn frame",
                    value: seconds(frame("snapshot")), target: "≤ 0.25 s", met: frame("snapshot") <= 0.25))
    rows.append(Row(measure: "shared record: a seat opens its copy without a snapshot (every record replayed, as the dashboard does) to the first drawn frame",
                    value: seconds(frame("copy")), target: "", met: nil))
    rows.append(Row(measure: "shared record: a new seat (no local copy: the copy made from the record, then replayed) to the first drawn frame",
                    value: seconds(frame("new")), target: "", met: nil))
    return rows
}

/// Durable appends, alternated (which goes first changes every round): one event through a seat's
/// copy (`Store.append` with the record upstream) and PostgreSQL's own single-row INSERT of the same
/// framed bytes into a plain table (autocommit: a commit per row, `synchronous_commit` on, `fsync` on)
/// over another connection to the same server.
func measureSharedAppends(_ store: Store, address: String, count: Int, today: String) throws -> [String: [Double]] {
    let plain = try PGConnection(address)
    try plain.execute("CREATE TABLE bench_plain (seq bigint PRIMARY KEY, bytes bytea NOT NULL)")
    return try rotatingAppends(store, named: "shared", count: count, today: today) { i, _, framed in
        [("insert", { try plain.query("INSERT INTO bench_plain (seq, bytes) VALUES ($1, $2)", [.int64(Int64(i + 1)), .bytes(framed)]) })]
    }
}

/// Appends events one at a time through `store` while a child process with its own copy of the
/// record (`_listen`) waits on a `RecordListener`; each delay runs from the append's return (and
/// from its start) to the moment the child was woken (and to the moment it had fetched the record), read on
/// CLOCK_MONOTONIC, which is one clock for every process of the machine.
func measureNotify(_ store: Store, otherSeat: String, address: String, samples: Int, today: String) throws
    -> (woken: [Double], fetched: [Double], fromStart: [Double]) {
    guard samples > 0 else { return ([], [], []) }
    let child = try Child(["_listen", otherSeat, address])
    defer { child.stop() }
    guard child.readLine() == "ready" else { throw BenchFailure("the listening seat did not start") }
    var woken: [Double] = [], fetched: [Double] = [], fromStart: [Double] = []
    var rng = SplitMix64(seed: 21)
    for i in 0..<samples {
        // A random pause, so that appends do not fall in step with anything.
        usleep(UInt32.random(in: 10_000..<60_000, using: &rng))
        let started = now()
        let records = try store.append(events: { _ in [appendedEvent(i, today: today)] })
        let returned = now()
        guard let sequence = records.last?.sequence else { throw BenchFailure("notify append wrote nothing") }
        while true {
            guard let line = child.readLine() else { throw BenchFailure("the listening seat ended") }
            let f = fields(line)
            if line.hasPrefix("seen"), let seen = f["seq"], UInt64(seen) >= sequence, let woke = f["woke"], let at = f["at"] {
                woken.append(woke - returned)
                fetched.append(at - returned)
                fromStart.append(woke - started)
                break
            }
        }
    }
    return (woken, fetched, fromStart)
}

extension ChildCommands {
    /// Another seat: its copy of the record (made if missing; no snapshot), a `RecordListener`
    /// waiting; at each wake-up the copy is brought up to date. Prints `ready` once listening, then
    /// `seen seq=S woke=T at=T` (CLOCK_MONOTONIC seconds: woken, then the record fetched).
    static func listen(_ directory: String, address: String) throws {
        let store = try SharedCopy.open(directory, of: PostgresRecord(address: address), snapshotKey: nil, chainCheck: .deferred)
        let listener = RecordListener(address: address)
        let deadline = now() + 30
        while !listener.isConnected {
            guard now() < deadline else { throw BenchFailure("the listener did not connect") }
            usleep(10_000)
        }
        report("ready")
        while true {
            guard listener.wait(milliseconds: 5000) else { continue }
            let woke = now()
            listener.drain()
            if try store.refresh() {
                report("seen seq=\(store.log.lastSequence) woke=\(woke) at=\(now())")
            }
        }
    }
}
