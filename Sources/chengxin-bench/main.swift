import CSQLite
import Codec
import Core
import Foundation
import Log
import Storage
#if canImport(Glibc)
import Glibc
#endif

// chengxin-bench: generates a deterministic log of N realistic events and measures what
// docs/quality.md ("Performance") asks for. Usage:
//   swift run -c release chengxin-bench [--events N] [--dir DIR] [--seeds DIR] [--runs R]
//                                       [--appends K] [--latency S] [--poll-latency S] [--notify K] [--keep]
// Prints a Markdown table (one row per measure) to stdout, progress to stderr.



struct Options {
    var events = 1_000_000
    var directory: String?
    var seeds: String?
    var runs = 3
    var appends = 300
    var latency = 20
    var pollLatency = 5
    var notify = 50
    var keep = false
    var tail = 500
    var keys = 200
    var generateOnly = false

    init(_ arguments: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw BenchFailure("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        func number() throws -> Int {
            let text = try value()
            guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n >= 0 else { throw BenchFailure("not a count: \(text)") }
            return n
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--events": events = try number()
            case "--dir": directory = try value()
            case "--seeds": seeds = try value()
            case "--runs": runs = max(1, try number())
            case "--appends": appends = max(1, try number())
            case "--latency": latency = try number()
            case "--poll-latency": pollLatency = try number()
            case "--notify": notify = try number()
            case "--tail": tail = try number()
            case "--keys": keys = max(1, try number())
            case "--keep": keep = true
            case "--generate-only": generateOnly = true; keep = true
            case "--help", "-h":
                print("usage: chengxin-bench [--events N] [--dir DIR] [--seeds DIR] [--runs R] [--appends K] [--latency S] [--poll-latency S] [--notify K] [--tail T] [--keys K] [--keep] [--generate-only]")
                exit(0)
            default: throw BenchFailure("unknown option \(arguments[i])")
            }
            i += 1
        }
    }
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// One row of the report.
struct Row {
    var measure: String
    var value: String
    var target: String
    var met: Bool?
}

func seconds(_ s: Double) -> String { String(format: "%.3f s", s) }
func milliseconds(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
/// "median / p99" of times in seconds, in milliseconds.
func medianAndP99(_ times: [Double]) -> String { milliseconds(median(times)) + " / " + milliseconds(percentile(times, 99)) }

func findSeeds(_ given: String?) throws -> String {
    var candidates: [String] = []
    if let given { candidates.append(given) }
    if let env = ProcessInfo.processInfo.environment["CHENGXIN_SEEDS"] { candidates.append(env) }
    candidates.append(FileManager.default.currentDirectoryPath + "/seeds")
    // Beside the sources (swift run from anywhere): Sources/chengxin-bench/main.swift -> ../../seeds.
    candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/seeds")
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/merchants.csv") }) else {
        throw BenchFailure("cannot find the seeds folder; pass --seeds DIR")
    }
    return found
}

/// Writes the events as a log, in batches of records per fdatasync (generation, not measured), with
/// the snapshot `tail` records before the end as `Store.open` writes it (its full replay).
func writeLog(_ events: [Event], directory: String, tail: Int) throws {
    let log = try EventLog.create(directory: directory)
    let cut = max(1, events.count - tail)
    try append(events[..<cut], to: log)
    // Opened as `chengxin` opens a log without a snapshot: every record replayed and checked, then the snapshot written.
    _ = try Store.open(directory, snapshotKey: benchSnapshotKey)
    guard SnapshotFile.read(directory: directory, key: benchSnapshotKey)?.point.sequence == UInt64(cut) else {
        throw BenchFailure("no snapshot at record \(cut)")
    }
    try append(events[cut...], to: log)
}

