import Core
import Terminal

/// One complaint case: what was filed (personal data masked except for the person handling it),
/// its deadline, its full history, and the workflow actions the case's state allows.
public struct ComplaintActionFlow: Sendable, Equatable {
    enum Choice: Sendable, Equatable {
        case step(ComplaintAction)
        /// Mark as a duplicate of another case.
        case link
        /// Confirm the deduction an upheld complaint proposes.
        case deduction
        /// Take back the case's latest step (its record number), with a reason.
        case withdrawLatest(UInt64)
    }

    enum Stage: Sendable, Equatable {
        case chooseAction([Choice])
        case chooseCode(kind: String, codes: [String])
    }

    var stage: Stage
    var list: SelectList
}

enum ComplaintScreen {
    static func actions(for state: ComplaintState) -> [ComplaintAction] {
        let all: [ComplaintAction] = [
            .accept, .reject(reason: ""), .mediate, .resolve(outcome: "", amountFen: nil, upheld: false), .forward(department: ""),
            .terminate(reason: ""), .followUp(satisfaction: .satisfied), .close,
        ]
        return all.filter { $0.next(from: state) != nil }
    }

    /// The case page's keys (its table in Dashboard.swift).
    static func perform(_ action: DashboardAction, _ model: inout DashboardModel) -> [DashboardEffect] {
        let count = lines(model).count
        if let delta = Dashboard.scrollDelta(action, page: pageRows(model), lines: count) {
            model.caseScroll = PageScroll.scrolled(model.caseScroll, by: delta, lines: count, visibleRows: pageRows(model))
            return []
        }
        switch action {
        case .back: model.openComplaint = nil
        case .act: openMenu(&model)
        default: break
        }
        return []
    }

    /// The steps the case's state allows, and the other things that can be done to it.
    static func openMenu(_ model: inout DashboardModel) {
        guard let receipt = model.openComplaint else { return }
        guard let user = model.user, let market = model.market, let complaint = market.complaints[receipt] else {
            model.notice = model.t("处理投诉需要先登录", "log in to handle complaints")
            return
        }
        var choices = actions(for: complaint.state).map(ComplaintActionFlow.Choice.step)
        if complaint.duplicateOf == nil && complaint.state.isOpen { choices.append(.link) }
        // A deduction is offered only for a complaint resolved as upheld (属实).
        if complaint.isUpheld && complaint.filed.shop != nil && market.complaintDeductions[receipt] == nil { choices.append(.deduction) }
        if let latest = complaint.history.last, latest.action != nil { choices.append(.withdrawLatest(latest.sequence)) }
        if user.role == .kiosk || choices.isEmpty {
            model.notice = model.t("当前没有可执行的操作", "nothing can be done now")
            return
        }
        let names = choices.map { choice -> String in
            switch choice {
            case .step(let action): return model.language.pick(action.name.zh, action.name.en)
            case .link: return model.t("标为重复投诉", "mark as a duplicate")
            case .deduction: return model.t("确认扣分", "confirm the deduction")
            case .withdrawLatest(let step): return model.t("撤回最后一步（#\(step)）", "withdraw the latest step (#\(step))")
            }
        }
        model.complaintFlow = ComplaintActionFlow(
            stage: .chooseAction(choices), list: SelectList(title: model.t("对 \(receipt) 执行", "Action on \(receipt)"), options: names))
    }

    /// The menu's keys (its table in Dashboard.swift). A step chosen is recorded only once the
    /// question showing it is answered yes; no leaves the menu as it was.
    static func performInMenu(_ action: DashboardAction, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard let receipt = model.openComplaint, var flow = model.complaintFlow else { return [] }
        switch action {
        case .moveDown: flow.list.move(by: 1)
        case .moveUp: flow.list.move(by: -1)
        case .top: flow.list.moveToFirst()
        case .bottom: flow.list.moveToLast()
        case .back:
            model.complaintFlow = nil
            return []
        case .confirm:
            guard let i = flow.list.chosen else {
                model.complaintFlow = nil
                return []
            }
            choose(i, flow, receipt: receipt, &model)
            return []
        default: break
        }
        model.complaintFlow = flow
        return []
    }

