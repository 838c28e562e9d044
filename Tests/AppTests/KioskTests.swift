import Foundation
import Testing
@testable import App
import Core
import Terminal
import TestSupport

private let today = SimpleDate(iso: "2026-11-27")!

/// The shipped roster with one complaint (personal data included) and one shop's reply.
private func kioskMarket() throws -> MarketState {
    var market = try shippedMarket()
    let filed = ComplaintFiled(receipt: "K7QM-3XH9", shop: "A101", category: "quality", integrity: .quality, text: "镜片有划痕，私人细节",
                               amountFen: 68000, wants: ["exchange"], consumerName: "张三丰", consumerPhone: "13812341234",
                               consentToContact: true, date: SimpleDate(iso: "2026-11-20")!)
    var sequence = UInt64(market.eventCount)
    func add(_ body: EventBody, _ actor: String = "zhuren") {
        sequence += 1
        market.apply(Event(actor: actor, at: "2026-11-27T01:00:00Z", key: nil, body: body), sequence: sequence)
    }
    add(.complaintFiled(filed), "fuwutai")
    add(.complaintStep(ComplaintStep(receipt: "K7QM-3XH9", action: .accept, date: SimpleDate(iso: "2026-11-23")!)))
    add(.complaintStep(ComplaintStep(receipt: "K7QM-3XH9", action: .resolve(outcome: "划痕非质量问题，商户免费抛光", amountFen: nil, upheld: false), date: SimpleDate(iso: "2026-11-25")!,
                                     note: "已电话联系张三丰 13812341234")))
    add(.replyPublished(ReplyPublished(shop: "A101", year: 2026, text: "感谢监督，已全部整改。")))
    return market
}

private func kiosk(_ market: MarketState?, _ width: Int = 80, _ height: Int = 24, language: Language = .zh) -> KioskModel {
    KioskModel(language: language, size: Size(width: width, height: height), today: today, market: market)
}

/// Records what the kiosk asked to be filed and answers like the real environment (a fixed code).
private final class FakeKioskEnvironment: KioskEnvironment {
    var submissions: [KioskSubmission] = []
    var clock: Double = 1000
    func perform(_ effect: KioskEffect) -> KioskMessage {
        guard case .submit(let submission) = effect else { return .failed("?") }
        submissions.append(submission)
        return .filed(KioskReceipt(code: "VAF8-N5S2", answerBy: SimpleDate(iso: "2026-12-08"), workingDays: 7), market: nil)
    }
    func poll() -> KioskMessage? { nil }
    func now() -> Double { clock += 1; return clock }
}

@discardableResult
private func press(_ model: inout KioskModel, _ keys: [Key], at now: Double = 0) -> [KioskEffect] {
    var effects: [KioskEffect] = []
    for key in keys { effects += Kiosk.update(&model, .key(key), now: now) }
    return effects
}

private func typing(_ text: String) -> [Key] { text.map { Key.character($0) } }

/// Keys that fill every step: shop by pinyin initials, the quality problem, a Chinese story,
/// an amount, two wishes, name and phone (a phone number left is consent: Enter goes on).
private func fillAllSteps(story: String = "上周买的镜片有划痕，要求换货", name: String = "张三") -> [Key] {
    [.character("1")] + typing("jm") + [.enter]
        + [.down, .enter]
        + typing(story) + [.enter]
        + typing("680.5") + [.enter]
        + [.character("2"), .character("5"), .enter]
        + typing(name) + [.tab] + typing("13812341234") + [.enter]
}

@Suite("Kiosk")
struct KioskTests {
    @Test func homeScreenOffersThreeLargeChoicesAt80x24And120x40() throws {
        let market = try kioskMarket()
        let small = Kiosk.view(kiosk(market))
        #expect(small.text.contains("投诉登记") && small.text.contains("查询进度") && small.text.contains("诚信公示"))
        #expect(small.rowText(2).contains("█") || small.rowText(3).contains("█"), "the choice numbers are drawn large")
        #expect(small[6, 3].style.reverse, "the first choice is highlighted")
        try assertGolden(small, "kiosk-home-80x24")
        try assertGolden(Kiosk.view(kiosk(market, 120, 40)), "kiosk-home-120x40")
    }

