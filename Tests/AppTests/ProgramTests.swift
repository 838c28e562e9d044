import Dispatch
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
        #expect(model.position == ListPosition(selected: 99, offset: 79))
        #expect(last.rowText(22).contains(market.merchantsByShopNumber[99].name))
        #expect(!last.text.contains("主营"), "the 120-column layout is gone")
    }
}

/// A terminal in memory that tells a waiting effect when it has drawn the busy mark.
private final class WatchingBackend: TerminalBackend {
    let size = Size(width: 80, height: 24)
    var keys: [Key]
    private(set) var frames: [Grid] = []
    let busyDrawn = DispatchSemaphore(value: 0)

    init(keys: [Key]) { self.keys = keys }

    func draw(_ grid: Grid) {
        frames.append(grid)
        if grid.rowText(23).contains("处理中") { busyDrawn.signal() }
    }

    func nextInput(timeoutMilliseconds: Int) -> InputEvent {
        keys.isEmpty ? .closed : .key(keys.removeFirst())
    }
}

/// An effect that finishes only once the loop has shown that it is busy.
private final class SlowEnvironment: DashboardEnvironment {
    let backend: WatchingBackend
    let market: MarketState
    var performed: [DashboardEffect] = []
    init(_ backend: WatchingBackend, _ market: MarketState) { (self.backend, self.market) = (backend, market) }

    func perform(_ effect: DashboardEffect) -> DashboardMessage? {
        performed.append(effect)
        let shown = backend.busyDrawn.wait(timeout: .now() + 30) == .success
        return shown ? .marketChanged(market, logSummary: "日志 104 条") : .failed("the busy mark was never drawn")
    }

    func poll() -> DashboardMessage? { nil }
}

@Suite("Effects run off the loop")
struct OffLoopEffectTests {
    /// Issue 19, item 4: while an effect runs the screen is redrawn with the busy mark; the keys
    /// typed meanwhile wait and are taken in order once the answer is in.
    @Test func theScreenKeepsDrawingAndKeysWaitTheirTurn() throws {
        let market = try shippedMarket()
        let backend = WatchingBackend(keys: [.enter, .character("j"), .character("j")])
        var model = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: nil, size: backend.size, today: SimpleDate(iso: "2026-11-27")!)
        let environment = SlowEnvironment(backend, market)
        DashboardProgram.run(backend: backend, model: &model, environment: environment)
        #expect(environment.performed == [.createFromShippedRoster])
        #expect(backend.frames.contains { $0.rowText(23).contains("处理中") }, "the busy mark was drawn while the effect ran")
        #expect(model.market != nil && model.notice == nil && model.busy == nil)
        #expect(model.position.selected == 2, "both j's were taken after the answer")
        #expect(!(backend.frames.last?.rowText(23).contains("处理中") ?? true))
    }
}
