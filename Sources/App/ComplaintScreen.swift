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

    static func handle(_ key: Key, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard let receipt = model.openComplaint else { return [] }
        guard var flow = model.complaintFlow else {
            switch key {
            case .escape, .left, .character("h"):
                model.openComplaint = nil
            case .character("a"):
                guard let user = model.user, let market = model.market, let complaint = market.complaints[receipt] else {
                    model.notice = model.t("处理投诉需要先登录", "log in to handle complaints")
                    return []
                }
                var choices = actions(for: complaint.state).map(ComplaintActionFlow.Choice.step)
                if complaint.duplicateOf == nil && complaint.state.isOpen { choices.append(.link) }
                // A deduction is offered only for a complaint resolved as upheld (属实).
                if complaint.isUpheld && complaint.filed.shop != nil && market.complaintDeductions[receipt] == nil { choices.append(.deduction) }
                if let latest = complaint.history.last, latest.action != nil { choices.append(.withdrawLatest(latest.sequence)) }
                if user.role == .kiosk || choices.isEmpty {
                    model.notice = model.t("当前没有可执行的操作", "nothing can be done now")
                    return []
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
            case .character("q"), .control("c"):
                return [.quit]
            case .character("?"):
                model.showHelp = true
            default:
                break
            }
            return []
        }
        func finish(_ action: ComplaintAction) -> [DashboardEffect] {
            model.complaintFlow = nil
            guard let user = model.user else { return [] }
            model.notice = model.t("已提交：\(action.name.zh)", "submitted: \(action.name.en)")
            return [.record(.complaintStep(ComplaintStep(receipt: receipt, action: action, date: model.today)), by: user)]
        }
        /// Steps that need a coded reason go through a second list; the rest are recorded at once.
        func chooseCode(_ kind: String, title: String, _ codes: [String: String]) {
            flow.stage = .chooseCode(kind: kind, codes: codes.keys.sorted())
            flow.list = SelectList(title: title, options: codes.keys.sorted().map { codes[$0] ?? $0 })
            model.complaintFlow = flow
        }
        switch flow.stage {
        case .chooseAction(let choices):
            switch flow.list.handle(key) {
            case .cancelled: model.complaintFlow = nil
            case .none: model.complaintFlow = flow
            case .chosen(let i):
                model.complaintFlow = nil
                switch choices[i] {
                case .link: model.entry = EntryForm.make(.linkDuplicate(receipt: receipt), model)
                case .deduction: model.entry = EntryForm.make(.confirmDeduction(receipt: receipt), model)
                case .withdrawLatest(let step): model.entry = EntryForm.make(.withdrawStep(receipt: receipt, target: step), model)
                case .step(.resolve): model.entry = EntryForm.make(.resolve(receipt: receipt), model)
                case .step(.reject): chooseCode("reject", title: model.t("不予受理的原因", "Reason"), ComplaintCodes.rejectReasons)
                case .step(.terminate): chooseCode("terminate", title: model.t("终止原因", "Reason"), ComplaintCodes.terminateReasons)
                case .step(.forward): chooseCode("forward", title: model.t("转交部门", "Department"), ComplaintCodes.departments)
                case .step(.followUp):
                    let options = ComplaintAction.Satisfaction.allCases
                    flow.stage = .chooseCode(kind: "follow-up", codes: options.map(\.rawValue))
                    flow.list = SelectList(title: model.t("消费者是否满意", "Satisfaction"), options: options.map { $0.name(model.language) })
                    model.complaintFlow = flow
                case .step(let action):
                    return finish(action)
                }
            }
        case .chooseCode(let kind, let codes):
            switch flow.list.handle(key) {
            case .cancelled: model.complaintFlow = nil
            case .none: model.complaintFlow = flow
            case .chosen(let i):
                let code = codes[i]
                switch kind {
                case "reject": return finish(.reject(reason: code))
                case "terminate": return finish(.terminate(reason: code))
                case "forward": return finish(.forward(department: code))
                default: return finish(.followUp(satisfaction: ComplaintAction.Satisfaction(rawValue: code) ?? .satisfied))
                }
            }
        }
        return []
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market, let receipt = model.openComplaint, let c = market.complaints[receipt] else { return }
        let t = model.t
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        grid.put(t(" 投诉 \(receipt)  \(c.state.chineseName)", " Complaint \(receipt)  \(c.state.rawValue)"), x: 0, y: 0, style: bar)
        // Personal data only for the person handling the case.
        let handler = model.user.map { $0.name == c.handler } ?? false
        let name = c.filed.consumerName.map { handler ? $0 : PersonalData.maskName($0) } ?? t("未留", "not given")
        let phone = c.filed.consumerPhone.map { handler ? $0 : PersonalData.maskPhone($0) } ?? t("未留", "not given")
        let shop = c.filed.shop.map { "\($0) \(market.merchant(shopNumber: $0)?.name ?? "")" } ?? t("不清楚", "unknown")
        var lines = [
            t("商户：", "Shop: ") + shop + t("　类别：", "   Integrity: ") + c.filed.integrity.name(model.language),
            t("登记：", "Filed: ") + "\(c.filed.date)" + t("　金额：", "   Amount: ") + (c.filed.amountFen.map { Money.yuan(fen: $0) } ?? "—"),
            t("消费者：", "Consumer: ") + name + "  " + phone,
            t("诉求：", "Wants: ") + c.filed.wants.map { ComplaintCodes.wants[$0] ?? $0 }.joined(separator: "、"),
            t("内容：", "What happened: ") + c.filed.text,
        ]
        var warningLine: Int?
        if let rules = market.rules(on: model.today)?.value, let due = c.due(rules: rules, calendar: market.calendar) {
            lines.append(t("期限：\(due)", "Due: \(due)") + (model.today > due.date ? t("（已逾期）", " (overdue)") : ""))
            if let warning = due.warning {
                warningLine = lines.count
                lines.append(t("　　注意：", "     note: ") + warning.text(model.language))
            }
        }
        if let original = c.duplicateOf { lines.append(t("重复投诉，原投诉：", "duplicate of ") + original) }
        if let deduction = market.complaintDeductions[receipt] {
            lines.append(t("已确认扣分（\(deduction.value.severity.chineseName)）#\(deduction.sequence)", "deduction confirmed (\(deduction.value.severity.rawValue)) #\(deduction.sequence)"))
        }
        lines.append("")
        lines.append(t("办理经过：", "History:"))
        for entry in c.history {
            var what = entry.action.map { model.language.pick($0.name.zh, $0.name.en) } ?? t("登记", "filed")
            if let finding = entry.action?.finding { what += t("（\(finding.zh)）", " (\(finding.en))") }
            lines.append("  \(entry.date)  \(entry.actor)  \(what) → \(entry.state.name(model.language))  #\(entry.sequence)")
        }
        // Steps taken back stay in view, with who withdrew them and why.
        for (step, withdrawal) in market.withdrawnSteps(of: receipt) {
            let what = step.action.map { model.language.pick($0.name.zh, $0.name.en) } ?? ""
            lines.append(t("  〔已撤回〕\(step.date)  \(step.actor)  \(what)  #\(step.sequence)（\(withdrawal.actor) 撤回 #\(withdrawal.by)：\(withdrawal.reason)）",
                           "  [withdrawn] \(step.date)  \(step.actor)  \(what)  #\(step.sequence) (withdrawn by \(withdrawal.actor), #\(withdrawal.by): \(withdrawal.reason))"))
        }
        for (i, line) in lines.prefix(model.size.height - 3).enumerated() {
            grid.put(line, x: 1, y: 2 + i, maxWidth: model.size.width - 2, style: i == warningLine ? model.theme.warning : .plain)
        }
        grid.put(t("a 办理 · Esc 返回", "a act · Esc back"), x: 1, y: model.size.height - 2, style: Style(dim: true))
        if let flow = model.complaintFlow {
            flow.list.render(into: &grid, footer: t("Enter 确定 · Esc 取消", "Enter ok · Esc cancel"))
        }
    }
}