    @Test func filingEveryStepSubmitsTheComplaintAsTyped() throws {
        let market = try kioskMarket()
        var m = kiosk(market)
        let keys = fillAllSteps()
        var goldens: [String: Grid] = [:]
        // Capture each step's screen on the way.
        let stepAfter: [Int: String] = [3: "shop", 4: "problem", 20: "story", 26: "amount", 29: "wants", 44: "contact"]
        for (i, key) in keys.enumerated() {
            if let name = stepAfter[i] { goldens[name] = Kiosk.view(m) }
            let effects = press(&m, [key])
            #expect(effects.isEmpty)
        }
        #expect(m.screen == .file(.review))
        let review = Kiosk.view(m)
        #expect(review.text.contains("1 店铺：A101  鉴明镜架批发部"))
        #expect(review.text.contains("（质量诚信）"))
        #expect(review.text.contains("3 经过：上周买的镜片有划痕，要求换货"))
        #expect(review.text.contains("4 金额：680.50 元"))
        #expect(review.text.contains("5 诉求：换货、赔偿"))
        #expect(review.text.contains("6 联系：张三  13812341234  （同意被联系）"))
        try assertGolden(review, "kiosk-review-80x24")
        var wideReview = kiosk(market, 120, 40)
        press(&wideReview, keys)
        try assertGolden(Kiosk.view(wideReview), "kiosk-review-120x40")
        for (name, grid) in goldens { try assertGolden(grid, "kiosk-\(name)-80x24") }

        let effects = press(&m, [.enter])
        let expected = KioskSubmission(shop: "A101", category: "quality", integrity: .quality, text: "上周买的镜片有划痕，要求换货", amountFen: 68050,
                                       wants: ["exchange", "compensation"], consumerName: "张三", consumerPhone: "13812341234", consentToContact: true)
        #expect(effects == [.submit(expected)])
        #expect(m.submitting)
        #expect(press(&m, [.enter, .escape]) == [], "keys are ignored while submitting")

        _ = Kiosk.update(&m, .filed(KioskReceipt(code: "VAF8-N5S2", answerBy: SimpleDate(iso: "2026-12-08"), workingDays: 7), market: nil), now: 0)
        let receipt = Kiosk.view(m)
        #expect(receipt.text.contains("V A F 8 - N 5 S 2"))
        #expect(receipt.text.contains("我们将在 7 个工作日内（2026-12-08 前）答复是否受理"))
        #expect(m.draft == KioskDraft(), "the draft is forgotten once filed")
        try assertGolden(receipt, "kiosk-receipt-80x24")
        var wide = kiosk(market, 120, 40)
        _ = Kiosk.update(&wide, .filed(KioskReceipt(code: "VAF8-N5S2", answerBy: SimpleDate(iso: "2026-12-08"), workingDays: 7), market: nil), now: 0)
        try assertGolden(Kiosk.view(wide), "kiosk-receipt-120x40")
        press(&m, [.enter])
        #expect(m.isPristine, "Enter on the receipt returns to a clean home screen")
    }

    @Test func theProgramLoopFilesThroughTheEnvironmentAndNoKeyEndsIt() throws {
        let backend = MemoryBackend(size: Size(width: 80, height: 24))
        // Every way out a person might try, on the home screen and inside the form.
        let attempts: [Key] = [.control("c"), .control("z"), .control("d"), .control("q"), .escape, .character("q"), .character("Q"),
                               .function(10), .function(12), .control("x")]
        backend.pendingKeys = attempts + fillAllSteps() + attempts.filter { $0 != .escape } + [.enter]
        let environment = FakeKioskEnvironment()
        var m = kiosk(try kioskMarket())
        KioskProgram.run(backend: backend, model: &m, environment: environment)
        #expect(backend.pendingKeys.isEmpty, "the loop ran until the keys ran out")
        #expect(environment.submissions.count == 1)
        #expect(environment.submissions.first?.text == "上周买的镜片有划痕，要求换货")
        #expect(backend.lastFrame?.text.contains("V A F 8 - N 5 S 2") == true)
    }

