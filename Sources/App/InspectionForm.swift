import Core
import Terminal

/// The inspection form (检查记录): one line per checklist item, each passed by default; the
/// inspector marks failures with their severity. Enter records it — all-pass in two keys.
public struct InspectionForm: Sendable, Equatable {
    public enum Mark: Sendable, Equatable {
        case pass, minor, serious, notApplicable
    }

    public let shop: String
    public let items: [ChecklistItem]
    public var marks: [Mark]
    /// What the inspector saw, per item (kept for failures).
    public var notes: [String]
    public var cursor = 0
    /// The inspection's date when it is entered afterwards from paper (nil: today).
    public var date: SimpleDate?
    /// A note or the date being typed.
    public var editing: Editing?
    public var message: String?

    public enum Editing: Sendable, Equatable {
        case note(TextFieldState)
        case date(TextFieldState)
    }

    public init(shop: String, items: [ChecklistItem]) {
        self.shop = shop
        self.items = items
        self.marks = Array(repeating: .pass, count: items.count)
        self.notes = Array(repeating: "", count: items.count)
    }

    public func inspection(by user: User, on today: SimpleDate, checklistVersion: Int) -> Inspection {
        let outcomes = items.indices.map { i -> ItemOutcome in
            let item = items[i]
            let note = notes[i].trimmingCharacters(in: .whitespacesAndNewlines)
            switch marks[i] {
            case .pass: return ItemOutcome(item: item.id, result: .pass)
            case .minor: return ItemOutcome(item: item.id, result: .fail, severity: .minor, note: note.isEmpty ? nil : note)
            case .serious: return ItemOutcome(item: item.id, result: .fail, severity: .serious, note: note.isEmpty ? nil : note)
            case .notApplicable: return ItemOutcome(item: item.id, result: .notApplicable)
            }
        }
        let date = self.date ?? today
        return Inspection(shop: shop, date: date, inspector: user.name, checklistVersion: checklistVersion, outcomes: outcomes)
    }
}

