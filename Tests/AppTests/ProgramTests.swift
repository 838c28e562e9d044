import Testing
@testable import App
import Core
import Terminal

/// An environment that records effects and answers `createFromShippedRoster` with the shipped roster.
final class RecordingEnvironment: DashboardEnvironment {
    var performed: [DashboardEffect] = []
    var polls = 0
    let market: MarketState

    init(market: MarketState) { self.market = market }

    func perform(_ effect: DashboardEffect) -> DashboardMessage? {
        performed.append(effect)
        return .marketChanged(market, logSummary: "日志 104 条")
    }

    func poll() -> DashboardMessage? {
        polls += 1
        return nil
    }
}

@Suite("The dashboard loop through the in-memory backend")
struct ProgramTests {
    @Test func firstRunToTableToQuit() throws {
        let market = try shippedMarket()
        let backend = MemoryBackend(size: Size(width: 80, height: 24), keys: [.enter, .character("j"), .character("j"), .character("q")])
        var model = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: nil, size: backend.size, today: SimpleDate(iso: "2026-11-27")!)
        let environment = RecordingEnvironment(market: market)
        DashboardProgram.run(backend: backend, model: &model, environment: environment)

        #expect(environment.performed == [.createFromShippedRoster])
        #expect(backend.frames.count == 4, "one frame before each key")
        #expect(backend.frames[0].text.contains("用随附名册创建数据目录"))
        let last = try #require(backend.lastFrame)
        // Third shop selected: row 4 highlighted cell by cell, rows 2 and 3 not.
        #expect(last[1, 4].style.reverse && last[40, 4].style.reverse)
        #expect(!last[1, 2].style.reverse && !last[1, 3].style.reverse)
        #expect(last.rowText(4).contains(market.merchants[2].name))
        #expect(model.position.selected == 2)
    }

    @Test func resizeRelaysOutWithoutLeftovers() throws {
        let market = try shippedMarket()
        let backend = MemoryBackend(size: Size(width: 120, height: 40))
        backend.resize(to: Size(width: 80, height: 24))
        backend.pendingKeys.append(.character("G"))
        var model = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: market, size: Size(width: 120, height: 40), today: SimpleDate(iso: "2026-11-27")!)
        DashboardProgram.run(backend: backend, model: &model, environment: RecordingEnvironment(market: market))
        let last = try #require(backend.lastFrame)
        #expect(last.size == Size(width: 80, height: 24))
        #expect(model.position == ListPosition(selected: 95, offset: 75))
        #expect(last.rowText(22).contains(market.merchants[95].name))
        #expect(!last.text.contains("主营"), "the 120-column layout is gone")
    }
}
