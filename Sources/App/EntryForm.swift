import Core
import Foundation
import Reports
import Terminal

/// A small form over the current screen for one record: contribution points, a reply, an
/// appeal, an appeal's decision, a complaint's resolution, a duplicate link, a deduction, an
/// approval. Enter submits; the entry is checked against the market at once (the same check the
/// log runs under its lock), and a refusal stays in the form with its reason.
public struct EntryForm: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        case points(shop: String)
        case reply(shop: String, year: Int)
        case appeal(shop: String, year: Int)
        case decideAppeal(target: UInt64)
        case approvePoints(target: UInt64)
        case resolve(receipt: String)
        case linkDuplicate(receipt: String)
        case confirmDeduction(receipt: String)
        /// A withdrawal of one of the shop's records that count (a second person confirms it).
        case withdrawRecord(shop: String)
        /// A complaint's latest step taken back (its record number), at once.
        case withdrawStep(receipt: String, target: UInt64)
        /// The second of a proposed withdrawal or correction (its record number).
        case secondAmendment(target: UInt64)
        /// A panel member's approval of one of a member's ledger entries: the branch's panel, the
        /// first waiting entry, and the member behind the account (chosen at first if on the panel).
        case approveLedger(member: String, panel: [String], first: UInt64, own: String?)
        /// A file for others: the format, and personal data in full for a manager.
        case export(ExportKind)
    }

    public var purpose: Purpose
    public var title: String
    /// Lines shown above the fields (what is being decided or approved), and again in the
    /// question before it is recorded.
    public var summary: [String]
    /// How to fill the form in, shown under the summary (not part of what is recorded).
    public var note: [String] = []
    public var form: Form
    /// Why the last attempt was refused.
    public var refusal: String?

    static let pointKinds: [ContributionKind] = [.development, .service, .harmony]

    /// The form for `purpose`, with its fields in the model's language.
    static func make(_ purpose: Purpose, _ model: DashboardModel) -> EntryForm {
        let t = model.t
        let market = model.market
        func line(_ label: String, limit: Int = 200, text: String = "", required: Bool = true) -> Form.Field {
            Form.Field(label: label, input: .line(TextFieldState(text: text, limit: limit)), required: required)
        }
        func shopName(_ shop: String) -> String { "\(shop) \(market?.merchant(shopNumber: shop)?.name ?? "")" }
        /// "投诉 K7QX-9M2A · A101 鉴明镜架批发部"
        func complaint(_ receipt: String) -> String {
            t("投诉 ", "Complaint ") + receipt + (market?.complaints.shopAndIntegrity(receipt)?.shop.map { " · " + shopName($0) } ?? "")
        }
        switch purpose {
        case .points(let shop):
            // The most one entry may carry: the rules' contribution cap (as the check has it).
            let cap = market?.contributionEntryCap(on: model.today) ?? 40
            var form = Form(fields: [
                Form.Field(label: t("类别", "Kind"), input: .choice(pointKinds.map { $0.name(model.language) }, selected: 0)),
                line(t("分值（1–\(cap)）", "Points (1–\(cap))"), limit: 3),
                line(t("依据", "Evidence"), limit: 300),
                line(t("日期", "Date"), limit: 10, text: model.today.description),
            ])
            // The points are typed first, so that nothing typed at once is lost on the kind's
            // selector (Shift-Tab reaches the kind; Tab comes round to it after the date).
            form.focus = 1
            return EntryForm(purpose: purpose, title: t("登记贡献分", "Contribution points"),
                             summary: [shopName(shop)], note: [t("登记后须由另一人审批才计入星级。", "They count once someone else approves them.")],
                             form: form)
        case .reply(let shop, let year):
            let current = market?.replies[shop]?[year]?.value.text ?? ""
            return EntryForm(purpose: purpose, title: t("商户回应（\(year) 年度星级）", "The shop's reply (\(year) rating)"),
                             summary: [shopName(shop)], note: [t("回应与星级一同公示。", "Shown beside the rating on the public board.")],
                             form: Form(fields: [line(t("回应", "Reply"), limit: 500, text: current)]))
        case .appeal(let shop, let year):
            return EntryForm(purpose: purpose, title: t("申请复核（\(year) 年度星级）", "Appeal (\(year) rating)"),
                             summary: [shopName(shop)], note: [t("须在公示后规定的工作日内提出；由未参与检查的管理人员决定。", "Within the window after publication; decided by someone not involved.")],
                             form: Form(fields: [line(t("理由", "Reason"), limit: 500), line(t("收到日期", "Received on"), limit: 10, text: model.today.description)]))
        case .decideAppeal(let target):
            let appeal = market?.appeals.values.joined().first { $0.sequence == target }
            return EntryForm(purpose: purpose, title: t("复核决定", "Decide the appeal"),
                             summary: appeal.map { [shopName($0.filed.shop) + t("  \($0.filed.year) 年度  申请人 \($0.filedBy)", "  \($0.filed.year)  filed by \($0.filedBy)"), t("理由：", "Reason: ") + $0.filed.reason] } ?? [],
                             form: Form(fields: [
                                 Form.Field(label: t("决定", "Outcome"), input: .choice([AppealDecided.Outcome.upheld, .revised].map { $0.name(model.language) }, selected: 0)),
                                 line(t("说明", "Reason"), limit: 500),
                             ]))
        case .approvePoints(let target):
            let entry = market?.contributions.entry(recordedBy: target)
            return EntryForm(purpose: purpose, title: t("审批贡献分", "Approve contribution points"),
                             summary: entry.map { [shopName($0.entry.shop), "\($0.entry.kind.name(model.language)) +\($0.entry.points)  \($0.entry.date)  " + t("登记人 ", "entered by ") + $0.enteredBy,
                                                   t("依据：", "Evidence: ") + $0.entry.evidence] } ?? [],
                             form: Form(fields: []))
        case .resolve(let receipt):
            // Whether the complaint was found true starts unchosen: Enter asks for it rather than
            // record a finding nobody picked.
            let findings = [true, false].map { ComplaintAction.finding(upheld: $0) }.map { model.language.pick($0.zh, $0.en) }
            return EntryForm(purpose: purpose, title: t("调解结果", "Outcome"),
                             summary: [complaint(receipt)],
                             note: [t("是否属实须选定（←/→）：只有属实的投诉才能确认扣分。", "Say whether it was found true (←/→): only an upheld complaint can cost points.")],
                             form: Form(fields: [line(t("结果", "Outcome")), line(t("金额（元，可空）", "Amount (yuan, optional)"), limit: 12, required: false),
                                                 Form.Field(label: t("是否属实", "Upheld"), input: .choice(findings, selected: Form.noChoice), required: true)]))
        case .linkDuplicate(let receipt):
            return EntryForm(purpose: purpose, title: t("标为重复投诉", "Mark as a duplicate"), summary: [complaint(receipt)],
                             form: Form(fields: [line(t("原投诉编号", "Original receipt"), limit: 12)]))
        case .export(let kind):
            let what = [ExportKind.merchants: t("商户名册", "shops"), .complaints: t("投诉", "complaints"), .inspections: t("检查", "inspections")][kind] ?? kind.rawValue
            var fields = [Form.Field(label: t("格式", "Format"), input: .choice([t("CSV（Excel 可直接打开）", "CSV (opens in Excel)"), "JSON"], selected: 0))]
            if model.user?.role == .manager {
                fields.append(Form.Field(label: t("个人信息", "Personal data"), input: .choice([t("打码", "masked"), t("完整（文件仅本人可读）", "in full (file readable by you only)")], selected: 0)))
            }
            return EntryForm(purpose: purpose, title: t("导出\(what)", "Export \(what)"),
                             summary: [t("导出全部\(what)到文件夹 ~/chengxin-exports/（文件名含日期）。", "All \(what) to ~/chengxin-exports/ (the file name has the date)."),
                                       t("表格中以 = + - @ 开头的内容会加撇号，防止被当作公式。", "Cells starting with = + - @ get an apostrophe so they are never run as formulas.")],
                             form: Form(fields: fields))
        case .withdrawRecord(let shop):
            return EntryForm(purpose: purpose, title: t("撤回记录", "Withdraw a record"),
                             summary: [shopName(shop)],
                             note: [t("检查、贡献分、投诉扣分或一票否决，记录号见商户页（#）。", "An inspection, points entry, deduction or veto; record numbers are on the shop page (#)."),
                                       t("原记录保留；另一人复核确认后才不再计分。", "The record stays; it stops counting once someone else seconds the withdrawal.")],
                             form: Form(fields: [line(t("记录号", "Record number"), limit: 12), line(t("原因", "Reason"), limit: 500)]))
        case .withdrawStep(let receipt, let target):
            let step = market?.complaints[receipt]?.history.last { $0.sequence == target }
            let what = step?.action.map { model.language.pick($0.name.zh, $0.name.en) } ?? ""
            return EntryForm(purpose: purpose, title: t("撤回最后一步", "Withdraw the latest step"),
                             summary: [t("投诉 ", "Complaint ") + receipt + "  #\(target)  " + (step.map { "\($0.date)  \($0.actor)  " } ?? "") + what,
                                       t("投诉回到这一步之前的状态；原记录保留，办理经过中注明已撤回。", "The case goes back to where it was before; the step stays in its history, marked withdrawn.")],
                             form: Form(fields: [line(t("原因", "Reason"), limit: 500)]))
        case .secondAmendment(let target):
            let proposal = market?.withdrawalsProposed[target]
            let corrected = proposal?.isCorrection == true
            var summary: [String] = []
            if let proposal, let market {
                summary.append((corrected ? t("更正", "Correction of") : t("撤回", "Withdrawal of")) + t(" 记录 #\(proposal.target)", " record #\(proposal.target)")
                               + (market.shopOfRatingRecord(proposal.target).map { "  " + shopName($0) } ?? ""))
                summary.append(t("提出人 ", "proposed by ") + proposal.actor + t("  原因：", "  reason: ") + proposal.reason)
                let original = market.ledgerEntry(proposal.target).map { ReviewItem.describeLedger($0.record, model.language) + "（\($0.record.member)）" }
                summary += [t("原记录：", "Original: ") + (original ?? ReviewItem.describe(market.ratingRecord(proposal.target), model.language))]
                if corrected { summary.append(t("更正为：", "Corrected to: ") + ReviewItem.describe(market.ratingRecord(target), model.language)) }
            }
            summary.append(t("确认后即日生效；已公示的星级只能经复核决定更改。", "It counts from now on; a published rating changes only through an appeal's decision."))
            return EntryForm(purpose: purpose, title: corrected ? t("复核确认更正", "Second the correction") : t("复核确认撤回", "Second the withdrawal"),
                             summary: summary, form: Form(fields: []))
        case .approveLedger(let id, let panel, let first, let own):
            let member = market?.members[id]
            let year = model.today.year
            let waiting = market.flatMap { market in member.map { MembersScreen.waitingEntries(market, member: $0, year: year) } } ?? []
            let names = panel.map { p in market?.members[p].map { "\($0.name)（\(p)）" } ?? p }
            return EntryForm(purpose: purpose, title: t("考评小组审批积分", "The panel's approval"),
                             summary: [(member.map { "\($0.name)（\(id)）" } ?? id) + t("：待审批 \(waiting.count) 条", ": \(waiting.count) waiting")]
                                + waiting.prefix(3).map { "#\($0.sequence)  " + ReviewItem.describeLedger($0.record, model.language) },
                             note: [t("本人账户审批，或由管理方、本支部书记代录小组成员的意见；过半数同意后计入。", "By the member's own account, or the panel's vote recorded by a manager or the branch's secretary; it counts once a majority approved it.")],
                             form: Form(fields: [line(t("记录号", "Record number"), limit: 12, text: String(first)),
                                                 Form.Field(label: t("小组成员", "Panel member"), input: .choice(names, selected: own.flatMap { panel.firstIndex(of: $0) } ?? 0))]))
        case .confirmDeduction(let receipt):
            return EntryForm(purpose: purpose, title: t("确认扣分", "Confirm the deduction"),
                             summary: [complaint(receipt), t("确认后按规则计入该商户本年度星级。", "It then counts in the shop's rating by the rules.")],
                             form: Form(fields: [Form.Field(label: t("程度", "Severity"), input: .choice([Severity.minor, .serious].map { $0.name(model.language) }, selected: 0))]))
        }
    }

    /// What was entered, a line per field with something in it ("原因：…"), for the question
    /// before recording it or throwing it away.
    func entered(_ language: Language) -> [String] {
        form.fields.filter { !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.map { $0.label + language.pick("：", ": ") + $0.value }
    }

    func choice(_ i: Int) -> Int {
        if case .choice(_, let selected) = form.fields[i].input { return selected }
        return 0
    }

    private func text(_ i: Int) -> String {
        form.fields[i].value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The event this form records, or why the fields are not yet right.
    func body(today: SimpleDate) -> Result<EventBody, LocalizedMessage> {
        func date(_ i: Int) -> Result<SimpleDate, LocalizedMessage> {
            guard let d = SimpleDate(iso: text(i)) else {
                return .failure(LocalizedMessage(zh: "日期“\(text(i))”无效，请写成 2026-03-05 这样", en: "\"\(text(i))\" is not a date; write it like 2026-03-05"))
            }
            return .success(d)
        }
        switch purpose {
        case .points(let shop):
            guard let points = Int(text(1)) else {
                return .failure(LocalizedMessage(zh: "分值应为整数，现为“\(text(1))”", en: "points must be a whole number, got \"\(text(1))\""))
            }
            return date(3).map { .contributionRecorded(ContributionRecorded(shop: shop, kind: Self.pointKinds[choice(0)], points: points, date: $0, evidence: text(2))) }
        case .reply(let shop, let year):
            return .success(.replyPublished(ReplyPublished(shop: shop, year: year, text: text(0))))
        case .appeal(let shop, let year):
            return date(1).map { .appealFiled(AppealFiled(shop: shop, year: year, reason: text(0), date: $0)) }
        case .decideAppeal(let target):
            return .success(.appealDecided(AppealDecided(target: target, outcome: choice(0) == 0 ? .upheld : .revised, reason: text(1), date: today)))
        case .approvePoints(let target):
            return .success(.contributionApproved(ContributionApproved(target: target)))
        case .resolve(let receipt):
            var amount: Int?
            if !text(1).isEmpty {
                guard let fen = Money.fen(fromYuan: text(1)) else {
                    return .failure(LocalizedMessage(zh: "金额“\(text(1))”无效，请写成 680 或 680.50", en: "\"\(text(1))\" is not an amount; write 680 or 680.50"))
                }
                amount = fen
            }
            let upheld: Bool
            switch choice(2) {
            case 0: upheld = true
            case 1: upheld = false
            default: return .failure(LocalizedMessage(zh: "请选择投诉是否属实", en: "say whether the complaint was upheld"))
            }
            return .success(.complaintStep(ComplaintStep(receipt: receipt, action: .resolve(outcome: text(0), amountFen: amount, upheld: upheld), date: today)))
        case .linkDuplicate(let receipt):
            return .success(.complaintLinked(ComplaintLinked(receipt: receipt, duplicateOf: ReceiptCode.normalise(text(0)))))
        case .export:
            return .failure(LocalizedMessage(zh: "导出不是一条记录", en: "an export is not a record"))
        case .withdrawRecord:
            guard let target = UInt64(TypedCode.normalise(text(0)).trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
                return .failure(LocalizedMessage(zh: "记录号应为数字（如 1234），现为“\(text(0))”", en: "a record number is a number (like 1234), got \"\(text(0))\""))
            }
            return .success(.withdrawn(Withdrawal(target: target, reason: text(1))))
        case .withdrawStep(_, let target):
            return .success(.withdrawn(Withdrawal(target: target, reason: text(0))))
        case .secondAmendment(let target):
            return .success(.withdrawalSeconded(WithdrawalSeconded(target: target)))
        case .approveLedger(_, let panel, _, _):
            guard let target = UInt64(TypedCode.normalise(text(0)).trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
                return .failure(LocalizedMessage(zh: "记录号应为数字（如 1234），现为“\(text(0))”", en: "a record number is a number (like 1234), got \"\(text(0))\""))
            }
            return .success(.pointsApproved(PointsApproved(target: target, member: panel.indices.contains(choice(1)) ? panel[choice(1)] : "")))
        case .confirmDeduction(let receipt):
            return .success(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: receipt, severity: choice(0) == 0 ? .minor : .serious, date: today)))
        }
    }
}

