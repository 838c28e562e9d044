import Core
import Terminal

/// The shop screen: 亮身份, then the star rating with its arithmetic (on the first screen at 80×24),
/// the rectifications, 亮承诺 / 亮职责, guarantees, past ratings, inspections, complaints (personal
/// data masked), points, appeals and the reply. Long lines wrap under their text.
enum ShopScreen {
    struct Line: Sendable, Equatable {
        var text: String
        var style: Style = .plain
        /// Where a wrapped line's continuation starts (nil: two columns right of the line's own indent).
        var indent: Int?
    }

    /// The page's lines, wrapped to the screen's width: from the cache when it is current, else worked out.
    static func lines(_ model: DashboardModel) -> [Line] {
        if let page = model.shopPage, page.isCurrent(for: model) { return page.lines }
        return computeLines(model)
    }

    /// The lines, each broken to `width` columns with its hanging indent.
    static func wrapped(_ lines: [Line], width: Int) -> [Line] {
        lines.flatMap { line -> [Line] in
            let indent = line.indent ?? (line.text.prefix { $0 == " " }.count + 2)
            return TextLayout.wrap(line.text, width: width, hangingIndent: indent).map { Line(text: $0, style: line.style, indent: line.indent) }
        }
    }

    /// How many lines a page shows (the screen less the title, the keys and the status bar).
    static func pageHeight(_ model: DashboardModel) -> Int { max(1, DashboardLayout.shopPage(model.size).lines.height) }

    static func computeLabel(_ model: DashboardModel) -> String {
        guard let market = model.market, let shop = model.openShop, let merchant = market.merchant(shopNumber: shop) else { return "" }
        return market.ratingLabel(of: merchant, today: model.today, language: model.language)
    }

