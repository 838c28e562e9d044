import App
import Codec
import Core
import Foundation
import Log
import PostgresLog
import Storage
import Terminal
#if canImport(Glibc)
import Glibc
#endif

enum Screens {
    static let size = Size(width: 120, height: 40)

    static func model(_ directory: String, _ market: MarketState, today: SimpleDate) -> DashboardModel {
        var model = loggedOut(directory, market, today: today)
        logIn(&model, market)
        return model
    }

    /// The model as `chengxin` makes it before anyone logs in.
    static func loggedOut(_ directory: String, _ market: MarketState, today: SimpleDate) -> DashboardModel {
        var model = DashboardModel(language: .zh, dataDirectory: directory, market: market, size: size, today: today, listsAtLogin: true)
        model.logSummary = "日志"
        return model
    }

    /// The manager's PIN accepted.
    static func logIn(_ model: inout DashboardModel, _ market: MarketState) {
        if let manager = market.users["zhuren"] { _ = Dashboard.update(&model, .authenticated(manager)) }
        model.notice = nil
    }

    /// Cells that differ between two frames (what a terminal backend sends).
    static func diff(_ old: Grid, _ new: Grid) -> Int {
        var changed = 0
        for y in 0..<new.size.height {
            for x in 0..<new.size.width where old[x, y] != new[x, y] { changed += 1 }
        }
        return changed
    }
}