    private static func choose(_ i: Int, _ flow: ComplaintActionFlow, receipt: String, _ model: inout DashboardModel) {
        var flow = flow
        /// Steps that need a coded reason go through a second list; the rest are asked about at once.
        func chooseCode(_ kind: String, title: String, _ codes: [String: String]) {
            flow.stage = .chooseCode(kind: kind, codes: codes.keys.sorted())
            flow.list = SelectList(title: title, options: codes.keys.sorted().map { codes[$0] ?? $0 })
            model.complaintFlow = flow
        }
        switch flow.stage {
        case .chooseAction(let choices):
            guard choices.indices.contains(i) else { return }
            switch choices[i] {
            case .link: form(.linkDuplicate(receipt: receipt), &model)
            case .deduction: form(.confirmDeduction(receipt: receipt), &model)
            case .withdrawLatest(let step): form(.withdrawStep(receipt: receipt, target: step), &model)
            case .step(.resolve): form(.resolve(receipt: receipt), &model)
            case .step(.reject): chooseCode("reject", title: model.t("不予受理的原因", "Reason"), ComplaintCodes.rejectReasons)
            case .step(.terminate): chooseCode("terminate", title: model.t("终止原因", "Reason"), ComplaintCodes.terminateReasons)
            case .step(.forward): chooseCode("forward", title: model.t("转交部门", "Department"), ComplaintCodes.departments)
            case .step(.followUp):
                let options = ComplaintAction.Satisfaction.allCases
                flow.stage = .chooseCode(kind: "follow-up", codes: options.map(\.rawValue))
                flow.list = SelectList(title: model.t("消费者是否满意", "Satisfaction"), options: options.map { $0.name(model.language) })
                model.complaintFlow = flow
            case .step(let action):
                ask(action, receipt: receipt, &model)
            }
        case .chooseCode(let kind, let codes):
            guard codes.indices.contains(i) else { return }
            let code = codes[i]
            switch kind {
            case "reject": ask(.reject(reason: code), receipt: receipt, &model)
            case "terminate": ask(.terminate(reason: code), receipt: receipt, &model)
            case "forward": ask(.forward(department: code), receipt: receipt, &model)
            default: ask(.followUp(satisfaction: ComplaintAction.Satisfaction(rawValue: code) ?? .satisfied), receipt: receipt, &model)
            }
        }
    }

    /// A step with something to type goes through a form (the menu closes behind it).
    private static func form(_ purpose: EntryForm.Purpose, _ model: inout DashboardModel) {
        model.complaintFlow = nil
        EntryScreen.open(purpose, &model)
    }

    /// The question before a step chosen from the menu is recorded, saying what it records.
    private static func ask(_ action: ComplaintAction, receipt: String, _ model: inout DashboardModel) {
        guard let market = model.market, let complaint = market.complaints[receipt] else { return }
        let t = model.t
        let shop = complaint.filed.shop.map { "\($0) \(market.merchant(shopNumber: $0)?.name ?? "")" } ?? t("店铺不清楚", "shop unknown")
        let next = action.next(from: complaint.state).map { $0.name(model.language) } ?? ""
        let what = [
            t("投诉 ", "Complaint ") + receipt + " · " + shop + " · " + complaint.filed.integrity.name(model.language),
            ComplaintProgress.step(action, model.language) + t("（\(complaint.state.name(model.language)) → \(next)）", " (\(complaint.state.name(model.language)) → \(next))"),
        ]
        let body = EventBody.complaintStep(ComplaintStep(receipt: receipt, action: action, date: model.today))
        let name = model.language.pick(action.name.zh, action.name.en)
        do throws(LocalizedMessage) {
            try Confirm.record(body, title: name + " " + receipt, what: what, notice: t("已提交：\(action.name.zh)", "submitted: \(action.name.en)"), &model)
        } catch {
            model.notice = error.text(model.language)
        }
    }