    static func computeLines(_ model: DashboardModel) -> [Line] {
        guard let market = model.market, let shop = model.openShop, let merchant = market.merchant(shopNumber: shop) else { return [] }
        let t = model.t
        let today = model.today
        let result = RatingEngine.rate(merchant, in: market, year: today.year, today: today)
        let heading = Style(bold: true, underline: true)
        var out: [Line] = []
        func section(_ zh: String, _ en: String) {
            out.append(Line(text: ""))
            out.append(Line(text: t(zh, en), style: heading))
        }
        out.append(Line(text: t("【亮身份】", "Identity"), style: heading))
        out.append(Line(text: t("经营者：", "Owner: ") + merchant.owner + t("　支部：", "   Branch: ") + (market.branch(merchant.branch)?.name ?? "\(merchant.branch)")))
        out.append(Line(text: t("挂牌：", "Plate: ") + merchant.plate.name(model.language) + t("　主营：", "   Business: ") + merchant.business))
        // The member owners on one line (name, number, role) or 普通商户; a plate without a
        // current member owner, or an ordinary shop with one, flagged on a line of its own.
        let owners = market.memberOwnerLines(of: merchant, model.language)
        let listed = owners.filter { !$0.hasPrefix("⚠") }
        out.append(Line(text: t("党员经营者：", "Member owners: ") + listed.joined(separator: t("、", "; "))))
        out += owners.filter { $0.hasPrefix("⚠") }.map { Line(text: "  " + $0, style: model.theme.deduction) }
        out.append(Line(text: t("统一社会信用代码：", "Credit code: ") + merchant.creditCode))
        // The rating and how it is reached come next, so that they are on the first screen.
        section("【\(today.year) 年度星级】 " + market.ratingLabel(of: merchant, today: today, language: model.language),
                "\(today.year) rating: " + market.ratingLabel(of: merchant, today: today, language: model.language))
        out += result.lines.map { explained($0, model) }
        if let reply = market.replies[merchant.shopNumber]?[today.year] {
            out.append(Line(text: t("  商户回应：", "  The shop's reply: ") + reply.value.text))
        }
        rectifications(result.rectifications, market, model, into: &out)
        section("【亮承诺】", "Pledges")
        out += market.datedPledges(of: merchant.shopNumber).map { Line(text: "  " + $0.label(model.language), style: $0.stands ? .plain : model.theme.deduction) }
        section("【亮职责】", "Duties")
        out += merchant.duties.map { Line(text: "  " + $0) }
        section("【保障】", "Guarantees")
        out += merchant.guarantees.map { Line(text: "  " + $0) }
        // Rating history: every year with inspections or published ratings, newest first.
        let years = Set((market.inspections[merchant.shopNumber] ?? []).map(\.value.date.year)).union(market.ratingsPublished.keys).subtracting([today.year])
        if !years.isEmpty {
            section("【历年星级】", "Rating history")
            for year in years.sorted(by: >) {
                let past = RatingEngine.rate(merchant, in: market, year: year, today: today).status
                var text = "  \(year)  " + past.label(model.language)
                if case .rated(_, let score, _) = past { text += t("  \(score) 分", "  \(score) points") }
                if let published = market.ratingsPublished[year] { text += t("  （\(published.value.date) 公示）", "  (published \(published.value.date))") }
                if let reply = market.replies[merchant.shopNumber]?[year] { text += t("  回应：", "  reply: ") + reply.value.text }
                out.append(Line(text: text))
            }
        }
        let inspections = market.inspections[merchant.shopNumber] ?? []
        section("【检查记录】", "Inspections")
        if inspections.isEmpty { out.append(Line(text: t("  尚无检查", "  none yet"))) }
        for i in inspections.sorted(by: { ($0.value.date, $0.sequence) > ($1.value.date, $1.sequence) }) {
            let fails = i.value.failures.map { failure -> String in
                let note = failure.note.map { t("：", ": ") + $0 } ?? ""
                return "\(failure.item)(\(failure.severity?.name(model.language) ?? "")\(note))"
            }.joined(separator: " ")
            out.append(Line(text: "  #\(i.sequence)  \(i.value.date)  \(i.value.inspector)  " + (fails.isEmpty ? t("全部合格", "all passed") : t("不合格：", "failed: ") + fails)
                            + amendmentMark(i.sequence, market, model)))
        }
        let complaints = market.complaints.of(shop: merchant.shopNumber).sorted { $0.filedSequence > $1.filedSequence }
        // The heading carries the shop's 满意率 of the year with its definition (no extra line).
        let satisfaction = market.satisfaction(ofShop: merchant.shopNumber, yearOf: today)
        let rate = OverviewScreens.percent(satisfaction.rate) + "  " + satisfaction.definition(model.language)
        section("【投诉】 本年满意率 " + rate, "Complaints — satisfaction this year " + rate)
        if complaints.isEmpty { out.append(Line(text: t("  无", "  none"))) }
        for c in complaints {
            let who = c.filed.consumerName.map(PersonalData.maskName) ?? t("匿名", "anonymous")
            let finding = c.resolution?.action?.finding.map { t("（\($0.zh)）", " (\($0.en))") } ?? ""
            out.append(Line(text: "  \(c.filed.receipt)  \(c.filed.date)  \(c.filed.integrity.name(model.language))  \(c.state.name(model.language))\(finding)  \(who)"))
        }
        let points = market.contributions[merchant.shopNumber] ?? []
        if !points.isEmpty {
            section("【贡献分】", "Contribution points")
            for p in points {
                let state = p.approvedBy.map { t("\($0) 已审批", "approved by \($0)") } ?? t("待审批", "awaiting approval")
                out.append(Line(text: "  #\(p.sequence)  \(p.entry.date)  \(p.entry.kind.name(model.language)) +\(p.entry.points)  \(p.entry.evidence)  \(state)"
                                + amendmentMark(p.sequence, market, model)))
            }
        }
        if let appeals = market.appeals[merchant.shopNumber], !appeals.isEmpty {
            section("【复核】", "Appeals")
            for a in appeals {
                let decision = a.decision.map { "\($0.value.outcome.name(model.language))（\($0.value.reason)）" } ?? t("复核中", "under review")
                out.append(Line(text: "  \(a.filed.date)  \(a.filed.reason)  → \(decision)"))
            }
        }
        return wrapped(out, width: model.size.width - 2)
    }

    /// A line of an explanation (a rating's, a member's points'): the points and the record number
    /// first, so that a narrow screen never cuts them; deductions in their colour.
    static func explained(_ line: ExplanationLine, _ model: DashboardModel) -> Line {
        let points = line.points.map { $0 >= 0 ? "+\($0)" : "\($0)" } ?? ""
        let source = line.sequence.map { "#\($0)" } ?? ""
        let style: Style = (line.points ?? 0) < 0 ? model.theme.deduction : .plain
        return Line(text: "  " + TextLayout.fit(points, width: 4) + " " + TextLayout.fit(source, width: 6) + line.text(model.language), style: style, indent: 13)
    }

