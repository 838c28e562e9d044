import Core
import Terminal

/// The one question the dashboard asks before something a slip must not do: recording an event
/// (the log is append-only: a record stays, and is set right only by a withdrawal or a correction
/// that someone else seconds) and throwing away what someone typed into a form. It shows what will
/// be recorded or lost; 否 (no) is highlighted, so Enter pressed once too often records nothing.
/// Every screen asks through `Confirm`; its keys are the confirmation's table in Dashboard.swift.
public struct Confirmation: Sendable, Equatable {
    public enum Then: Sendable, Equatable {
        /// Record the event as the user logged in, then show `notice`.
        case record(EventBody, notice: String)
        /// Throw away the form over the screen.
        case discardEntry
        /// Throw away the inspection being entered.
        case discardInspection
    }

    public var dialog: ConfirmDialog
    public var then: Then
}

enum Confirm {
    /// Asks before recording `body` (`what`: the lines saying what will be recorded), once the
    /// record has passed the check the log makes again under its lock; throws that check's refusal.
    static func record(_ body: EventBody, title: String, what: [String], notice: String, _ model: inout DashboardModel) throws(LocalizedMessage) {
        guard let user = model.user, let market = model.market else {
            throw LocalizedMessage(zh: "需要先登录", en: "log in first")
        }
        try market.validate(body, by: user, today: model.today)
        let t = model.t
        let who = t("记录人：\(user.displayName)（\(user.name)）  日期：\(model.today)", "recorded by \(user.displayName) (\(user.name)) on \(model.today)")
        model.confirmation = Confirmation(
            dialog: ConfirmDialog(title: t("确认记录：", "Record: ") + title,
                                  message: t("日志只增不删：记下后不能删除，记错了只能另行撤回或更正。", "The log only grows: a mistake is withdrawn or corrected, never erased."),
                                  details: what + [who],
                                  yes: t("记录（\(key(.yes))）", "Record (\(key(.yes)))"), no: t("返回（\(key(.no))）", "Back (\(key(.no)))")),
            then: .record(body, notice: notice))
    }

    /// Esc on a form: with something entered (`what` says what), asks before throwing it away;
    /// with nothing entered, it goes at once.
    static func discard(_ then: Confirmation.Then, entered: Bool, what: [String], _ model: inout DashboardModel) {
        guard entered else {
            finish(then, &model)
            return
        }
        let t = model.t
        model.confirmation = Confirmation(
            dialog: ConfirmDialog(title: t("放弃填写的内容？", "Discard what was entered?"),
                                  message: t("放弃后这些内容不会保存。", "It will not be kept."),
                                  details: what,
                                  yes: t("放弃（\(key(.yes))）", "Discard (\(key(.yes)))"), no: t("继续填写（\(key(.no))）", "Keep editing (\(key(.no)))")),
            then: then)
    }

    /// Esc on the inspection form (InspectionForm.swift): asks when an item is marked other than
    /// passed, a note written or the date changed.
    static func discardInspection(_ model: inout DashboardModel) -> [DashboardEffect] {
        guard let form = model.inspectionForm else { return [] }
        let t = model.t
        var what: [String] = []
        let marked = form.items.indices.filter { form.marks[$0] != .pass }
        if !marked.isEmpty {
            what.append(t("已标记：", "Marked: ") + marked.map { i -> String in
                let mark: String
                switch form.marks[i] {
                case .pass: mark = ""
                case .minor: mark = t("一般", "minor")
                case .serious: mark = t("严重", "serious")
                case .notApplicable: mark = t("不适用", "n/a")
                }
                return "\(form.items[i].id)（\(mark)）"
            }.joined(separator: " "))
        }
        let notes = form.notes.filter { !$0.isEmpty }.count
        if notes > 0 { what.append(t("备注 \(notes) 条", "\(notes) notes")) }
        if let date = form.date { what.append(t("检查日期：\(date)", "date: \(date)")) }
        discard(.discardInspection, entered: !what.isEmpty, what: what, &model)
        return []
    }

    /// The question's keys (its table in Dashboard.swift).
    static func perform(_ action: DashboardAction, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var confirmation = model.confirmation else { return [] }
        let yes: Bool
        switch action {
        case .yes: yes = true
        case .no: yes = false
        case .confirm: yes = confirmation.dialog.yesSelected
        case .toggleAnswer:
            confirmation.dialog.toggle()
            model.confirmation = confirmation
            return []
        default: return []
        }
        model.confirmation = nil
        // No: back to where the question was asked, the form or the menu as they were.
        return yes ? finish(confirmation.then, &model) : []
    }

    @discardableResult
    private static func finish(_ then: Confirmation.Then, _ model: inout DashboardModel) -> [DashboardEffect] {
        switch then {
        case .record(let body, let notice):
            guard let user = model.user else { return [] }
            model.entry = nil
            model.complaintFlow = nil
            model.inspectionForm = nil
            model.notice = notice
            return [.record(body, by: user)]
        case .discardEntry:
            model.entry = nil
        case .discardInspection:
            model.inspectionForm = nil
        }
        return []
    }

    private static func key(_ action: DashboardAction) -> String {
        Dashboard.keyName(action, in: .confirmation)
    }
}