    /// Rows for the page's lines: the title, a blank row, the lines, the keys, the status bar.
    static func pageRows(_ model: DashboardModel) -> Int {
        max(1, DashboardLayout.casePage(model.size).lines.height)
    }

    /// The case page: what was filed (personal data masked except for the handler), everything
    /// the kiosk's progress look-up shows the consumer (state, deadline, each step with its
    /// outcome, amount, finding, department, reason or satisfaction), and what the handler needs
    /// besides (who did each step, record numbers, withdrawn steps, duplicates, the deduction).
    static func lines(_ model: DashboardModel) -> [ShopScreen.Line] {
        guard let market = model.market, let receipt = model.openComplaint, let c = market.complaints[receipt] else { return [] }
        let t = model.t
        typealias Line = ShopScreen.Line
        // Personal data only for the person handling the case.
        let handler = model.user.map { $0.name == c.handler } ?? false
        let name = c.filed.consumerName.map { handler ? $0 : PersonalData.maskName($0) } ?? t("未留", "not given")
        let phone = c.filed.consumerPhone.map { handler ? $0 : PersonalData.maskPhone($0) } ?? t("未留", "not given")
        let shop = c.filed.shop.map { "\($0) \(market.merchant(shopNumber: $0)?.name ?? "")" } ?? t("不清楚", "unknown")
        // The codes' names are Chinese; in English the code itself is the name.
        let category = model.language == .zh ? ComplaintCodes.categories[c.filed.category] ?? c.filed.category : c.filed.category
        let filedToday = c.filed.date == model.today ? t("（今天）", " (today)") : ""
        var out = [
            Line(text: t("商户：", "Shop: ") + shop + t("　类别：", "   Integrity: ") + c.filed.integrity.name(model.language) + " · " + category),
            Line(text: t("登记：", "Filed: ") + "\(c.filed.date)\(filedToday)" + t("　金额：", "   Amount: ")
                 + (c.filed.amountFen.map { t("\(Money.yuan(fen: $0)) 元", "\(Money.yuan(fen: $0)) yuan") } ?? "—")),
            Line(text: t("消费者：", "Consumer: ") + name + "  " + phone + "  " + (c.filed.consentToContact ? t("同意联系", "may be contacted") : t("不同意联系", "not to be contacted"))),
            Line(text: t("诉求：", "Wants: ") + c.filed.wants.map { model.language == .zh ? ComplaintCodes.wants[$0] ?? $0 : $0 }.joined(separator: t("、", ", "))),
            Line(text: t("内容：", "What happened: ") + c.filed.text),
            Line(text: t("当前状态：", "State: ") + c.state.name(model.language) + t("　经办人：", "   Handler: ") + (c.handler ?? t("未定", "none yet"))),
        ]
        if let deadline = ComplaintProgress.deadline(c, market: market, today: model.today, model.language) {
            out.append(Line(text: deadline))
            if let rules = market.rules(on: model.today)?.value, let warning = c.due(rules: rules, calendar: market.calendar)?.warning {
                out.append(Line(text: t("　　注意：", "     note: ") + warning.text(model.language), style: model.theme.warning))
            }
        }
        // The outcome and the follow-up at a glance (the history below has them too).
        if let resolution = c.resolution {
            out.append(Line(text: t("结果：", "Outcome: ") + ComplaintProgress.step(resolution.action, model.language)))
        }
        if let followUp = c.history.last(where: { if case .followUp = $0.action { return true } else { return false } }) {
            out.append(Line(text: ComplaintProgress.step(followUp.action, model.language)))
        }
        if let original = c.duplicateOf { out.append(Line(text: t("重复投诉，原投诉：", "duplicate of ") + original)) }
        if let deduction = market.complaintDeductions[receipt] {
            out.append(Line(text: t("已确认扣分（\(deduction.value.severity.chineseName)）#\(deduction.sequence)", "deduction confirmed (\(deduction.value.severity.rawValue)) #\(deduction.sequence)")))
        }
        out.append(Line(text: ""))
        out.append(Line(text: t("办理经过：", "History:"), style: Style(bold: true)))
        for entry in c.history {
            out.append(Line(text: "  \(entry.date)  \(entry.actor)  \(ComplaintProgress.step(entry.action, model.language)) → \(entry.state.name(model.language))  #\(entry.sequence)"))
        }
        // Steps taken back stay in view, with who withdrew them and why.
        for (step, withdrawal) in market.withdrawnSteps(of: receipt) {
            let what = ComplaintProgress.step(step.action, model.language)
            out.append(Line(text: t("  〔已撤回〕\(step.date)  \(step.actor)  \(what)  #\(step.sequence)（\(withdrawal.actor) 撤回 #\(withdrawal.by)：\(withdrawal.reason)）",
                                    "  [withdrawn] \(step.date)  \(step.actor)  \(what)  #\(step.sequence) (withdrawn by \(withdrawal.actor), #\(withdrawal.by): \(withdrawal.reason))")))
        }
        // Long lines (a story, an outcome) wrap, the rest indented: nothing is cut off the page.
        let width = max(10, model.size.width - 2)
        return out.flatMap { line -> [Line] in
            let parts = TextLayout.wrap(line.text, width: width)
            guard parts.count > 1 else { return [line] }
            let rest = TextLayout.wrap(parts.dropFirst().joined(), width: width - 4).map { "    " + $0 }
            return ([parts[0]] + rest).map { Line(text: $0, style: line.style) }
        }
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market, let receipt = model.openComplaint, let c = market.complaints[receipt] else { return }
        let t = model.t
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        grid.put(t(" 投诉 \(receipt)  \(c.state.chineseName)", " Complaint \(receipt)  \(c.state.rawValue)"), x: 0, y: 0, style: bar)
        let all = lines(model)
        let rows = pageRows(model)
        for (i, line) in all.dropFirst(model.caseScroll).prefix(rows).enumerated() {
            let area = DashboardLayout.casePage(model.size).lines
            grid.put(line.text, x: area.x, y: area.y + i, maxWidth: area.width, style: line.style)
        }
        // The keys from the page's table; where the page goes on below, how far it goes.
        var keys = Dashboard.footer(.screen(.complaint), model.language) { all.count > rows || ![.moveDown, .pageDown].contains($0.action) }
        if all.count > rows {
            let shown = min(all.count, model.caseScroll + rows)
            keys += t("（第 \(model.caseScroll + 1)–\(shown) 行，共 \(all.count) 行）", " (lines \(model.caseScroll + 1)–\(shown) of \(all.count))")
        }
        grid.put(keys, x: 1, y: DashboardLayout.casePage(model.size).keys.y, maxWidth: model.size.width - 2, style: Style(dim: true))
        if let flow = model.complaintFlow {
            flow.list.render(into: &grid, footer: Dashboard.footer(.actionMenu, model.language))
        }
    }
}