/// Appends events to the log, 10,000 records per fdatasync.
func append(_ events: ArraySlice<Event>, to log: EventLog) throws {
    var batch: [[UInt8]] = []
    for event in events {
        batch.append(Array(try EventCodec.encode(event)))
        if batch.count == 10_000 {
            let payloads = batch
            try log.append { _ in payloads }
            log.discardRecords()
            batch.removeAll(keepingCapacity: true)
        }
    }
    if !batch.isEmpty {
        let payloads = batch
        try log.append { _ in payloads }
    }
}

func lastDay(_ events: [Event]) -> String {
    String(events.last?.at.prefix(10) ?? "2026-11-27")
}

/// The event every durable append figure appends (a mediation step, a new key each time).
func appendedEvent(_ i: Int, today: String) -> Event {
    Event(actor: "shuji2", at: today + "T03:00:00Z", key: "bench:append:\(UUID().uuidString)",
          body: .complaintStep(ComplaintStep(receipt: "BNCH-\(1000 + i % 9000)", action: .mediate,
                                             date: SimpleDate(iso: today) ?? SimpleDate(dayNumber: 20_000), note: "现场调解，双方同意三日内答复")))
}

/// Durable appends, interleaved (in rotating order) so that all see the same disk conditions: a chengxin
/// append (`Store.append`: lock, catch up, encode, pwrite, fdatasync, unlock, fold) of one event; a bare pwrite +
/// fdatasync of the same record bytes to another file; one SQLite INSERT with synchronous=FULL
/// (WAL journal, SQLite's fastest durable mode, and the default rollback journal).
func measureAppends(directory: String, count: Int, today: String) throws -> [String: [Double]] {
    // Opened as a write command opens it, the whole log checked before the first append (not timed).
    let store = try Store.open(directory, snapshotKey: benchSnapshotKey)
    try store.requireIntact()
    let barePath = directory + "/bare.bin"
    let bare = open(barePath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard bare >= 0 else { throw BenchFailure("cannot create \(barePath)") }
    defer { close(bare); unlink(barePath) }
    var bareOffset = 0

    func openSQLite(_ name: String, journal: String) throws -> (OpaquePointer, OpaquePointer) {
        let path = directory + "/" + name
        unlink(path); unlink(path + "-wal"); unlink(path + "-shm"); unlink(path + "-journal")
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchFailure("sqlite3_open failed") }
        for sql in ["PRAGMA journal_mode=\(journal)", "PRAGMA synchronous=FULL",
                    "CREATE TABLE events(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)"] {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchFailure("sqlite: \(sql): \(String(cString: sqlite3_errmsg(db)))") }
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO events(payload) VALUES (?)", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchFailure("sqlite prepare failed")
        }
        return (db, statement)
    }
    let wal = try openSQLite("bench-wal.sqlite", journal: "WAL")
    let rollback = try openSQLite("bench-delete.sqlite", journal: "DELETE")
    defer {
        for (db, statement) in [wal, rollback] {
            sqlite3_finalize(statement)
            sqlite3_close(db)
        }
        for name in ["bench-wal.sqlite", "bench-delete.sqlite"] {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(directory + "/" + name + suffix) }
        }
    }
    func insert(_ pair: (OpaquePointer, OpaquePointer), _ bytes: [UInt8]) throws {
        let (db, statement) = pair
        sqlite3_reset(statement)
        let rc = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), nil) }
        guard rc == SQLITE_OK, sqlite3_step(statement) == SQLITE_DONE else { throw BenchFailure("sqlite insert: \(String(cString: sqlite3_errmsg(db)))") }
    }

    // chengxin: `Store.append` (catch up under the lock, drop a recorded key, encode, the durable
    // append, fold the record); the peers write the same bytes.
    return try rotatingAppends(store, named: "chengxin", count: count, today: today) { _, payload, framed in
        [
            // The same record bytes, bare.
            ("bare", {
                let written = framed.withUnsafeBytes { pwrite(bare, $0.baseAddress, $0.count, off_t(bareOffset)) }
                guard written == framed.count, fdatasync(bare) == 0 else { throw BenchFailure("bare write failed") }
                bareOffset += framed.count
            }),
            ("sqlite-wal", { try insert(wal, payload) }),
            ("sqlite-delete", { try insert(rollback, payload) }),
        ]
    }
}