    @Test func aFailedRecordKeepsTheReviewAndSaysWhy() throws {
        var m = kiosk(try kioskMarket())
        press(&m, fillAllSteps())
        #expect(press(&m, [.enter]).count == 1)
        _ = Kiosk.update(&m, .failed("未能记录，请重试或改用纸质登记：磁盘已满"), now: 0)
        #expect(!m.submitting)
        #expect(m.screen == .file(.review))
        #expect(m.receipt == nil)
        #expect(Kiosk.view(m).text.contains("未能记录，请重试或改用纸质登记：磁盘已满"))
        #expect(m.draft.story.text == "上周买的镜片有划痕，要求换货", "nothing typed is lost")
        // Enter tries again.
        #expect(press(&m, [.enter]).count == 1)
    }

    @Test func idleResetClearsAHalfFilledFormAndReturnsHome() throws {
        var m = kiosk(try kioskMarket())
        m.idleSeconds = 120
        press(&m, [.character("1")] + typing("jm") + [.enter, .enter] + typing("镜片有划痕"), at: 10)
        #expect(m.screen == .file(.story))
        _ = Kiosk.update(&m, .tick, now: 100)
        #expect(m.screen == .file(.story))
        #expect(m.idleCountdown == nil)
        _ = Kiosk.update(&m, .tick, now: 120)
        #expect(m.idleCountdown == 10)
        #expect(Kiosk.view(m).text.contains("无人操作，10 秒后清空并回到首页"))
        // A key restarts the wait.
        press(&m, [.left], at: 121)
        _ = Kiosk.update(&m, .tick, now: 240)
        #expect(m.screen == .file(.story))
        _ = Kiosk.update(&m, .tick, now: 241)
        #expect(m.screen == .home)
        #expect(m.isPristine)
        #expect(m.draft == KioskDraft())
        #expect(!Kiosk.view(m).text.contains("镜片有划痕"))
        // Filing again starts from nothing.
        press(&m, [.character("1")], at: 250)
        #expect(m.draft.shopQuery.text.isEmpty)
        #expect(!Kiosk.view(m).text.contains("jm"))
    }

    @Test func idleResetAlsoClearsAReceiptALookUpAndTheBoard() throws {
        var m = kiosk(try kioskMarket())
        _ = Kiosk.update(&m, .filed(KioskReceipt(code: "VAF8-N5S2", answerBy: nil, workingDays: nil), market: nil), now: 0)
        _ = Kiosk.update(&m, .tick, now: 130)
        #expect(m.isPristine)
        press(&m, [.character("2")] + typing("k7qm3xh9") + [.enter], at: 200)
        #expect(m.lookup != nil)
        _ = Kiosk.update(&m, .tick, now: 330)
        #expect(m.isPristine && m.lookup == nil && m.codeField.text.isEmpty)
        press(&m, [.character("3"), .right] + typing("gj"), at: 400)
        _ = Kiosk.update(&m, .tick, now: 530)
        #expect(m.isPristine && m.boardQuery.text.isEmpty && m.boardBranch == nil)
    }

    @Test func hostileTextIsStoredFaithfullyAndShownSanitised() throws {
        let hostile = "恶意\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}店\u{0}"
        var m = kiosk(try kioskMarket())
        // The shop search too: hostile text there is only shown, never stored.
        press(&m, [.character("1")] + typing(hostile))
        let search = Kiosk.view(m)
        #expect(search.text.contains("恶意␛]0;pwned␇␛[2J"))
        press(&m, [.control("u"), .enter, .enter] + typing(hostile) + [.enter, .enter, .enter] + typing(hostile) + [.tab, .tab, .enter])
        #expect(m.screen == .file(.review))
        let review = Kiosk.view(m)
        #expect(review.text.contains("3 经过：恶意␛]0;pwned␇␛[2J\u{FFFD}31m¶店␀"))
        #expect(review.text.contains("6 联系：恶意␛]0;pwned␇␛[2J\u{FFFD}31m¶店␀"))
        for cell in review.cells {
            #expect(!cell.text.unicodeScalars.contains(where: SafeText.needsReplacement), "no control character reaches a cell")
        }
        let effects = press(&m, [.enter])
        guard case .submit(let submission)? = effects.first else {
            Issue.record("not submitted: \(m.notice ?? "")")
            return
        }
        #expect(submission.text == hostile, "stored exactly as typed")
        #expect(submission.consumerName == hostile)
        #expect(submission.shop == nil)
        // The phone field refuses anything but digits, saying so.
        var p = kiosk(try kioskMarket())
        press(&p, [.character("1"), .enter, .enter] + typing("经过") + [.enter, .enter, .enter, .tab] + typing("1\u{1B}"))
        #expect(p.draft.phone.text == "1")
        #expect(p.notice == "电话只能输入数字和短横线")
    }

