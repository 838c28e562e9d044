import App
import Core
import Foundation
import Log
import Terminal
import Testing
import TestSupport
@testable import chengxin

/// What `chengxin` does between opening the data directory and its first frames.
@Suite("Start-up")
struct StartupTests {
    @Test func theWholeChainIsCheckedInTheBackgroundAndTheStatusBarSaysSo() throws {
        let directory = temporaryPath("startup")
        let (created, _) = try Initialize.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, language: .zh)
        try Initialize.addDemo(to: created)
        let store = try Store.open(directory)
        #expect(store.summary(.zh).contains("未校验"))
        store.startVerification()
        #expect(store.summary(.zh).contains("校验中…"))
        #expect(store.collectVerification(wait: true))
        #expect(store.summary(.zh).contains("日志 \(store.log.lastSequence) 条 · 已校验"), "\(store.summary(.zh))")
        #expect(!store.collectVerification(), "the result is taken once")

        // A record damaged in the middle of the log (the snapshot's open does not read it): the
        // background check finds it and the status bar does not claim the log is verified.
        let path = directory + "/events.log"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try Store.open(directory, writable: false)
        #expect(reopened.usedSnapshot)
        reopened.startVerification()
        #expect(reopened.collectVerification(wait: true))
        #expect(!reopened.summary(.zh).contains("已校验"), "\(reopened.summary(.zh))")
    }

    @Test func theDashboardsSnapshotIsWrittenInTheBackgroundAndWaitedForAtTheEnd() throws {
        let directory = temporaryPath("startup-snapshot")
        let (created, _) = try Initialize.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, language: .zh)
        let store = try Store.open(directory)
        store.writesSnapshotsInBackground = true
        // A temporary file of a writer that died (no such process) is cleared by the next writer.
        let abandoned = directory + "/snapshot.bin.new-999999"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: abandoned))
        let events = (0..<Int(Store.snapshotEvery) + 1).map { i in
            Event(actor: "system", at: "2026-11-27T08:00:00Z", key: "bg-\(i)", body: .unknown(type: "test.filler"))
        }
        #expect(try store.append(events) == events.count)
        store.finishSnapshot()
        let snapshot = try #require(SnapshotFile.read(directory: directory))
        #expect(snapshot.point.sequence == store.log.lastSequence, "the snapshot covers every record")
        #expect(MarketSnapshot.decode(snapshot.payload) == store.market)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".new-") }.isEmpty)
        _ = created
    }

    @Test func theLoginScreenComesFirstAndTheListsAreBuiltAtLogin() throws {
        let directory = temporaryPath("startup-login")
        let (created, _) = try Initialize.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, language: .zh)
        try Initialize.addDemo(to: created)
        let market = created.market
        let today = try #require(SimpleDate(iso: "2026-11-26"))
        var model = DashboardModel(language: .zh, dataDirectory: directory, market: market, size: Size(width: 80, height: 24), today: today, listsAtLogin: true)
        #expect(model.screen == .login)
        #expect(model.shown.isEmpty, "nothing is listed before someone logs in")
        _ = Dashboard.update(&model, .authenticated(try #require(market.users["zhuren"])))
        #expect(model.shown.count == market.merchants.count)
        // The same lists as a model that built them at once.
        var eager = DashboardModel(language: .zh, dataDirectory: directory, market: market, size: Size(width: 80, height: 24), today: today)
        _ = Dashboard.update(&eager, .authenticated(try #require(market.users["zhuren"])))
        #expect(Dashboard.view(model).text == Dashboard.view(eager).text)
        _ = Dashboard.update(&model, .key(.character("2")))
        _ = Dashboard.update(&eager, .key(.character("2")))
        #expect(Dashboard.view(model).text == Dashboard.view(eager).text)
    }
}
