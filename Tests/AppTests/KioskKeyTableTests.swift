import Testing
@testable import App
import Core
import Terminal
import TestSupport

/// Every key a person can press that the tables could list (as in the dashboard's walker).
private let everyKey: [Key] = (32...126).compactMap { Unicode.Scalar($0).map { Key.character(Character($0)) } }
    + [.character("镜"), .character("Ｋ"), .character("１")]
    + [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .insert, .enter, .escape, .tab, .backTab, .backspace, .delete]
    + "abcdefghijklmnopqrstuvwxyz".map { Key.control($0) } + (1...12).map { Key.function($0) } + [.alt("x")]

private let today = SimpleDate(iso: "2026-11-27")!

private func press(_ keys: [Key], _ m: inout KioskModel) {
    for key in keys { _ = Kiosk.update(&m, .key(key), now: 0) }
}

/// The kiosk on the shipped roster, in each place its keys can go, with something typed or chosen
/// so that moves and edits have something to act on.
private func kiosk(in context: KioskContext, _ market: MarketState) -> KioskModel {
    var m = KioskModel(language: .zh, size: Size(width: 80, height: 24), today: today, market: market)
    _ = Kiosk.update(&m, .tick, now: 0)
    let file: [Key] = [.character("1"), .character("a"), .down, .enter, .down, .enter]
        + "镜片有划痕".map(Key.character) + [.enter] + "680".map(Key.character) + [.enter, .character("1"), .enter]
    switch context {
    case .home: press([.down], &m)
    case .step(.shop): press([.character("1"), .character("a")], &m)
    case .step(.problem): press(Array(file.prefix(4)) + [.down], &m)
    case .step(.story): press(Array(file.prefix(6)) + "镜片".map(Key.character), &m)
    case .step(.amount): press(Array(file.prefix(12)) + [.character("6")], &m)
    case .step(.wants): press(Array(file.prefix(16)), &m)
    case .step(.contact): press(file + "张三".map(Key.character), &m)
    case .consent: press(file + [.tab, .tab], &m)
    case .step(.review): press(file + [.tab] + "13812341234".map(Key.character) + [.enter], &m)
    case .receipt: _ = Kiosk.update(&m, .filed(KioskReceipt(code: "VAF8-N5S2", answerBy: today, workingDays: 7), market: nil), now: 0)
    case .status: press([.character("2")] + "K7QM".map(Key.character), &m)
    case .board: press([.character("3"), .down, .down], &m)
    case .boardShop: press([.character("3"), .down, .enter], &m)
    }
    m.notice = nil
    return m
}

@Suite("Kiosk: keys mean what the help says")
struct KioskKeyTableTests {
    /// Issue 18, item 2, at the kiosk: in every place the keys go, each binding's keys find that
    /// binding and pressing one does exactly what performing its action does; a key the typing
    /// entry takes does what typing does; any other key changes nothing.
    @Test func everyContextsTableIsWhatItsKeysDo() throws {
        let market = try shippedMarket()
        for context in KioskContext.all {
            let m = kiosk(in: context, market)
            #expect(KioskKeys.context(m) == context, "the model for \(context) is there")
            let table = KioskKeys.bindings(for: context)
            #expect(table.contains { $0.action == .toggleHelp })
            for binding in table {
                for key in binding.keys {
                    #expect(KioskKeys.binding(for: key, m)?.action == binding.action, "\(context): \(key) finds \(binding.action)")
                    var pressed = m, performed = m
                    let effects = Kiosk.update(&pressed, .key(key), now: 0)
                    let expected = KioskKeys.perform(binding.action, key: key, &performed)
                    #expect(effects == expected && pressed == performed, "\(context): \(key) does what \(binding.action) does")
                }
            }
            for key in everyKey {
                var pressed = m, performed = m
                let effects = Kiosk.update(&pressed, .key(key), now: 0)
                if let binding = KioskKeys.binding(for: key, m) {
                    let expected = KioskKeys.perform(binding.action, key: key, &performed)
                    #expect(effects == expected && pressed == performed, "\(context): \(key) does what its binding does")
                } else {
                    #expect(effects.isEmpty && pressed == m, "\(context): \(key) is in no binding and does nothing")
                }
            }
        }
    }