    @Test func fullWidthDigitsAndLettersAreTakenAsTheirASCIIForms() throws {
        // An IME in full-width mode: the phone takes １３８… as digits, the shop search finds Ａ１０…
        var p = kiosk(try kioskMarket())
        press(&p, [.character("1"), .enter, .enter] + typing("经过") + [.enter, .enter, .enter, .tab] + typing("１３８１２３４１２３４"))
        #expect(p.draft.phone.text == "13812341234")
        #expect(p.notice == nil)
        let market = try kioskMarket()
        let shop = try #require(market.merchants.first)
        let wide = String(String.UnicodeScalarView(shop.shopNumber.unicodeScalars.map { Unicode.Scalar($0.value + 0xFEE0) ?? $0 }))
        #expect(kiosk(market).matchingShops(wide).map(\.shopNumber).contains(shop.shopNumber))
    }

    @Test func stepsCheckWhatIsTyped() throws {
        var m = kiosk(try kioskMarket())
        press(&m, [.character("1"), .enter, .enter, .enter])
        #expect(m.screen == .file(.story))
        #expect(m.notice == "请写明发生了什么（不能为空）")
        press(&m, typing("   "))
        press(&m, [.enter])
        #expect(m.screen == .file(.story), "blank is empty")
        press(&m, typing("不开发票") + [.enter] + typing("abc"))
        #expect(m.notice == "金额只能输入数字和小数点；不清楚可以留空")
        press(&m, typing("1.234") + [.enter])
        #expect(m.notice == "“1.234”不是金额，请只输入数字，例如 680 或 680.50")
        press(&m, [.control("u")] + typing("20000000") + [.enter])
        #expect(m.notice == "涉及金额应在 100 万元以内")
        press(&m, [.control("u"), .enter, .enter])
        #expect(m.screen == .file(.contact))
        press(&m, [.tab] + typing("12345") + [.enter, .enter])
        #expect(m.notice == "电话号码“12345”格式不对（手机 11 位，座机带区号）")
        #expect(m.draft.contactFocus == 1)
        // The consumer says no to being contacted but a phone is left: refused, with the way out.
        press(&m, [.control("u")] + typing("0511-86881234") + [.tab, .character("n"), .enter])
        #expect(m.notice == "消费者不同意被联系，就不能留电话：请删去电话，或按 y 改为同意")
        #expect(m.draft.contactFocus == 2)
        press(&m, [.character("y"), .enter])
        #expect(m.screen == .file(.review))
        // From the review, a digit goes back to that step, and Enter comes back to the review.
        press(&m, [.character("2"), .down, .enter])
        #expect(m.screen == .file(.review))
        #expect(Kiosk.view(m).text.contains("2 问题：东西有质量问题"))
        // Esc walks back step by step, and from the first step home, forgetting everything.
        press(&m, Array(repeating: .escape, count: 7))
        #expect(m.isPristine)
    }

    @Test func progressLookUpShowsStateDatesAndOutcomeButNoPersonalData() throws {
        var m = kiosk(try kioskMarket())
        press(&m, [.character("2")] + typing("k7qm3xh9") + [.enter])
        let grid = Kiosk.view(m)
        let text = grid.text
        #expect(text.contains("受理编号：K7QM-3XH9"))
        #expect(text.contains("登记日期：2026-11-20"))
        #expect(text.contains("当前状态：已调解解决"))
        // The finding is public: a consumer (and the shop) can see the complaint was found untrue.
        #expect(text.contains("2026-11-25  调解解决（不属实）：划痕非质量问题，商户免费抛光"))
        for secret in ["张", "138", "1234", "私人细节", "680", "已电话联系"] {
            #expect(!text.contains(secret), "\(secret) is not shown")
        }
        try assertGolden(grid, "kiosk-status-80x24")
        // A malformed code is a typo, not a guess: it is explained and does not count.
        press(&m, [.control("u")] + typing("k7qm") + [.enter])
        #expect(m.notice?.hasPrefix("受理编号是 8 位字母和数字") == true)
        #expect(m.wrongCodes.isEmpty)
    }