    /// The 【整改】 section: each rectification with its deadline and state.
    static func rectifications(_ list: [Rectification], _ market: MarketState, _ model: DashboardModel, into out: inout [Line]) {
        guard !list.isEmpty else { return }
        let t = model.t
        out.append(Line(text: ""))
        out.append(Line(text: t("【整改】", "Rectifications"), style: Style(bold: true, underline: true)))
        for r in list {
            let state = r.closedOn.map { t("已于 \($0) 复查合格", "passed on \($0)") } ?? (model.today > r.deadline ? t("已逾期", "overdue") : t("整改中", "open"))
            out.append(Line(text: "  \(r.item)（\(r.severity.name(model.language))）\(t("期限", "due")) \(r.deadline)：\(state)",
                            style: r.closedOn == nil && model.today > r.deadline ? model.theme.warning : .plain))
            if r.closedOn == nil, let warning = market.calendar.deadline(from: r.openedOn, to: r.deadline).warning {
                out.append(Line(text: t("    注意：", "    note: ") + warning.text(model.language), style: model.theme.warning))
            }
        }
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market, let shop = model.openShop, let merchant = market.merchant(shopNumber: shop) else { return }
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        grid.put(" \(merchant.shopNumber)  \(merchant.name)", x: 0, y: 0, style: bar)
        let label = model.shopPage.flatMap { $0.isCurrent(for: model) ? $0.label : nil } ?? computeLabel(model)
        grid.put(label, x: model.size.width - DisplayWidth.of(label) - 1, y: 0, style: bar)
        let all = lines(model)
        let height = pageHeight(model)
        grid.put(actionHint(model, branch: merchant.branch, more: all.count > model.detailScroll + height, scrolled: model.detailScroll > 0),
                 x: 1, y: DashboardLayout.shopPage(model.size).keys.y, maxWidth: model.size.width - 2, style: Style(dim: true))
        let area = DashboardLayout.shopPage(model.size).lines
        for (i, line) in all.dropFirst(model.detailScroll).prefix(height).enumerated() {
            grid.put(TextLayout.truncate(line.text, toWidth: area.width), x: area.x, y: area.y + i, maxWidth: area.width, style: line.style)
        }
    }

    /// What became of a record that counts: withdrawn or corrected (and by which record), a
    /// correction itself, or a proposal waiting for its second — the original and the correction
    /// are both listed, each saying what it is.
    static func amendmentMark(_ sequence: UInt64, _ market: MarketState, _ model: DashboardModel) -> String {
        let t = model.t
        if let countsFrom = market.correctionCountsFrom(sequence), let proposal = market.withdrawalsProposed[sequence] {
            return countsFrom == nil ? t("  〔更正 #\(proposal.target)，待复核〕", "  [corrects #\(proposal.target), awaiting a second]")
                : t("  〔更正 #\(proposal.target)〕", "  [corrects #\(proposal.target)]")
        }
        guard let (by, proposal) = market.amendmentProposed(for: sequence) else { return "" }
        let corrected = proposal.isCorrection == true
        if proposal.secondedIn == nil {
            return corrected ? t("  〔更正 #\(by) 待复核〕", "  [correction #\(by) awaiting a second]") : t("  〔撤回 #\(by) 待复核〕", "  [withdrawal #\(by) awaiting a second]")
        }
        return corrected ? t("  〔已更正为 #\(by)〕", "  [corrected by #\(by)]") : t("  〔已撤回（#\(by)）〕", "  [withdrawn (#\(by))]")
    }

    /// The keys of the actions this user may take on this shop, paging while there is more to
    /// read, and the way back: as many as fit, the most needed first.
    static func actionHint(_ model: DashboardModel, branch: Int, more: Bool = false, scrolled: Bool = false) -> String {
        let t = model.t
        var parts: [String] = []
        if let user = model.user, (try? Action.actForShop(branch: branch).check(user.role)) != nil {
            parts = [t("i 检查", "i inspect"), t("p 贡献分", "p points"), t("r 回应", "r reply"), t("f 复核", "f appeal"), t("w 撤回", "w withdraw")]
        }
        let paging = more ? (scrolled ? t("PgDn/PgUp 翻页", "PgDn/PgUp page") : t("PgDn 下一页", "PgDn next page")) : (scrolled ? t("PgUp 上一页", "PgUp previous page") : "")
        // The first action, paging and the way back before the other actions.
        parts.insert(contentsOf: [paging, t("Esc 返回", "Esc back")], at: min(1, parts.count))
        parts += [t("j/k 滚动", "j/k scroll"), t("? 帮助", "? help")]
        return TextLayout.joinFitting(parts, separator: " · ", width: model.size.width - 2)
    }
}