    /// Where text is typed, `?` is text and F1 is the help; elsewhere both show it. The help lists
    /// every binding of the table in its words, and any key closes it without acting.
    @Test func theHelpIsTheTableAndAnyKeyClosesIt() throws {
        let market = try shippedMarket()
        for context in KioskContext.all {
            var m = kiosk(in: context, market)
            let typing = KioskKeys.bindings(for: context).contains(where: \.typing)
            #expect((KioskKeys.binding(for: .character("?"), m)?.action == .type) == typing, "\(context)")
            m.size = Size(width: 160, height: 50)
            _ = Kiosk.update(&m, .key(.function(1)), now: 0)
            let text = Kiosk.view(m).text
            for binding in KioskKeys.bindings(for: context) {
                #expect(text.contains(binding.zh), "\(context): the help says \(binding.zh)")
            }
            let open = m
            _ = Kiosk.update(&m, .key(.escape), now: 0)
            var closed = open
            closed.showHelp = false
            #expect(m == closed, "\(context): Esc only closes the help")
        }
    }

    /// The footer names the keys of the table: a key the footer shows is one the table lists.
    @Test func theFooterComesFromTheTable() throws {
        let market = try shippedMarket()
        for context in KioskContext.all {
            let m = kiosk(in: context, market)
            let footer = KioskKeys.footer(m)
            #expect(Kiosk.view(m).rowText(23).contains(footer), "\(context): \(footer)")
            #expect(footer.contains(context == .step(.review) ? "Enter 提交" : (context == .boardShop ? "Esc" : "Enter")), "\(context)")
        }
    }

    /// A bracketed paste and a burst of keys taken for a paste are the same text and do the same
    /// thing, on every screen: the digits of an amount or a phone kept, the rest refused with the
    /// same notice, a line break never a step.
    @Test func aBracketedPasteDoesWhatABurstPasteDoes() throws {
        let market = try shippedMarket()
        let text = "６８0元\n整\u{1B}"
        for context in KioskContext.all {
            let m = kiosk(in: context, market)
            var bracketed = m, burst = m
            let a = Kiosk.update(&bracketed, .key(.paste(text)), now: 0)
            var b: [KioskEffect] = []
            for message in KioskPaste.messages(Array("x".map(Key.character)) + text.map { $0 == "\n" ? Key.enter : ($0 == "\u{1B}" ? Key.escape : Key.character($0)) }) {
                if case .pasted(let pasted) = message { b += Kiosk.update(&burst, .pasted(String(pasted.dropFirst())), now: 0) } else { Issue.record("\(context): the burst is a paste") }
            }
            #expect(a == b && bracketed == burst, "\(context): a bracketed paste and a burst agree")
            #expect(KioskKeys.context(bracketed) == context || context == .receipt, "\(context): a paste never moves to another step")
        }
    }
}

@Suite("Kiosk: a board page scrolls to its end")
struct KioskBoardScrollTests {
    /// Scrolling counts the lines as drawn (wrapped to the screen): a long reply's last words can
    /// be reached, and scrolling stops there (one rule for every page: PageScroll).
    @Test func aLongReplyIsReadToItsLastLine() throws {
        var market = try shippedMarket()
        let reply = String(repeating: "感谢消费者监督，本店已全部整改并公开承诺。", count: 12) + "最后一句"
        market.apply(Event(actor: "zhuren", at: "2026-11-27T01:00:00Z", key: nil, body: .replyPublished(ReplyPublished(shop: "A101", year: 2026, text: reply))),
                     sequence: UInt64(market.eventCount + 1))
        var m = KioskModel(language: .zh, size: Size(width: 80, height: 24), today: today, market: market)
        press([.character("3"), .enter], &m)
        guard case .boardShop("A101") = m.screen else {
            Issue.record("the board opens A101")
            return
        }
        #expect(!Kiosk.view(m).text.contains("最后一句"))
        for _ in 0..<10 { press([.pageDown], &m) }
        #expect(Kiosk.view(m).text.contains("最后一句"))
        let end = m.boardScroll
        press([.pageDown, .down], &m)
        #expect(m.boardScroll == end && end == KioskBoard.pageLines(m).count - (m.size.height - 4))
    }
}