    @Test func wrongCodesAreRateLimited() throws {
        var m = kiosk(try kioskMarket())
        press(&m, [.character("2")], at: 0)
        for (i, code) in ["AAAA-BBBB", "CCCC-DDDD", "EEEE-FFFF"].enumerated() {
            press(&m, [.control("u")] + typing(code) + [.enter], at: Double(i))
            #expect(m.notice == "没有受理编号为 \(code) 的投诉，请核对后重试")
        }
        // Locked now, even for the right code; Esc and the idle reset do not unlock it.
        press(&m, [.escape, .character("2")] + typing("K7QM-3XH9") + [.enter], at: 5)
        #expect(m.notice == "错误次数过多，请 12 秒后再试")
        #expect(m.lookup == nil)
        _ = Kiosk.update(&m, .tick, now: 200)
        press(&m, [.character("2")] + typing("GGGG-HHHH") + [.enter], at: 200)
        #expect(m.notice == "没有受理编号为 GGGG-HHHH 的投诉，请核对后重试")
        // The fourth wrong code within ten minutes doubles the wait.
        press(&m, [.control("u")] + typing("K7QM-3XH9") + [.enter], at: 201)
        #expect(m.notice == "错误次数过多，请 29 秒后再试")
        press(&m, [.enter], at: 231)
        #expect(m.lookup?.contains("当前状态：已调解解决") == true)
    }

    @Test func publicBoardByBranchWithSearchAndTheShopsReply() throws {
        let market = try kioskMarket()
        var m = kiosk(market)
        press(&m, [.character("3")])
        let all = Kiosk.view(m)
        #expect(all.text.contains("共 100 家"))
        try assertGolden(all, "kiosk-board-80x24")
        press(&m, [.right, .right])
        #expect(m.boardBranch == market.branches[1].number)
        #expect(KioskBoard.shops(m).allSatisfy { $0.branch == market.branches[1].number })
        press(&m, [.left, .left])
        #expect(m.boardBranch == nil)
        press(&m, typing("gj"))
        #expect(KioskBoard.shops(m).map(\.shopNumber) == ["A101", "A112"], "高娟 (and another gj) by pinyin initials")
        press(&m, [.enter])
        let shop = Kiosk.view(m)
        #expect(shop.text.contains("经营者：高娟"))
        #expect(shop.text.contains("【承诺】") && shop.text.contains("【保障】"))
        #expect(shop.text.contains("【职责】") && shop.text.contains("责任区：A101–A104 共4户诚信监督"), "duties (亮职责) on the board")
        #expect(!shop.text.contains("张三丰") && !shop.text.contains("K7QM"), "no complaint details on the board")
        try assertGolden(shop, "kiosk-board-shop-80x24")
        press(&m, Array(repeating: .down, count: 4))
        #expect(Kiosk.view(m).text.contains("（2026 年）感谢监督，已全部整改。"), "the reply, below the duties, is reached by scrolling")
        press(&m, Array(repeating: .up, count: 4))
        press(&m, [.escape])
        #expect(m.screen == .board)
        var wide = kiosk(market, 120, 40)
        press(&wide, [.character("3")])
        try assertGolden(Kiosk.view(wide), "kiosk-board-120x40")
    }

    @Test func englishAndNoColourLayouts() throws {
        var m = kiosk(try kioskMarket(), language: .en)
        m.theme = .mono
        let grid = Kiosk.view(m)
        #expect(grid.text.contains("File a complaint"))
        for cell in grid.cells {
            #expect(cell.style.foreground == .standard && cell.style.background == .standard, "mono uses no colour")
        }
        #expect(grid[6, 3].style.reverse, "the choice is still marked without colour")
    }

