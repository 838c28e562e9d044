import Core
import Terminal

/// The public board (公示): member shops by branch with plate, stars, pledges, duties, guarantees and the
/// shop's reply. Read-only: typing searches, ←/→ choose the branch, Enter opens a shop.
enum KioskBoard {
    static func shops(_ model: KioskModel) -> [Merchant] {
        model.matchingShops(model.boardQuery.text, branch: model.boardBranch)
    }

    static func visibleRows(_ model: KioskModel) -> Int { max(1, KioskLayout.board(model.size).rows.height) }

    static func perform(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        if case .boardShop = model.screen {
            let page = max(1, KioskLayout.boardPage(model.size).height)
            let delta: Int
            switch action {
            case .back: model.screen = .board; model.boardScroll = 0; return
            case .moveDown: delta = 1
            case .moveUp: delta = -1
            case .pageDown: delta = page
            case .pageUp: delta = -page
            default: return
            }
            model.boardScroll = PageScroll.scrolled(model.boardScroll, by: delta, lines: pageLines(model).count, visibleRows: page)
            return
        }
        let list = shops(model)
        let rows = visibleRows(model)
        switch action {
        case .back:
            model.resetToHome()
        case .moveDown: model.boardPosition.move(by: 1, count: list.count, visibleRows: rows)
        case .moveUp: model.boardPosition.move(by: -1, count: list.count, visibleRows: rows)
        case .pageDown: model.boardPosition.move(by: rows, count: list.count, visibleRows: rows)
        case .pageUp: model.boardPosition.move(by: -rows, count: list.count, visibleRows: rows)
        case .nextBranch, .previousBranch:
            let numbers = model.market?.branches.map(\.number) ?? []
            let all: [Int?] = [nil] + numbers.map { Optional($0) }
            let i = all.firstIndex(of: model.boardBranch) ?? 0
            model.boardBranch = all[(i + (action == .nextBranch ? 1 : all.count - 1)) % all.count]
            model.boardPosition = ListPosition()
        case .confirm:
            guard list.indices.contains(model.boardPosition.selected) else { return }
            model.screen = .boardShop(list[model.boardPosition.selected].shopNumber)
            model.boardScroll = 0
        case .type:
            let before = model.boardQuery.text
            model.boardQuery.handle(key)
            if model.boardQuery.text != before { model.boardPosition = ListPosition() }
        default: break
        }
    }

    struct Line {
        var text: String
        var style: Style = .plain
    }

    /// The shop's page as drawn: its lines wrapped to the screen (what scrolling counts).
    static func pageLines(_ model: KioskModel) -> [Line] {
        detailLines(model).flatMap { line in
            KioskView.wrap(line.text, width: model.size.width - 4).map { Line(text: $0, style: line.style) }
        }
    }

    /// What the public may read about a shop: identity, plate, stars, pledges, duties, guarantees, the reply.
    static func detailLines(_ model: KioskModel) -> [Line] {
        guard case .boardShop(let number) = model.screen, let market = model.market,
              let merchant = market.merchant(shopNumber: number) else { return [] }
        let t = model.t
        let heading = Style(bold: true, underline: true)
        var out: [Line] = []
        out.append(Line(text: t("经营者：", "Owner: ") + merchant.owner))
        out.append(Line(text: t("所属支部：", "Branch: ") + (market.branch(merchant.branch)?.name ?? "\(merchant.branch)")))
        out.append(Line(text: t("挂牌：", "Plate: ") + merchant.plate.name(model.language)))
        out.append(Line(text: t("主营：", "Business: ") + merchant.business))
        out.append(Line(text: t("\(model.today.year) 年度星级：", "\(model.today.year) rating: ") + market.ratingLabel(of: merchant, today: model.today, language: model.language),
                        style: Style(bold: true)))
        out.append(Line(text: ""))
        out.append(Line(text: t("【承诺】", "Pledges"), style: heading))
        let pledges = market.standingPledges(of: merchant.shopNumber)
        if pledges.isEmpty { out.append(Line(text: t("  （无）", "  (none)"))) }
        out += pledges.map { Line(text: "  " + $0.label(model.language)) }
        out.append(Line(text: ""))
        out.append(Line(text: t("【职责】", "Duties"), style: heading))
        if merchant.duties.isEmpty { out.append(Line(text: t("  （无）", "  (none)"))) }
        out += merchant.duties.map { Line(text: "  " + $0) }
        out.append(Line(text: ""))
        out.append(Line(text: t("【保障】", "Guarantees"), style: heading))
        if merchant.guarantees.isEmpty { out.append(Line(text: t("  （无）", "  (none)"))) }
        out += merchant.guarantees.map { Line(text: "  " + $0) }
        out.append(Line(text: ""))
        out.append(Line(text: t("【商户回应】", "The shop's reply"), style: heading))
        if let replies = market.replies[merchant.shopNumber], let year = replies.keys.max(), let reply = replies[year] {
            out.append(Line(text: "  " + t("（\(year) 年）", "(\(year)) ") + reply.value.text))
        } else {
            out.append(Line(text: t("  （暂无）", "  (none)")))
        }
        return out
    }
}