/// Durable appends of `count` events: each round one through `store` (timed as `name`) and, of the
/// same event, what `peers` makes of its payload and its framed record (prepared outside the
/// timings), in an order that rotates each round: a sync that follows another file's metadata
/// change (SQLite's rollback journal is created and deleted per insert) pays for committing it,
/// so none is always first. The times by name, and the framed records' sizes as `bytes`.
func rotatingAppends(_ store: Store, named name: String, count: Int, today: String,
                     peers: (_ round: Int, _ payload: [UInt8], _ framed: [UInt8]) -> [(String, () throws -> Void)]) throws -> [String: [Double]] {
    var times: [String: [Double]] = [:]
    var sizes: [Double] = []
    for i in 0..<count {
        let event = appendedEvent(i, today: today)
        let payload = try EventCodec.encodeBytes(event)
        let framed = LogFormat.record(sequence: UInt64(i + 1), previousHash: Array(repeating: 0, count: 32), payload: payload).bytes
        sizes.append(Double(framed.count))
        let ours: (String, () throws -> Void) = (name, {
            let records = try store.append(events: { _ in [event] })
            guard records.first?.payload == payload else { throw BenchFailure("append wrote something else") }
        })
        let steps = [ours] + peers(i, payload, framed)
        for k in 0..<steps.count {
            let (name, step) = steps[(i + k) % steps.count]
            let t0 = now()
            try step()
            times[name, default: []].append(now() - t0)
        }
    }
    times["bytes"] = sizes
    return times
}

/// The rows of a durable append and its peer (median / p99 each), then the ratio of their medians
/// against its target.
func appendRows(_ ours: (measure: String, times: [Double]), against peer: (measure: String, times: [Double]), ratio: String, limit: Double) -> [Row] {
    let factor = median(ours.times) / median(peer.times)
    return [Row(measure: ours.measure, value: medianAndP99(ours.times), target: "", met: nil),
            Row(measure: peer.measure, value: medianAndP99(peer.times), target: "", met: nil),
            Row(measure: ratio, value: String(format: "%.2f×", factor), target: String(format: "≤ %g×", limit), met: factor <= limit)]
}

/// Appends events one at a time and reads, from a second process, when each was on its screen.
func measureLatency(directory: String, mode: String, samples: Int, today: String) throws -> [Double] {
    guard samples > 0 else { return [] }
    let child = try Child(["_watch", directory, mode, today])
    defer { child.stop() }
    guard child.readLine() == "ready" else { throw BenchFailure("watcher did not start") }
    let store = try Store.open(directory, snapshotKey: benchSnapshotKey)
    try store.requireIntact()
    var delays: [Double] = []
    var rng = SplitMix64(seed: 77)
    for i in 0..<samples {
        // A random phase against the watcher's tick.
        usleep(UInt32.random(in: 0..<(mode == "inotify" ? 50_000 : 1_000_000), using: &rng))
        let event = Event(actor: "fuwutai", at: today + "T04:00:00Z", key: "bench:latency:\(mode):\(i):\(UUID().uuidString)",
                          body: .complaintFiled(ComplaintFiled(receipt: "LT\(i % 10)\(i / 10 % 10)-\(mode == "inotify" ? "AAAA" : "BBBB")", shop: nil,
                                                               category: ComplaintCodes.categories.keys.sorted().first ?? "other", integrity: .consumer,
                                                               text: "延迟测试：另一终端应立即看到这条投诉", amountFen: nil, wants: ["apology"],
                                                               consumerName: nil, consumerPhone: nil, consentToContact: false,
                                                               date: SimpleDate(iso: today) ?? SimpleDate(dayNumber: 20_000))))
        let records = try store.append(events: { _ in [event] })
        let acknowledged = wallNanoseconds()
        guard let sequence = records.last?.sequence else { throw BenchFailure("latency append wrote nothing") }
        while let line = child.readLine() {
            let f = fields(line)
            if line.hasPrefix("seen"), let seen = f["seq"], UInt64(seen) >= sequence, let at = f["at"] {
                delays.append(max(0, (at - Double(acknowledged)) / 1e9))
                break
            }
        }
    }
    return delays
}