/// What the child processes do: each measures one thing in a fresh process and prints
/// `name key=value …` lines for the parent.
enum ChildCommands {
    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 3 else { throw BenchFailure("child: missing arguments") }
        let directory = arguments[1]
        switch arguments[0] {
        case "_open": try open(directory, mode: arguments[2], options: Array(arguments.dropFirst(3)))
        case "_verify": try verify(directory)
        case "_watch": try watch(directory, mode: arguments[2], today: arguments[3])
        case "_listen": try listen(directory, address: arguments[2])
        default: throw BenchFailure("unknown child command \(arguments[0])")
        }
    }

    static func option(_ name: String, _ options: [String]) -> String? {
        options.firstIndex(of: name).flatMap { $0 + 1 < options.count ? options[$0 + 1] : nil }
    }

    /// `_open DIR replay|snapshot --today DAY [--in-page-cache] [--keys K] [--store URL] [--frame-only]`:
    /// with `--store`, DIR is a seat's copy of that shared record (made first when missing), opened
    /// with `SharedCopy.open`; `--frame-only` stops after the first frame.
    static func open(_ directory: String, mode: String, options: [String]) throws {
        guard let today = option("--today", options).flatMap(SimpleDate.init(iso:)) else { throw BenchFailure("--today") }
        let record = option("--store", options).map { PostgresRecord(address: $0) }
        let start = now()
        var lapStart = start
        var phases: [(name: String, seconds: Double)] = []
        let lap = { (step: Store.OpenStep) in
            let t = now()
            phases.append((step.rawValue, t - lapStart))
            lapStart = t
        }
        let store: Store
        if mode == "replay" {
            // From the disk (the log dropped from the page cache), unless the log's pages may stay
            // where they are (the file was just written or read, as is usual).
            if !options.contains("--in-page-cache") { evictFromPageCache(EventLog.logPath(in: directory)) }
            // As the dashboard opens without a usable snapshot (no key: none is read or written);
            // its chain check follows on another thread, timed below on its own.
            store = try record.map { record throws(LogError) in try SharedCopy.open(directory, of: record, snapshotKey: nil, chainCheck: .deferred, after: lap) }
                ?? Store.open(directory, snapshotKey: nil, chainCheck: .deferred, after: lap)
        } else {
            store = try record.map { record throws(LogError) in try SharedCopy.open(directory, of: record, snapshotKey: benchSnapshotKey, after: lap) }
                ?? Store.open(directory, snapshotKey: benchSnapshotKey, after: lap)
            guard store.usedSnapshot else { throw BenchFailure("the snapshot in \(directory) was not used") }
        }
        let folded = now() - start
        // What `chengxin` does: the model, then its first frame (the login screen); then, after the
        // PIN, the lists and figures of the market and the overview's frame.
        let modelStart = now()
        var model = Screens.loggedOut(directory, store.market, today: today)
        let t1 = now()
        let backend = MemoryBackend(size: Screens.size)
        backend.draw(Dashboard.view(model))
        let firstFrame = now() - start
        let t2 = now()
        Screens.logIn(&model, store.market)
        backend.draw(Dashboard.view(model))
        let login = now() - t2
        report("phases " + (phases + [("model", t1 - modelStart), ("draw", t2 - t1), ("login", login)]).map { "\($0.name)=\($0.seconds)" }.joined(separator: " "))
        let memory = memoryMiB()
        report("open mode=\(mode == "replay" ? 0 : 1) events=\(store.log.lastSequence) fold=\(folded) frame=\(firstFrame) login=\(login) overview=\(firstFrame + login) rss=\(memory.resident) peak=\(memory.peak) undecodable=\(store.undecodable.count)")

        guard mode != "replay" else {
            // The dashboard's replay leaves the chain's links to the check it then runs on a
            // second thread: timed here on its own, after the rest (the status bar says 已校验 about
            // `frame` + `chaincheck` after start).
            let t0 = now()
            store.verifyChain()
            guard store.verifiedUpTo == store.log.lastSequence else { throw BenchFailure("the chain check did not find the whole log intact") }
            report("chaincheck seconds=\(now() - t0)")
            return
        }
        if options.contains("--frame-only") { return }
        // Keystrokes: update + view + diff against the previous frame, screen by screen.
        let keys = Int(option("--keys", options) ?? "") ?? 200
        func measureKeys(screen: Int, _ key: (Int) -> Key) {
            var previous = Dashboard.view(model)
            var times: [Double] = []
            var changed = 0
            for i in 0..<keys {
                let t0 = now()
                _ = Dashboard.update(&model, .key(key(i)))
                let frame = Dashboard.view(model)
                changed += Screens.diff(previous, frame)
                times.append(now() - t0)
                previous = frame
            }
            report("keys screen=\(screen) median=\(median(times)) p99=\(percentile(times, 99)) max=\(times.max() ?? 0) cells=\(changed / max(1, keys))")
        }
        let downThenUp: (Int) -> Key = { ($0 / 20) % 2 == 0 ? .down : .up }
        for (screen, tab) in [DashboardModel.Tab.merchants, .complaints, .merchants].enumerated() {
            model.tab = tab
            if screen == 2 {
                // The shop screen: the first shop of the table opened (Enter), then scrolled.
                model.position = ListPosition()
                _ = Dashboard.update(&model, .key(.enter))
                guard model.openShop != nil else { throw BenchFailure("Enter did not open a shop") }
            }
            measureKeys(screen: screen, downThenUp)
        }
        // Typing a search on the complaints tab (`/`): every key filters the whole queue again.
        model.openShop = nil
        model.tab = .complaints
        _ = Dashboard.update(&model, .key(.character("/")))
        let typed: [Key] = ["4", "M", "G", "E"].map { .character($0) } + Array(repeating: .backspace, count: 4)
        measureKeys(screen: 3) { typed[$0 % typed.count] }
        _ = Dashboard.update(&model, .key(.escape))
        // The members tab (every member's ledger for the year) and the branches tab (比发展's ranking),
        // reached by their keys as a user does: the switch works them out (timed on its own), the
        // keys after it move over what was worked out.
        for (screen, key) in [(4, Key.character("8")), (5, .character("3"))] {
            let t0 = now()
            _ = Dashboard.update(&model, .key(key))
            _ = Dashboard.view(model)
            report("tab screen=\(screen) seconds=\(now() - t0)")
            measureKeys(screen: screen, downThenUp)
        }
        // What `chengxin` (the dashboard) also does after its first frame: check the whole chain.
        let t0 = now()
        store.verifyChain()
        report("startverify seconds=\(now() - t0) records=\(store.verifiedUpTo ?? 0) peak=\(memoryMiB().peak)")
    }

    static func verify(_ directory: String) throws {
        let start = now()
        let verification = try LogVerifier.verify(directory: directory)
        let seconds = now() - start
        report("verify seconds=\(seconds) records=\(verification.recordCount) intact=\(verification.intact ? 1 : 0) peak=\(memoryMiB().peak)")
    }

    /// A second process showing the dashboard: woken by inotify (or polling every second, the
    /// CLI's tick without inotify), it reads the new records, updates the model and draws. Prints
    /// the wall-clock time at which each new record was on screen.
    static func watch(_ directory: String, mode: String, today: String) throws {
        guard let day = SimpleDate(iso: today) else { throw BenchFailure("today") }
        let store = try Store.open(directory, writable: false, snapshotKey: benchSnapshotKey)
        guard store.usedSnapshot else { throw BenchFailure("the snapshot in \(directory) was not used") }
        var model = Screens.model(directory, store.market, today: day)
        let backend = MemoryBackend(size: Screens.size)
        backend.draw(Dashboard.view(model))
        let watcher = mode == "inotify" ? LogWatcher(directory: directory) : nil
        report("ready")
        while true {
            if let watcher {
                guard watcher.wait(milliseconds: 5000) else { continue }
                watcher.drain()
            } else {
                usleep(1_000_000)
            }
            if try store.refresh() {
                _ = Dashboard.update(&model, .marketChanged(store.market, logSummary: store.summary(.zh)))
                backend.draw(Dashboard.view(model))
                report("seen seq=\(store.log.lastSequence) at=\(wallNanoseconds())")
            }
        }
    }
}