/// How a complaint's progress reads, the same at the kiosk's look-up (for the consumer) and on
/// the case page (for the handler, who sees more around it).
enum ComplaintProgress {
    /// "办理期限：2026-03-10 前调解办结（已逾期）": the current stage's deadline, with the
    /// consumer's note when the calendar does not cover the days it counted; nil once none runs.
    static func deadline(_ complaint: ComplaintCase, market: MarketState?, today: SimpleDate, _ language: Language) -> String? {
        guard let market, let rules = market.rules(on: today)?.value, let deadline = complaint.due(rules: rules, calendar: market.calendar) else { return nil }
        let overdue = today > deadline.date
        let stage = complaint.state == .filed ? language.pick("答复是否受理", "answer on acceptance") : language.pick("调解办结", "mediation")
        return language.pick("办理期限：\(deadline) 前\(stage)\(overdue ? "（已逾期）" : "")", "Due: \(stage) by \(deadline)\(overdue ? " (overdue)" : "")")
            + (deadline.consumerNote.map { language.pick("（\($0.zh)）", " (\($0.en))") } ?? "")
    }

    /// A step's name and what it recorded: a resolution's finding first (whether the complaint
    /// was found true is what the consumer asks), its outcome and amount; the department; the
    /// reason; the consumer's satisfaction. The filing itself (no action) is 登记.
    static func step(_ action: ComplaintAction?, _ language: Language) -> String {
        guard let action else { return language.pick("登记", "filed") }
        let t = language.pick
        let name = t(action.name.zh, action.name.en)
        switch action {
        case .resolve(let outcome, let amount, let upheld):
            let finding = ComplaintAction.finding(upheld: upheld)
            return name + t("（\(finding.zh)）：", " (\(finding.en)): ") + outcome
                + (amount.map { t("（金额 \(Money.yuan(fen: $0)) 元）", " (amount \(Money.yuan(fen: $0)) yuan)") } ?? "")
        case .forward(let department): return name + t("：", ": ") + (ComplaintCodes.departments[department] ?? department)
        case .reject(let reason): return name + t("：", ": ") + (ComplaintCodes.rejectReasons[reason] ?? reason)
        case .terminate(let reason): return name + t("：", ": ") + (ComplaintCodes.terminateReasons[reason] ?? reason)
        case .followUp(let satisfaction): return name + t("：", ": ") + satisfaction.name(language)
        case .accept, .mediate, .close: return name
        }
    }
}