    @Test func everyScreenDrawsAtSmallAndOddSizes() throws {
        let market = try kioskMarket()
        let screens: [KioskModel.Screen] = [.home, .receipt, .status, .board, .boardShop("A101")] + KioskStep.allCases.map { .file($0) }
        for (width, height) in [(20, 8), (40, 12), (63, 17), (80, 24), (200, 60)] {
            for screen in screens {
                var m = kiosk(market, width, height)
                press(&m, fillAllSteps())
                m.screen = screen
                m.receipt = KioskReceipt(code: "VAF8-N5S2", answerBy: today, workingDays: 7)
                m.lookup = ["受理编号：K7QM-3XH9"]
                let grid = Kiosk.view(m)
                #expect(grid.size == Size(width: width, height: height))
                #expect(!grid.text.isEmpty, "\(screen) at \(width)×\(height)")
            }
        }
    }

    @Test func bigTextDrawsTheReceiptAlphabet() {
        let rows = BigText.rows("K7QM-3XH9", ink: "#")
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.count == BigText.width(of: "K7QM-3XH9") })
        #expect(BigText.width(of: "K7QM-3XH9") == 53, "fits 80 columns")
        #expect(rows[0].hasPrefix("#   # #####"))
        // Every character of the receipt alphabet has its own glyph.
        let glyphs = "23456789ABCDEFGHJKMNPQRSTVWXYZ".map { BigText.rows(String($0), ink: "#") }
        #expect(Set(glyphs.map { $0.joined() }).count == 30)
        #expect(!glyphs.contains { $0.joined().allSatisfy { $0 == " " } })
        // Too narrow: drawn at normal size instead of cut.
        var grid = Grid(size: Size(width: 20, height: 6))
        BigText.draw("K7QM-3XH9", x: 0, y: 0, into: &grid)
        #expect(grid.rowText(0).hasPrefix("K7QM-3XH9"))
    }
}

/// A kiosk environment whose clock stands still: every key waiting in the backend is read as
/// one burst (as keys already in a terminal's input are, microseconds apart).
private final class StillClockKioskEnvironment: KioskEnvironment {
    var submissions: [KioskSubmission] = []
    func perform(_ effect: KioskEffect) -> KioskMessage {
        if case .submit(let submission) = effect { submissions.append(submission) }
        return .failed("?")
    }
    func poll() -> KioskMessage? { nil }
    func now() -> Double { 500 }
}

@Suite("A window too small")
struct WindowTooSmallKeysTests {
    /// Behind "window too small" no key acts unseen: the kiosk ignores them; the dashboard only quits.
    @Test func keysDoNothingBehindTheWindowTooSmallScreen() throws {
        var k = kiosk(try kioskMarket(), 60, 20)
        let before = k
        for key: Key in [.character("1"), .enter, .escape, .character("2")] { _ = Kiosk.update(&k, .key(key), now: 0) }
        _ = Kiosk.update(&k, .pasted("123\n"), now: 0)
        #expect(k.screen == before.screen && k.screen == .home)
        var m = model(try demoMarket(), 60, 20)
        let shown = m
        for key: Key in [.character("j"), .enter, .character("2"), .character("/")] { _ = Dashboard.update(&m, .key(key)) }
        #expect(m == shown)
        #expect(Dashboard.update(&m, .key(.character("q"))) == [.quit])
    }
}

