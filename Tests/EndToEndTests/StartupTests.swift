import App
import Codec
import Core
import Foundation
import Storage
import Terminal
import Testing
import TestSupport

/// What `chengxin` does between opening the data directory and its first frames (the store's
/// part: StorageTests, `StoreStartupTests`).
@Suite("Start-up")
struct StartupTests {
    @Test func theLoginScreenComesFirstAndTheListsAreBuiltAtLogin() throws {
        let directory = temporaryPath("startup-login")
        let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, snapshotKey: nil, checkpoints: nil)
        try DataDirectorySetup.addDemo(to: created)
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