func runBenchmark(_ options: Options) throws {
    let directory = options.directory ?? (NSTemporaryDirectory() + "chengxin-bench-\(getpid())")
    if FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) {
        throw BenchFailure("\(directory) already holds a log; pass an empty or new --dir")
    }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { if !options.keep && options.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let n = options.events
    var rows: [Row] = []

    progress("generating \(n) events…")
    var t0 = now()
    let today: String
    var typeCount = 0
    do {
        let events = try BenchHistory.events(count: n, seeds: try findSeeds(options.seeds))
        let types = Set(events.map(\.type))
        typeCount = types.count
        today = lastDay(events)
        progress(String(format: "generated in %.1f s (%d event types); writing the log…", now() - t0, types.count))
        t0 = now()
        try writeLog(events, directory: directory, tail: options.tail)
        progress(String(format: "written in %.1f s", now() - t0))
    }
    let logSize = (try? FileManager.default.attributesOfItem(atPath: EventLog.logPath(in: directory))[.size] as? Int) ?? 0
    if options.generateOnly {
        progress("data directory kept: \(directory) (today \(today))")
        return
    }
    rows.append(Row(measure: "events in the log (event types)", value: "\(n) (\(typeCount) types)", target: "every type", met: nil))
    rows.append(Row(measure: "log size", value: String(format: "%.1f MiB", Double(logSize) / 1_048_576), target: "", met: nil))

    // Full cold rebuild (no snapshot: every record read, checked and folded into a new state), in
    // a fresh process: with the log's pages in the page cache (as after writing or reading it),
    // then with them dropped (the log read from the disk, whose speed is the machine's).
    var rebuild: [[String: Double]] = [], fromDisk: [[String: Double]] = []
    for run in 0..<options.runs {
        progress("cold rebuild \(run + 1)/\(options.runs)…")
        let args = ["_open", directory, "replay", "--today", today]
        for (cached, into) in [(true, 0), (false, 1)] {
            let lines = try Child(args + (cached ? ["--in-page-cache"] : [])).finish()
            guard let line = lines.first(where: { $0.hasPrefix("open") }) else { throw BenchFailure("rebuild child printed nothing") }
            var found = fields(line)
            if let check = lines.first(where: { $0.hasPrefix("chaincheck") }).flatMap({ fields($0)["seconds"] }) { found["chaincheck"] = check }
            if into == 0 { rebuild.append(found) } else { fromDisk.append(found) }
        }
    }
    let rebuildFold = median(rebuild.compactMap { $0["fold"] }), diskFold = median(fromDisk.compactMap { $0["fold"] })
    rows.append(Row(measure: "full cold rebuild from the log (no snapshot; the log in the page cache; every record's checksum, length and sequence number checked, the chain's links left to the dashboard's check that follows)",
                    value: seconds(rebuildFold) + String(format: " = %.0f events/s", Double(n) / rebuildFold),
                    target: "≥ 1,000,000 events/s", met: Double(n) / rebuildFold >= 1_000_000))
    rows.append(Row(measure: "then that check of the whole chain (the status bar says 已校验 after the two; no snapshot is written before)",
                    value: seconds(median(rebuild.compactMap { $0["chaincheck"] })), target: "", met: nil))
    rows.append(Row(measure: "the same with the log read from the disk (page cache dropped first)",
                    value: seconds(diskFold) + String(format: " = %.0f events/s", Double(n) / diskFold), target: "", met: nil))
    rows.append(Row(measure: "rebuild to first frame (no snapshot)", value: seconds(median(rebuild.compactMap { $0["frame"] })), target: "", met: nil))
    rows.append(Row(measure: "peak memory, rebuild without snapshot", value: String(format: "%.0f MiB", median(rebuild.compactMap { $0["peak"] })), target: "", met: nil))

    var opens: [[String: Double]] = []
    var keys: [[String: Double]] = Array(repeating: [:], count: 6)
    var startVerify: [Double] = []
    var tabSwitches: [Int: [Double]] = [:]
    var keyRuns: [[[String: Double]]] = Array(repeating: [], count: 6)
    for run in 0..<options.runs {
        progress("open via snapshot \(run + 1)/\(options.runs)…")
        let lines = try Child(["_open", directory, "snapshot", "--today", today, "--keys", String(options.keys)]).finish()
        guard let line = lines.first(where: { $0.hasPrefix("open") }) else { throw BenchFailure("open child printed nothing") }
        opens.append(fields(line))
        for line in lines where line.hasPrefix("keys") {
            let f = fields(line)
            if let screen = f["screen"].map(Int.init), keyRuns.indices.contains(screen) { keyRuns[screen].append(f) }
        }
        if let line = lines.first(where: { $0.hasPrefix("startverify") }), let s = fields(line)["seconds"] { startVerify.append(s) }
        for line in lines where line.hasPrefix("tab") {
            let f = fields(line)
            if let screen = f["screen"].map(Int.init), let seconds = f["seconds"] { tabSwitches[screen, default: []].append(seconds) }
        }
    }
    for i in 0..<6 {
        keys[i] = ["median": median(keyRuns[i].compactMap { $0["median"] }), "p99": median(keyRuns[i].compactMap { $0["p99"] }),
                   "cells": median(keyRuns[i].compactMap { $0["cells"] })]
    }
    let firstFrame = median(opens.compactMap { $0["frame"] })
    rows.append(Row(measure: "open via snapshot (\(options.tail) records after it) to the first drawn frame (the login screen)", value: seconds(firstFrame),
                    target: "≤ 0.25 s", met: firstFrame <= 0.25))
    let login = median(opens.compactMap { $0["login"] })
    rows.append(Row(measure: "then the PIN accepted to the overview's frame (the market's lists and figures built)", value: seconds(login),
                    target: "", met: nil))
    rows.append(Row(measure: "open via snapshot to the overview's frame (both above)", value: seconds(median(opens.compactMap { $0["overview"] })),
                    target: "", met: nil))
    let resident = median(opens.compactMap { $0["rss"] }), peak = median(opens.compactMap { $0["peak"] })
    rows.append(Row(measure: "memory after opening via snapshot (resident / peak)", value: String(format: "%.0f / %.0f MiB", resident, peak),
                    target: "≤ 150 MB resident", met: resident * 1.048576 <= 150))
    for (i, name) in ["merchants", "complaints", "shop (scrolling the first shop's page)", "complaints, typing a `/` search (4 characters, then 4 Backspaces)", "members (党员积分, this year's ledgers)", "branches (比发展, the ranking)"].enumerated() {
        rows.append(Row(measure: "keystroke on the \(name) screen: update + view + diff (median / p99)",
                        value: String(format: "%.3f / %.3f ms", (keys[i]["median"] ?? .nan) * 1000, (keys[i]["p99"] ?? .nan) * 1000),
                        target: "≤ 1 ms median", met: (keys[i]["median"] ?? .infinity) <= 0.001))
    }
    for (screen, name) in [(4, "the members tab (8): every member's ledger for the year worked out"), (5, "the branches tab (3): the 比发展/比服务/比和谐 ranking worked out")] {
        rows.append(Row(measure: "switching to \(name)", value: seconds(median(tabSwitches[screen] ?? [])), target: "", met: nil))
    }
    rows.append(Row(measure: "dashboard start-up chain check (whole log; `chengxin` runs it on a second thread after its first frame)", value: seconds(median(startVerify)), target: "", met: nil))

    var verifies: [[String: Double]] = []
    for run in 0..<options.runs {
        progress("verify \(run + 1)/\(options.runs)…")
        let lines = try Child(["_verify", directory, "-"]).finish()
        guard let line = lines.first(where: { $0.hasPrefix("verify") }) else { throw BenchFailure("verify child printed nothing") }
        verifies.append(fields(line))
    }
    let verify = median(verifies.compactMap { $0["seconds"] })
    rows.append(Row(measure: "verify (every record's CRC and the whole chain)", value: seconds(verify), target: "≤ 1.5 s", met: verify <= 1.5))
    rows.append(Row(measure: "peak memory, verify", value: String(format: "%.0f MiB", median(verifies.compactMap { $0["peak"] })), target: "", met: nil))

    progress("durable appends (\(options.appends) of each)…")
    let appends = try measureAppends(directory: directory, count: options.appends, today: today)
    let ours = appends["chengxin"] ?? [], bare = appends["bare"] ?? [], wal = appends["sqlite-wal"] ?? [], rollback = appends["sqlite-delete"] ?? []
    rows += appendRows((String(format: "durable append, chengxin (one event, %.0f bytes framed; median / p99)", median(appends["bytes"] ?? [])), ours),
                       against: ("durable append, bare pwrite + fdatasync of the same bytes (median / p99)", bare),
                       ratio: "durable append, chengxin ÷ bare (medians)", limit: 1.25)
    rows.append(Row(measure: "SQLite INSERT, synchronous=FULL, WAL (median / p99)",
                    value: medianAndP99(wal),
                    target: "chengxin ≤ this", met: median(ours) <= median(wal)))
    rows.append(Row(measure: "SQLite INSERT, synchronous=FULL, rollback journal (median / p99)",
                    value: medianAndP99(rollback),
                    target: "chengxin ≤ this", met: median(ours) <= median(rollback)))

    progress("second-process latency (inotify, \(options.latency) samples)…")
    let inotify = try measureLatency(directory: directory, mode: "inotify", samples: options.latency, today: today)
    rows.append(Row(measure: "another process shows a new event, inotify (median / max)",
                    value: String(format: "%@ / %@", milliseconds(median(inotify)), milliseconds(inotify.max() ?? .nan)),
                    target: "≤ 250 ms", met: (inotify.max() ?? .infinity) <= 0.25))
    progress("second-process latency (polling every 1 s, \(options.pollLatency) samples)…")
    let polled = try measureLatency(directory: directory, mode: "poll", samples: options.pollLatency, today: today)
    rows.append(Row(measure: "another process shows a new event, polling every 1 s (median / max)",
                    value: String(format: "%@ / %@", milliseconds(median(polled)), milliseconds(polled.max() ?? .nan)),
                    target: "≤ 1.5 s worst case", met: (polled.max() ?? .infinity) <= 1.5))

    // The shared record in PostgreSQL (issue 21): a cluster of this run's own, when there can be one.
    if let reason = sharedUnavailable(directory: directory) {
        progress("shared record (PostgreSQL): skipped: \(reason)")
        rows.append(Row(measure: "shared record (PostgreSQL)", value: "skipped: \(reason)", target: "", met: nil))
    } else {
        rows += try measureShared(directory: directory, options: options, today: today)
    }

    print("| measure (\(n) events) | figure | target | met |")
    print("|---|---|---|---|")
    for row in rows {
        print("| \(row.measure) | \(row.value) | \(row.target) | \(row.met.map { $0 ? "yes" : "NO" } ?? "") |")
    }
    if options.keep || options.directory != nil { progress("data directory kept: \(directory)") }
}

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let first = arguments.first, first.hasPrefix("_") {
        try ChildCommands.run(arguments)
    } else {
        try runBenchmark(try Options(arguments))
    }
} catch {
    FileHandle.standardError.write(Data("chengxin-bench: \(error)\n".utf8))
    exit(1)
}