@Suite("Kiosk: consent and pasted text")
struct KioskConsentAndPasteTests {
    @Test func aPhoneNumberLeftIsConsentAndEnterGoesOn() throws {
        var m = kiosk(try kioskMarket())
        press(&m, [.character("1"), .enter, .enter] + typing("镜片有划痕") + [.enter, .enter, .enter])
        #expect(m.screen == .file(.contact))
        // Nothing chosen, nothing highlighted: no silent 不同意.
        var view = Kiosk.view(m)
        // (The 同意 button starts at column 16 of row 9: the label, then " 同意 ".)
        #expect(view.rowText(9).contains("同意被联系： 同意    不同意") && !view[17, 9].style.reverse)
        #expect(m.draft.consent == nil && !m.draft.consents)
        // A phone, then Enter: on to the review, recorded with consent.
        press(&m, [.tab] + typing("13812341234"))
        view = Kiosk.view(m)
        #expect(view.text.contains("留了电话即表示同意工作人员为这件投诉与其联系"))
        #expect(view[17, 9].style.reverse, "同意 is shown chosen")
        press(&m, [.enter])
        #expect(m.screen == .file(.review) && m.notice == nil)
        #expect(Kiosk.view(m).text.contains("6 联系：13812341234  （同意被联系）"))
        #expect(KioskFiling.submission(m)?.consentToContact == true)
        // Back on the step, Space says no: Enter is then refused with the way out; y says yes.
        press(&m, [.character("6"), .tab, .character(" ")])
        #expect(m.draft.consent == false)
        press(&m, [.enter])
        #expect(m.screen == .file(.contact) && m.notice?.contains("不能留电话") == true && m.draft.contactFocus == 2)
        press(&m, [.character("y"), .enter])
        #expect(m.screen == .file(.review))
        // No phone: no consent is recorded, and Enter goes on all the same.
        var anonymous = kiosk(try kioskMarket())
        press(&anonymous, [.character("1"), .enter, .enter] + typing("镜片有划痕") + [.enter, .enter, .enter] + typing("王") + [.enter, .enter])
        #expect(anonymous.screen == .file(.review))
        #expect(KioskFiling.submission(anonymous)?.consentToContact == false)
    }

    @Test func aBurstWithLineBreaksOrEscIsTextNotKeys() {
        let burst: [Key] = typing("第一行") + [.enter] + typing("第二行") + [.escape] + typing("[2J") + [.tab, .control("c")] + typing("完")
        #expect(KioskPaste.messages(burst) == [.pasted("第一行\n第二行[2J 完")])
        // Keys that came together but are no paste act as keys: arrows and Enter, a digit and Enter,
        // Tab, Space and Enter (a test's tmux sends them so), an IME's commit of several characters.
        for keys: [Key] in [[.down, .enter], [.character("2"), .enter], [.tab, .character(" "), .enter], typing("三月一日")] {
            #expect(KioskPaste.messages(keys) == keys.map { .key($0) })
        }
        // Keys before the text act (Tab to the phone field, then the number).
        #expect(KioskPaste.messages([.tab] + typing("138") + [.enter]) == [.key(.tab), .pasted("138\n")])
    }

    @Test func pastedTextNeverJumpsAStepNorClearsTheForm() throws {
        let market = try kioskMarket()
        let paste: [Key] = typing("三月一日配的镜片") + [.enter] + typing("有划痕") + [.enter, .escape, .escape] + typing("店家不换") + [.enter]
        // On the story step: the text with its line breaks, still on the story step.
        var m = kiosk(market)
        press(&m, [.character("1"), .enter, .enter])
        #expect(m.screen == .file(.story))
        KioskProgram.run(backend: MemoryBackend(size: m.size, keys: paste), model: &m, environment: StillClockKioskEnvironment())
        #expect(m.screen == .file(.story))
        #expect(m.draft.story.text == "三月一日配的镜片\n有划痕\n店家不换\n")
        #expect(m.draft.shop == .some(nil), "the earlier steps are kept")
        // On a step without a text field (the problem list) a paste does nothing at all.
        var list = kiosk(market)
        press(&list, [.character("1"), .enter])
        KioskProgram.run(backend: MemoryBackend(size: list.size, keys: typing("43") + [.enter, .escape]), model: &list, environment: StillClockKioskEnvironment())
        #expect(list.screen == .file(.problem) && list.draft.problemSelected == 0)
        // On the review, a paste never submits and never goes back.
        var review = kiosk(market)
        press(&review, fillAllSteps())
        let environment = StillClockKioskEnvironment()
        KioskProgram.run(backend: MemoryBackend(size: review.size, keys: typing("ok") + [.enter, .escape, .enter]), model: &review, environment: environment)
        #expect(review.screen == .file(.review) && environment.submissions.isEmpty && !review.submitting)
        // The phone field keeps only what a phone number has.
        var contact = kiosk(market)
        press(&contact, [.character("1"), .enter, .enter] + typing("x") + [.enter, .enter, .enter, .tab])
        KioskProgram.run(backend: MemoryBackend(size: contact.size, keys: typing("138 1234 1234") + [.enter]), model: &contact, environment: StillClockKioskEnvironment())
        #expect(contact.screen == .file(.contact) && contact.draft.phone.text == "138 1234 1234")
    }
}