enum EntryScreen {
    /// Opens the form for `purpose`; one with nothing to fill in (an approval, a second) goes
    /// straight to the question of what will be recorded.
    static func open(_ purpose: EntryForm.Purpose, _ model: inout DashboardModel) {
        model.entry = EntryForm.make(purpose, model)
        if model.entry?.form.fields.isEmpty == true { submit(&model) }
    }

    /// The form's keys (its table in Dashboard.swift).
    static func perform(_ action: DashboardAction, key: Key?, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var entry = model.entry else { return [] }
        switch action {
        case .back:
            // An export records nothing and loses nothing: it goes at once.
            if case .export = entry.purpose {
                model.entry = nil
            } else {
                Confirm.discard(.discardEntry, entered: entry.form.hasChanges, what: entry.entered(model.language), &model)
            }
        case .nextField:
            entry.form.focusNext()
            model.entry = entry
        case .previousField:
            entry.form.focusPrevious()
            model.entry = entry
        case .type:
            guard let key else { break }
            entry.form.handle(key)
            entry.refusal = nil
            model.entry = entry
        case .confirm:
            return submit(&model)
        default: break
        }
        return []
    }

    /// Enter: the fields checked, then the record checked against the market as the log will
    /// check it, then the question showing what will be recorded; a refusal stays in the form.
    @discardableResult
    static func submit(_ model: inout DashboardModel) -> [DashboardEffect] {
        guard var entry = model.entry, let user = model.user else { return [] }
        guard entry.form.validate(requiredMessage: model.t("必填", "required")) else {
            model.entry = entry
            return []
        }
        if case .export(let kind) = entry.purpose {
            model.entry = nil
            model.exportProgress = ExportProgress(done: 0, total: 0)
            return [.export(kind, entry.choice(0) == 0 ? .csv : .json, withPersonalData: entry.form.fields.count > 1 && entry.choice(1) == 1, by: user)]
        }
        switch entry.body(today: model.today) {
        case .failure(let problem):
            entry.refusal = problem.text(model.language)
            model.entry = entry
        case .success(let body):
            do throws(LocalizedMessage) {
                try Confirm.record(body, title: entry.title, what: entry.summary + entry.entered(model.language),
                                   notice: model.t("已提交：", "submitted: ") + entry.title, &model)
                // Nothing was typed into a form without fields: "no" goes back to the list.
                model.entry = entry.form.fields.isEmpty ? nil : entry
            } catch {
                entry.refusal = error.text(model.language)
                model.entry = entry
            }
        }
        return []
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard var entry = model.entry else { return }
        let width = min(model.size.width - 2, 90)
        let fieldRows = entry.form.fields.count + entry.form.fields.filter { $0.message != nil }.count
        let refusal = entry.refusal.map { TextLayout.wrap($0, width: width - 4) } ?? []
        // Border, summary, a blank line, the fields, the refusal, a blank line, the keys, border.
        let height = min(model.size.height - 2, 5 + entry.summary.count + entry.note.count + fieldRows + refusal.count)
        let rect = Rect(x: (model.size.width - width) / 2, y: max(1, (model.size.height - height) / 2), width: width, height: height)
        grid.fill(rect)
        grid.box(rect, title: entry.title, style: Style(bold: true))
        var y = rect.y + 1
        for line in entry.summary + entry.note {
            grid.put(line, x: rect.x + 2, y: y, maxWidth: width - 4)
            y += 1
        }
        y += 1
        grid.cursor = entry.form.render(into: &grid, rect: Rect(x: rect.x + 2, y: y, width: width - 4, height: fieldRows))
        y += fieldRows
        for (i, line) in refusal.enumerated() {
            grid.put(line, x: rect.x + 2, y: y + i, maxWidth: width - 4, style: model.theme.warning)
        }
        // The form's keys from its table: Tab only between two fields or more, ←→ only with a choice.
        let choices = entry.form.fields.contains { if case .choice = $0.input { return true } else { return false } }
        let keys = Dashboard.footer(.entry, model.language) { binding in
            switch binding.action {
            case .nextField: return entry.form.fields.count > 1
            case .type: return choices
            default: return true
            }
        }
        grid.put(keys,
                 x: rect.x + 2, y: rect.y + height - 2, maxWidth: width - 4, style: Style(dim: true))
    }
}
