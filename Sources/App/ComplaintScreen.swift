import Core
import Terminal

/// One complaint case: what was filed (personal data masked except for the person handling it),
/// its deadline, its full history, and the workflow actions the case's state allows.
public struct ComplaintActionFlow: Sendable, Equatable {
    enum Stage: Sendable, Equatable {
        case chooseAction([ComplaintAction])
        case chooseCode(kind: String, codes: [String])
        case enterText(kind: String)
    }

    var stage: Stage
    var list: SelectList
    var field = TextFieldState(limit: 200)
}

enum ComplaintScreen {
    static func actions(for state: ComplaintState) -> [ComplaintAction] {
        let all: [ComplaintAction] = [
            .accept, .reject(reason: ""), .mediate, .resolve(outcome: "", amountFen: nil), .forward(department: ""),
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
                guard let user = model.user, let complaint = model.market?.complaints[receipt] else {
                    model.notice = model.t("处理投诉需要先登录", "log in to handle complaints")
                    return []
                }
                let choices = actions(for: complaint.state)
                if user.role == .kiosk || choices.isEmpty {
                    model.notice = model.t("当前没有可执行的操作", "nothing can be done now")
                    return []
                }
                model.complaintFlow = ComplaintActionFlow(
                    stage: .chooseAction(choices),
                    list: SelectList(title: model.t("对 \(receipt) 执行", "Action on \(receipt)"), options: choices.map { model.language.pick($0.name.zh, $0.name.en) }))
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
            return [.complaintStep(ComplaintStep(receipt: receipt, action: action, date: model.today), by: user)]
        }
        switch flow.stage {
        case .chooseAction(let choices):
            switch flow.list.handle(key) {
            case .cancelled: model.complaintFlow = nil
            case .chosen(let i):
                switch choices[i] {
                case .reject:
                    flow.stage = .chooseCode(kind: "reject", codes: ComplaintCodes.rejectReasons.keys.sorted())
                    flow.list = SelectList(title: model.t("不予受理的原因", "Reason"), options: ComplaintCodes.rejectReasons.keys.sorted().map { ComplaintCodes.rejectReasons[$0] ?? $0 })
                case .terminate:
                    flow.stage = .chooseCode(kind: "terminate", codes: ComplaintCodes.terminateReasons.keys.sorted())
                    flow.list = SelectList(title: model.t("终止原因", "Reason"), options: ComplaintCodes.terminateReasons.keys.sorted().map { ComplaintCodes.terminateReasons[$0] ?? $0 })
                case .forward:
                    flow.stage = .chooseCode(kind: "forward", codes: ComplaintCodes.departments.keys.sorted())
                    flow.list = SelectList(title: model.t("转交部门", "Department"), options: ComplaintCodes.departments.keys.sorted().map { ComplaintCodes.departments[$0] ?? $0 })
                case .followUp:
                    let options = ComplaintAction.Satisfaction.allCases
                    flow.stage = .chooseCode(kind: "follow-up", codes: options.map(\.rawValue))
                    flow.list = SelectList(title: model.t("消费者是否满意", "Satisfaction"), options: options.map { $0.name(model.language) })
                case .resolve:
                    flow.stage = .enterText(kind: "resolve")
                default:
                    return finish(choices[i])
                }
                model.complaintFlow = flow
                return []
            case .none: model.complaintFlow = flow
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
        case .enterText:
            switch key {
            case .escape: model.complaintFlow = nil
            case .enter:
                let outcome = flow.field.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if outcome.isEmpty {
                    model.notice = model.t("请写明调解结果", "write the outcome")
                    return []
                }
                return finish(.resolve(outcome: outcome, amountFen: nil))
            default:
                flow.field.handle(key)
                model.complaintFlow = flow
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
            t("登记：", "Filed: ") + "\(c.filed.date)" + t("　金额：", "   Amount: ") + (c.filed.amountFen.map { "\($0 / 100).\(twoDigits($0 % 100))" } ?? "—"),
            t("消费者：", "Consumer: ") + name + "  " + phone,
            t("诉求：", "Wants: ") + c.filed.wants.map { ComplaintCodes.wants[$0] ?? $0 }.joined(separator: "、"),
            t("内容：", "What happened: ") + c.filed.text,
        ]
        if let rules = market.rules(on: model.today)?.value, let due = c.deadline(rules: rules, calendar: market.calendar) {
            lines.append(t("期限：\(due)", "Due: \(due)") + (c.isOverdue(today: model.today, rules: rules, calendar: market.calendar) ? t("（已逾期）", " (overdue)") : ""))
        }
        if let original = c.duplicateOf { lines.append(t("重复投诉，原投诉：", "duplicate of ") + original) }
        lines.append("")
        lines.append(t("办理经过：", "History:"))
        for entry in c.history {
            let what = entry.action.map { model.language.pick($0.name.zh, $0.name.en) } ?? t("登记", "filed")
            lines.append("  \(entry.date)  \(entry.actor)  \(what) → \(entry.state.name(model.language))  #\(entry.sequence)")
        }
        for (i, line) in lines.prefix(model.size.height - 3).enumerated() {
            grid.put(line, x: 1, y: 2 + i, maxWidth: model.size.width - 2)
        }
        grid.put(t("a 办理 · Esc 返回", "a act · Esc back"), x: 1, y: model.size.height - 2, style: Style(dim: true))
        if let flow = model.complaintFlow {
            switch flow.stage {
            case .enterText:
                let rect = Rect(x: 4, y: model.size.height / 2 - 2, width: model.size.width - 8, height: 5)
                grid.fill(rect)
                grid.box(rect, title: t("调解结果", "Outcome"), style: Style(bold: true))
                grid.cursor = flow.field.render(into: &grid, x: rect.x + 2, y: rect.y + 2, width: rect.width - 4)
            default:
                flow.list.render(into: &grid, footer: t("Enter 确定 · Esc 取消", "Enter ok · Esc cancel"))
            }
        }
    }
}

/// Two digits, zero-padded (for fen).
func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}
