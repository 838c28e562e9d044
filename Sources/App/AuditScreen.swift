import Core
import Terminal

/// One line of the event history.
public struct AuditRow: Sendable, Equatable {
    public var sequence: UInt64
    public var at: String
    public var actor: String
    public var type: String
    /// The shop or receipt the event is about, if any.
    public var subject: String

    public init(sequence: UInt64, at: String, actor: String, type: String, subject: String) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.type = type
        self.subject = subject
    }

    /// What an event is about, for filtering.
    public static func subject(of body: EventBody) -> String {
        switch body {
        case .merchantRegistered(let m): return m.shopNumber
        case .merchantCorrected(let c): return c.merchant.shopNumber
        case .inspectionRecorded(let i): return i.shop
        case .vetoConfirmed(let v): return v.shop
        case .contributionRecorded(let c): return c.shop
        case .complaintFiled(let c): return [c.receipt, c.shop ?? ""].joined(separator: " ").trimmingCharacters(in: .whitespaces)
        case .complaintStep(let s): return s.receipt
        case .complaintDeductionConfirmed(let d): return d.receipt
        case .complaintLinked(let l): return l.receipt
        case .appealFiled(let a): return a.shop
        case .replyPublished(let r): return r.shop
        case .userRegistered(let u): return u.name
        case .branchRegistered(let b): return "branch \(b.number)"
        case .contributionApproved(let a): return "#\(a.target)"
        case .appealDecided(let d): return "#\(d.target)"
        case .withdrawn(let w): return "#\(w.target)"
        case .recordCorrected(let c): return "#\(c.target) " + subject(of: c.record.body)
        case .withdrawalSeconded(let s): return "#\(s.target)"
        default: return ""
        }
    }
}

enum AuditScreen {
    static func rows(_ model: DashboardModel) -> [AuditRow] {
        let all = model.audit ?? []
        let query = TypedCode.fold(model.auditQuery).lowercased()
        guard !query.isEmpty else { return all }
        return all.filter { "\($0.actor) \($0.type) \($0.subject)".lowercased().contains(query) }
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        let t = model.t
        Dashboard.drawTitle(model, right: "", into: &grid)
        guard model.audit != nil else {
            grid.put(t("正在读取记录……", "reading the history…"), x: 1, y: 2)
            return
        }
        grid.put(t("哈希链：", "chain: ") + model.auditChain, x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        let shown = rows(model)
        var table = TableView(
            columns: [TableColumn(title: "#", alignment: .right), TableColumn(title: t("时间 (UTC)", "time (UTC)")),
                      TableColumn(title: t("操作人", "actor"), flexible: true), TableColumn(title: t("事件", "event")),
                      TableColumn(title: t("对象", "subject"), flexible: true)],
            rows: shown.map { ["\($0.sequence)", $0.at, $0.actor, $0.type, $0.subject] }, position: model.auditPosition)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: Rect(x: 1, y: 2, width: model.size.width - 2, height: model.size.height - 3))
    }
}