/// What `/` finds on the complaints tab: any case this user handles, whatever its state, by its
/// receipt code (any part of it, with or without the dash, full-width letters and digits folded,
/// as people type codes), its shop (number or name, pinyin too: as the merchants tab finds shops)
/// or its text. The case with that very code first, then the open ones, then the rest, newest
/// first within each.
enum ComplaintSearch {
    /// The most cases listed (a word common to thousands of complaints would otherwise build them all).
    static let limit = 500

    static func find(_ query: String, in model: DashboardModel) -> [ComplaintCase] {
        find(query, in: model, earlier: [:]).cases
    }

    /// The same, with the case rows earlier queries found (by their typed text): a query that
    /// extends one of them looks only at its rows — what typing one more character costs.
    /// Returns the rows this query found, for the next.
    static func find(_ query: String, in model: DashboardModel, earlier: [String: [Int]]) -> (cases: [ComplaintCase], typed: String, rows: [Int]) {
        guard let market = model.market else { return ([], "", []) }
        let typed = TypedCode.normalise(query)
        guard !typed.isEmpty else { return ([], "", []) }
        func codeOf(_ text: String) -> String? {
            let code = text.uppercased().filter { $0 != "-" && $0 != " " }
            return code.count >= 2 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } ? code : nil
        }
        let code = codeOf(typed)
        var shops: Set<String> = []
        for (i, merchant) in market.merchants.enumerated() where i < model.searchIndex.count {
            if model.searchIndex[i].number.matches(typed) || model.searchIndex[i].name.matches(typed) { shops.insert(merchant.shopNumber) }
        }
        var ownBranch: Int?
        if case .secretary(let branch)? = model.user?.role { ownBranch = branch }
        let exact = market.complaints[ReceiptCode.normalise(typed)]?.filedSequence
        // A longer query finds a subset of what a shorter one found — unless the shorter was not
        // yet long enough to be looked up as a code.
        let within = earlier.filter { typed.hasPrefix($0.key) && (code == nil || codeOf($0.key) != nil) }.max { $0.key.count < $1.key.count }?.value
        let result = market.complaints.search(code: code, shops: shops, text: typed, within: within)
        let found = result.summaries.filter { summary in
            ownBranch == nil || summary.shop.flatMap { market.merchant(shopNumber: $0)?.branch } == ownBranch
        }
        let ordered = found.sorted { a, b in
            if (a.filedSequence == exact) != (b.filedSequence == exact) { return a.filedSequence == exact }
            if a.state.isOpen != b.state.isOpen { return a.state.isOpen }
            return a.filedSequence > b.filedSequence
        }
        return (ordered.prefix(limit).map { market.complaints.complaint($0) }, typed, result.rows)
    }
}