enum InspectionScreen {
    static func handle(_ key: Key, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var form = model.inspectionForm else { return [] }
        form.message = nil
        if let editing = form.editing {
            switch (editing, key) {
            case (_, .escape):
                form.editing = nil
            case (.note(let field), .enter):
                form.notes[form.cursor] = field.text
                form.editing = nil
            case (.date(let field), .enter):
                let text = field.text.trimmingCharacters(in: .whitespaces)
                if let day = SimpleDate(iso: text), day <= model.today {
                    form.date = day == model.today ? nil : day
                    form.editing = nil
                } else {
                    form.message = SimpleDate(iso: text) == nil
                        ? model.t("日期“\(text)”无效，请写成 2026-03-05 这样", "\"\(text)\" is not a date; write it like 2026-03-05")
                        : model.t("检查日期不能晚于今天（\(model.today)）", "the date cannot be after today (\(model.today))")
                }
            case (.note(var field), _):
                field.handle(key)
                form.editing = .note(field)
            case (.date(var field), _):
                field.handle(key)
                form.editing = .date(field)
            }
            model.inspectionForm = form
            return []
        }
        switch key {
        case .character("n"):
            guard form.marks[form.cursor] == .minor || form.marks[form.cursor] == .serious else {
                form.message = model.t("备注写在不合格项上：先按 2 或 3", "notes go with failures: press 2 or 3 first")
                break
            }
            form.editing = .note(TextFieldState(text: form.notes[form.cursor], limit: 200))
        case .character("d"):
            form.editing = .date(TextFieldState(text: (form.date ?? model.today).description, limit: 10))
        case .down, .character("j"): form.cursor = min(form.items.count - 1, form.cursor + 1)
        case .up, .character("k"): form.cursor = max(0, form.cursor - 1)
        case .character("1"): form.marks[form.cursor] = .pass
        case .character("2"): form.marks[form.cursor] = .minor
        case .character("3"): form.marks[form.cursor] = .serious
        case .character("4"): form.marks[form.cursor] = .notApplicable
        case .character(" "):
            let cycle: [InspectionForm.Mark] = [.pass, .minor, .serious, .notApplicable]
            let i = cycle.firstIndex(of: form.marks[form.cursor]) ?? 0
            form.marks[form.cursor] = cycle[(i + 1) % cycle.count]
        case .escape:
            return Confirm.discardInspection(&model)
        case .character("?"):
            model.showHelp = true
            return []
        case .enter:
            guard let user = model.user else { return [] }
            model.inspectionForm = nil
            model.notice = model.t("检查已提交", "inspection submitted")
            let version = model.market?.checklist?.version ?? 0
            return [.record(.inspectionRecorded(form.inspection(by: user, on: model.today, checklistVersion: version)), by: user)]
        default:
            return []
        }
        model.inspectionForm = form
        return []
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard let form = model.inspectionForm, let market = model.market, let merchant = market.merchant(shopNumber: form.shop) else { return }
        let t = model.t
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        let day = form.date ?? model.today
        grid.put(t(" 记录检查：\(merchant.shopNumber) \(merchant.name)  \(day)", " Inspection: \(merchant.shopNumber) \(merchant.name)  \(day)")
                 + (form.date == nil ? "" : t("（补录）", " (entered afterwards)")), x: 0, y: 0, style: bar)
        let rules = market.rules(on: model.today)?.value
        // Rows: title, blank, the items, a message row, the field being typed, the keys, the status bar.
        let visible = model.size.height - 6
        let offset = max(0, min(form.cursor - visible / 2, form.items.count - visible))
        var uncertain: [Deadline] = []
        for (row, i) in (offset..<min(form.items.count, offset + visible)).enumerated() {
            let item = form.items[i]
            let mark = form.marks[i]
            let label: String
            var style: Style = .plain
            switch mark {
            case .pass: label = t("合格", "pass")
            case .notApplicable: label = t("不适用", "n/a"); style = Style(dim: true)
            case .minor, .serious:
                let severity: Severity = mark == .minor ? .minor : .serious
                let days = rules.map { severity == .minor ? $0.rectificationDays.minor : $0.rectificationDays.serious } ?? 0
                let opened = form.date ?? model.today
                let due = market.calendar.deadline(days, after: opened)
                if !due.isCertain { uncertain.append(due) }
                label = t("不合格（\(severity.chineseName)）整改期限 \(due)", "failed (\(severity.rawValue)), rectify by \(due)")
                    + (due.isCertain ? "" : t("（估）", " (est.)"))
                    + (form.notes[i].isEmpty ? "" : " ✎")

                style = model.theme.warning
            }
            if i == form.cursor { style.reverse = true }
            let text = TextLayout.fit("\(item.id) \(item.text)", width: max(10, model.size.width - 40)) + "  " + label
            grid.put(text, x: 1, y: 2 + row, maxWidth: model.size.width - 2, style: style)
        }
        let fails = form.marks.filter { $0 == .minor || $0 == .serious }.count
        let y = model.size.height - 3
        if let message = form.message {
            grid.put(message, x: 1, y: y - 1, maxWidth: model.size.width - 2, style: model.theme.warning)
        } else if let warning = Deadline.warning(for: uncertain) {
            grid.put(t("估：", "est.: ") + warning.text(model.language), x: 1, y: y - 1, maxWidth: model.size.width - 2, style: model.theme.warning)
        }
        switch form.editing {
        case .note(let field)?:
            let label = t("备注：", "Note: ")
            grid.put(label, x: 1, y: y, style: Style(bold: true))
            grid.cursor = field.render(into: &grid, x: 1 + DisplayWidth.of(label), y: y, width: model.size.width - 4 - DisplayWidth.of(label), style: Style(underline: true))
        case .date(let field)?:
            let label = t("检查日期：", "Date: ")
            grid.put(label, x: 1, y: y, style: Style(bold: true))
            grid.cursor = field.render(into: &grid, x: 1 + DisplayWidth.of(label), y: y, width: 12, style: Style(underline: true))
            grid.put(t("  Enter 确定 · Esc 取消", "  Enter ok · Esc cancel"), x: 14 + DisplayWidth.of(label), y: y, style: Style(dim: true))
        case nil:
            if form.items.indices.contains(form.cursor), !form.notes[form.cursor].isEmpty {
                grid.put(TextLayout.truncate(t("备注：", "Note: ") + form.notes[form.cursor], toWidth: model.size.width - 2), x: 1, y: y)
            }
        }
        grid.put(TextLayout.truncate(t("1合格 2一般 3严重 4不适用 · n备注 · d日期 · Enter 记录（\(fails) 项不合格）· Esc 放弃",
                                       "1 pass 2 minor 3 serious 4 n/a · n note · d date · Enter record (\(fails) failed) · Esc cancel"), toWidth: model.size.width - 2),
                 x: 1, y: model.size.height - 2, maxWidth: model.size.width - 2, style: Style(dim: true))
    }
}
