import Core
import Terminal

/// One line of the event history.
public struct AuditRow: Sendable, Equatable {
    public var sequence: UInt64
    /// When, as the event stores it (UTC); shown in the market's time.
    public var at: String
    public var actor: String
    /// The type's code (`complaint.step`): filtered on, not shown.
    public var type: String
    /// What happened, as people call it (`EventBody.name`): shown.
    public var name: LocalizedMessage
    /// The shop or receipt the event is about, if any.
    public var subject: String

    /// `name`: nil for the type's name from `EventBody.names` (or its code when it has none).
    public init(sequence: UInt64, at: String, actor: String, type: String, subject: String, name: LocalizedMessage? = nil) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.type = type
        self.subject = subject
        self.name = name ?? EventBody.names[type] ?? LocalizedMessage(zh: type, en: type)
    }

    /// The row of an event read from the log.
    public init(sequence: UInt64, event: Event) {
        self.init(sequence: sequence, at: event.at, actor: event.actor, type: event.type, subject: Self.subject(of: event.body), name: event.body.name)
    }

    /// The time shown: the market's (China Standard Time), or the text as stored if it is not a time.
    public var marketTime: String { Event.marketTime(at) ?? at }

    /// What an event is about, for filtering.
    public static func subject(of body: EventBody) -> String {
        switch body {
        case .merchantRegistered(let m): return m.shopNumber
        case .merchantCorrected(let c): return c.merchant.shopNumber
        case .memberRegistered(let m): return m.id + " " + m.shops.joined(separator: " ")
        case .memberCorrected(let c): return "#\(c.target) " + c.member.id
        case .panelNamed(let p): return "\(p.branch) \(p.year) " + p.members.joined(separator: " ")
        case .pointsDeducted(let d): return d.member + " " + d.item
        case .pointsContributed(let c): return c.member
        case .pointsAppraised(let a): return a.member
        case .pointsApproved(let a): return "#\(a.target) " + a.member
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
        var all = model.audit ?? []
        if let selection = model.auditRecords { all = all.filter { selection.sequences.contains($0.sequence) } }
        let query = TypedCode.fold(model.auditQuery).lowercased()
        guard !query.isEmpty else { return all }
        // By who, by what (the name in either language, or the type's code), by shop or receipt.
        return all.filter { "\($0.actor) \($0.type) \($0.name.zh) \($0.name.en) \($0.subject)".lowercased().contains(query) }
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        let t = model.t
        Dashboard.drawTitle(model, right: "", into: &grid)
        guard model.audit != nil else {
            grid.put(t("正在读取记录……", "reading the history…"), x: 1, y: 2)
            return
        }
        let shown = rows(model)
        let limit = model.auditRecords.map { t("依据：\($0.title)（\(shown.count) 条，\(Dashboard.keyName(.clearFilter, in: .screen(.audit))) 显示全部）  ", "behind \($0.title) (\(shown.count); \(Dashboard.keyName(.clearFilter, in: .screen(.audit))) shows all)  ") } ?? ""
        grid.put(limit + t("哈希链：", "chain: ") + model.auditChain, x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        var table = TableView(
            columns: [TableColumn(title: "#", alignment: .right), TableColumn(title: t("时间（北京时间）", "time (UTC+8)")),
                      TableColumn(title: t("操作人", "actor"), flexible: true), TableColumn(title: t("事件", "event"), flexible: true),
                      TableColumn(title: t("对象", "subject"), flexible: true)],
            rows: shown.map { ["\($0.sequence)", $0.marketTime, $0.actor, $0.name.text(model.language), $0.subject] }, position: model.auditPosition)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: DashboardLayout.tableUnderLine(model.size))
    }
}
