import Core
import Terminal

/// The inspection form (检查记录): one line per checklist item, each passed by default; the
/// inspector marks failures with their severity. Enter shows what will be recorded in the one
/// shared question (Confirmation.swift) and `y` records it — all-pass in three keys from the shop
/// page (i, Enter, y). On a re-inspection the items under rectification
/// come first, marked; any item is reached by typing its code (PRI-2, or p2), its number in the
/// list or words of its text.
public struct InspectionForm: Sendable, Equatable {
    public enum Mark: Sendable, Equatable {
        case pass, minor, serious, notApplicable
    }

    public let shop: String
    /// The checklist's items, in the checklist's order (the order they are recorded in).
    public let items: [ChecklistItem]
    /// Per item, in `items`' order.
    public var marks: [Mark]
    /// What the inspector saw, per item (kept for failures).
    public var notes: [String]
    /// The shop's open rectifications of items on this checklist, earliest deadline first: their
    /// items are listed first and marked. Passing such an item ends its rectification.
    public let rectifications: [Rectification]
    /// The items in the order shown: under rectification first, then the rest in checklist order
    /// (indices into `items`).
    public let rows: [Int]
    /// The selected line, as an index into `rows`.
    public var cursor = 0
    /// The inspection's date when it is entered afterwards from paper (nil: today).
    public var date: SimpleDate?
    /// A note, the date or the item to go to being typed.
    public var editing: Editing?
    public var message: String?

    public enum Editing: Sendable, Equatable {
        case note(TextFieldState)
        case date(TextFieldState)
        /// The item to go to (a code, a number in the list or words), and the line the cursor
        /// left (Esc goes back to it).
        case find(TextFieldState, from: Int)
    }

    /// The marks the form opens with: passed, or not applicable for an item that does not apply
    /// to the shop (the 亮身份 items at an ordinary shop, `ChecklistItem.applies`).
    public let defaults: [Mark]

    public init(shop: String, items: [ChecklistItem], rectifications: [Rectification] = [], merchant: Merchant? = nil) {
        self.shop = shop
        self.items = items
        self.defaults = items.map { $0.defaultOutcome(at: merchant).result == .notApplicable ? .notApplicable : .pass }
        self.marks = defaults
        self.notes = Array(repeating: "", count: items.count)
        let listed = Set(items.map(\.id))
        let open = rectifications.filter { $0.closedOn == nil && listed.contains($0.item) }
            .sorted { ($0.deadline, $0.item) < ($1.deadline, $1.item) }
        self.rectifications = open
        let first = open.compactMap { r in items.firstIndex { $0.id == r.item } }
        self.rows = first + items.indices.filter { !first.contains($0) }
    }

    /// The item on the selected line (an index into `items`).
    public var item: Int { rows[cursor] }

    /// The open rectification of an item, if any.
    public func rectification(of item: Int) -> Rectification? {
        rectifications.first { $0.item == items[item].id }
    }

    /// Whether anything has been entered that Esc would throw away.
    public var hasEntries: Bool {
        marks != defaults || notes.contains { !$0.isEmpty } || date != nil
    }

    /// The items marked failed, in the order shown.
    var failedRows: [Int] { rows.filter { marks[$0] == .minor || marks[$0] == .serious } }

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

    /// The lines (indices into `rows`) that `query` points at, the likeliest first, and whether it
    /// can point nowhere else however it goes on (then the search ends by itself):
    /// - a code: its letters the start of the code's letters, its digits the code's number, dash
    ///   and case as you like — `PRI-2`, `pri2`, `p2`;
    /// - a number in the list (`12`);
    /// - else words of the item's text (`验光`).
    public func find(_ query: String) -> (lines: [Int], complete: Bool) {
        let typed = TypedCode.normalise(query)
        let compact = Self.compactCode(typed)
        guard !compact.isEmpty else { return ([], false) }
        if compact.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int(compact), (1...rows.count).contains(n) else { return ([], false) }
            // Complete when no longer number starts with these digits.
            return ([n - 1], n * 10 > rows.count)
        }
        let (letters, digits) = Self.split(compact)
        if !letters.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let hits = rows.indices.filter { line in
                let code = Self.split(Self.compactCode(items[rows[line]].id))
                return code.letters.hasPrefix(letters) && code.digits.hasPrefix(digits)
            }
            if !hits.isEmpty {
                let exact = hits.filter { Self.split(Self.compactCode(items[rows[$0]].id)).digits == digits }
                return (exact + hits.filter { !exact.contains($0) }, !digits.isEmpty && hits.count == 1 && exact.count == 1)
            }
        }
        let words = typed.lowercased()
        return (rows.indices.filter { items[rows[$0]].text.lowercased().contains(words) }, false)
    }

    /// A code as compared: upper case, without dashes, dots and spaces.
    static func compactCode(_ code: String) -> String {
        String(code.uppercased().filter { $0 != "-" && $0 != " " && $0 != "." && $0 != "_" })
    }

    /// The shortest way to type a code in the common case: its first letter and its number (p2).
    static func shortCode(_ code: String) -> String {
        let (letters, digits) = split(compactCode(code))
        return letters.prefix(1).lowercased() + digits
    }

    /// The leading letters of a compact code, and the rest.
    static func split(_ compact: String) -> (letters: String, digits: String) {
        let letters = compact.prefix { $0.isASCII && $0.isLetter }
        return (String(letters), String(compact.dropFirst(letters.count)))
    }
}

/// The inspection form's keys and drawing.
enum InspectionScreen {
    enum Command: Equatable {
        case down, up, first, last, mark(InspectionForm.Mark), cycle, note, date, find, record, cancel, help
        /// A letter (or a Chinese character) the table does not list: it starts an item's code
        /// (or words of its text), as `/` followed by that key would.
        case code
    }

    struct Binding {
        var keys: [Key]
        var command: Command
        var zh: String
        var en: String
        /// Typing: the keys `startsCode` takes, rather than keys of its own.
        var typing = false
    }

    /// The form's keys: what dispatches them is what `?` shows. Its typing entry takes a letter
    /// not listed here: it starts typing an item's code (so no code may be reached by a listed
    /// letter in lower case; in upper case every letter starts a code).
    static let table: [Binding] = [
        Binding(keys: [.down, .character("j")], command: .down, zh: "下一项", en: "next item"),
        Binding(keys: [.up, .character("k")], command: .up, zh: "上一项", en: "previous item"),
        Binding(keys: [.home], command: .first, zh: "第一项", en: "first item"),
        Binding(keys: [.end], command: .last, zh: "最后一项", en: "last item"),
        Binding(keys: [.character("/")], command: .find, zh: "跳到某项：编号（p2 即 PRI-2）、序号或文字",
                en: "go to an item: code (p2 for PRI-2), number or words"),
        Binding(keys: [], command: .code, zh: "直接打编号或文字跳到该项：表中没列的字母都是编号的开头",
                en: "type a code or words to go to the item: a letter not listed here starts a code", typing: true),
        Binding(keys: [.character("1")], command: .mark(.pass), zh: "合格", en: "pass"),
        Binding(keys: [.character("2")], command: .mark(.minor), zh: "不合格（一般）", en: "failed (minor)"),
        Binding(keys: [.character("3")], command: .mark(.serious), zh: "不合格（严重）", en: "failed (serious)"),
        Binding(keys: [.character("4")], command: .mark(.notApplicable), zh: "不适用", en: "not applicable"),
        Binding(keys: [.character(" ")], command: .cycle, zh: "依次切换 合格 / 一般 / 严重 / 不适用", en: "cycle pass / minor / serious / n.a."),
        Binding(keys: [.character("n")], command: .note, zh: "给不合格项写备注", en: "a note on a failed item"),
        Binding(keys: [.character("d")], command: .date, zh: "改检查日期（补录纸面记录）", en: "change the date (entering a paper record)"),
        Binding(keys: [.enter], command: .record, zh: "记录检查（先显示要记录的内容，再按 y 确认）", en: "record the inspection (shows what is recorded; y confirms)"),
        Binding(keys: [.escape], command: .cancel, zh: "放弃（已填写时先询问）", en: "cancel (asks first when something was entered)"),
        Binding(keys: [.character("?")], command: .help, zh: "显示或关闭帮助", en: "show or close this help"),
    ]

    /// The table as the dashboard's help shows it.
    static var bindings: [DashboardBinding] {
        table.map { binding in
            let action: DashboardAction
            switch binding.command {
            case .down: action = .moveDown
            case .up: action = .moveUp
            case .first: action = .top
            case .last: action = .bottom
            case .find: action = .search
            case .cancel: action = .back
            case .help: action = .toggleHelp
            case .code: action = .type
            default: action = .confirm
            }
            return DashboardBinding(keys: binding.keys, action: action, zh: binding.zh, en: binding.en, typing: binding.typing)
        }
    }

    /// Whether `key` is one the table's typing entry takes: a letter or a Chinese character (full-width
    /// forms as their ASCII), when the table does not list it.
    static func startsCode(_ key: Key) -> Bool {
        guard case .character(let c) = key, TypedCode.fold(c).isLetter else { return false }
        return !table.contains { $0.keys.contains(key) }
    }

    /// The command `key` finds in the table: a listed key's, else typing's when it starts a code.
    static func command(for key: Key) -> Command? {
        if let binding = table.first(where: { $0.keys.contains(key) }) { return binding.command }
        return startsCode(key) ? table.first(where: \.typing)?.command : nil
    }

    /// The form for a shop: its checklist, its open rectifications first.
    static func make(shop: String, _ market: MarketState) -> InspectionForm {
        InspectionForm(shop: shop, items: market.checklist?.items ?? [], rectifications: market.rectifications(of: shop), merchant: market.merchant(shopNumber: shop))
    }

    static func handle(_ key: Key, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var form = model.inspectionForm, !form.items.isEmpty else {
            if key == .escape { model.inspectionForm = nil }
            return []
        }
        form.message = nil
        if let editing = form.editing {
            if let passOn = edit(key, editing, &form, model) {
                // The code was complete: the key acts as itself (p2 then 3 marks PRI-2 serious).
                model.inspectionForm = form
                return handle(passOn, &model)
            }
            model.inspectionForm = form
            return []
        }
        guard let command = command(for: key) else {
            model.inspectionForm = form
            return []
        }
        let item = form.item
        switch command {
        case .down: form.cursor = min(form.rows.count - 1, form.cursor + 1)
        case .up: form.cursor = max(0, form.cursor - 1)
        case .first: form.cursor = 0
        case .last: form.cursor = form.rows.count - 1
        case .find: form.editing = .find(TextFieldState(limit: 40), from: form.cursor)
        case .code:
            // A letter the form does not use starts an item's code (or, in Chinese, words of its text).
            _ = edit(key, .find(TextFieldState(limit: 40), from: form.cursor), &form, model)
        case .mark(let mark): form.marks[item] = mark
        case .cycle:
            let cycle: [InspectionForm.Mark] = [.pass, .minor, .serious, .notApplicable]
            let i = cycle.firstIndex(of: form.marks[item]) ?? 0
            form.marks[item] = cycle[(i + 1) % cycle.count]
        case .note:
            guard form.marks[item] == .minor || form.marks[item] == .serious else {
                form.message = model.t("备注写在不合格项上：先按 2 或 3", "notes go with failures: press 2 or 3 first")
                break
            }
            form.editing = .note(TextFieldState(text: form.notes[item], limit: 200))
        case .date:
            form.editing = .date(TextFieldState(text: (form.date ?? model.today).description, limit: 10))
        case .record:
            // Checked at once, as the log will check it: a refusal stays in the form with its
            // reason; else the one shared question shows what will be recorded (Confirmation.swift).
            guard let user = model.user, let market = model.market else { break }
            let inspection = form.inspection(by: user, on: model.today, checklistVersion: market.checklist?.version ?? 0)
            model.inspectionForm = form
            do throws(LocalizedMessage) {
                try Confirm.record(.inspectionRecorded(inspection), title: model.t("检查", "inspection"), what: [summary(form, model)],
                                   notice: model.t("检查已提交", "inspection submitted"), &model)
            } catch {
                form.message = error.text(model.language)
                break
            }
            return []
        case .cancel:
            model.inspectionForm = form
            return Confirm.discardInspection(&model)
        case .help:
            model.showHelp = true
            return []
        }
        model.inspectionForm = form
        return []
    }

    /// What will be recorded, in one line: the shop, the date, the failures by code.
    static func summary(_ form: InspectionForm, _ model: DashboardModel) -> String {
        let day = form.date ?? model.today
        let failed = form.failedRows.map { i in form.items[i].id + (form.marks[i] == .serious ? model.t("（严重）", " (serious)") : model.t("（一般）", " (minor)")) }
        let closing = form.rows.filter { form.rectification(of: $0) != nil && form.marks[$0] == .pass }.map { form.items[$0].id }
        var text = "\(form.shop)  \(day)  "
        text += failed.isEmpty ? model.t("全部合格", "all passed") : model.t("不合格 \(failed.count) 项：", "\(failed.count) failed: ") + failed.joined(separator: model.t("、", ", "))
        if !closing.isEmpty { text += model.t("；整改结束：", "; rectification ends: ") + closing.joined(separator: model.t("、", ", ")) }
        return text
    }

    /// A key while a note, the date or an item's code is typed. Returns the key when it ends a
    /// complete code and should act as itself.
    private static func edit(_ key: Key, _ editing: InspectionForm.Editing, _ form: inout InspectionForm, _ model: DashboardModel) -> Key? {
        switch (editing, key) {
        case (.find(_, let from), .escape):
            form.cursor = from
            form.editing = nil
        case (.find(let field, _), .enter):
            form.editing = nil
            if form.find(field.text).lines.isEmpty { form.message = notFound(field.text, model) }
        case (.find(var field, let from), _):
            if case .character(let c) = key {
                // A digit or letter that leads nowhere after a code with its number ends the code.
                let before = form.find(field.text)
                let code = InspectionForm.split(InspectionForm.compactCode(TypedCode.normalise(field.text)))
                if !before.lines.isEmpty, !code.letters.isEmpty, !code.digits.isEmpty, form.find(field.text + String(c)).lines.isEmpty {
                    form.editing = nil
                    return key
                }
            }
            field.handle(key)
            let found = form.find(field.text)
            if let line = found.lines.first {
                form.cursor = line
                form.editing = found.complete ? nil : .find(field, from: from)
            } else if field.text.isEmpty {
                form.editing = .find(field, from: from)
            } else {
                form.message = notFound(field.text, model)
                // A code that leads nowhere ends the search (so the keys that follow act); words stay
                // to be corrected.
                let code = field.text.allSatisfy { TypedCode.fold($0).isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                form.editing = code ? nil : .find(field, from: from)
            }
        case (_, .escape):
            form.editing = nil
        case (.note(let field), .enter):
            form.notes[form.item] = field.text
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
        return nil
    }

    static func notFound(_ text: String, _ model: DashboardModel) -> String {
        model.t("没有与“\(text)”相符的检查项（输入编号如 PRI-2、序号或文字）", "no item matches \"\(text)\" (type a code such as PRI-2, a number or words)")
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        guard let form = model.inspectionForm, let market = model.market, let merchant = market.merchant(shopNumber: form.shop) else { return }
        let t = model.t
        let bar = model.theme.title
        let width = model.size.width
        grid.fill(Rect(x: 0, y: 0, width: width, height: 1), style: bar)
        let day = form.date ?? model.today
        grid.put(t(" 记录检查：\(merchant.shopNumber) \(merchant.name)  \(day)", " Inspection: \(merchant.shopNumber) \(merchant.name)  \(day)")
                 + (form.date == nil ? "" : t("（补录）", " (entered afterwards)")), x: 0, y: 0, style: bar)
        guard !form.rows.isEmpty else {
            grid.put(t("尚未发布检查清单，无法记录检查（Esc 返回）", "no checklist has been published: nothing to inspect (Esc goes back)"), x: 1, y: 2, maxWidth: width - 2)
            return
        }
        // The line under the title: the code being typed, else the rectifications to check again.
        if case .find(let field, _)? = form.editing {
            let label = t("转到：", "Go to: ")
            grid.put(label, x: 1, y: 1, style: Style(bold: true))
            let x = 1 + DisplayWidth.of(label)
            grid.cursor = field.render(into: &grid, x: x, y: 1, width: 16, style: Style(underline: true))
            grid.put(t("编号（p2 即 PRI-2）、序号或文字 · Enter 确定 · Esc 返回", "a code (p2 for PRI-2), a number or words · Enter ok · Esc back"),
                     x: x + 18, y: 1, maxWidth: width - x - 19, style: Style(dim: true))
        } else if !form.rectifications.isEmpty {
            let list = form.rectifications.map { r in
                "\(r.item) " + t("期限 \(r.deadline)", "due \(r.deadline)") + (model.today > r.deadline ? t("（已逾期）", " (overdue)") : "")
            }.joined(separator: t("、", ", "))
            grid.put(t("复查：整改中 \(form.rectifications.count) 项列在最前（\(list)）；标合格即整改结束",
                       "Re-inspection: \(form.rectifications.count) under rectification listed first (\(list)); a pass ends it"),
                     x: 1, y: 1, maxWidth: width - 2, style: model.theme.warning)
        }
        // Rows: title, the line under it, the items, a message row, the field being typed, the keys, the status bar.
        let visible = model.size.height - 6
        let offset = max(0, min(form.cursor - visible / 2, form.rows.count - visible))
        let numberWidth = String(form.rows.count).count
        let tag = form.rectifications.isEmpty ? "" : t("整改", "fix ")
        let tagWidth = tag.isEmpty ? 0 : DisplayWidth.of(tag) + 1
        var uncertain: [Deadline] = []
        for (row, line) in (offset..<min(form.rows.count, offset + visible)).enumerated() {
            let i = form.rows[line]
            let item = form.items[i]
            let mark = form.marks[i]
            let open = form.rectification(of: i)
            let label: String
            var style: Style = .plain
            switch mark {
            case .pass: label = t("合格", "pass") + (open == nil ? "" : t("（整改结束）", " (ends the rectification)"))
            case .notApplicable: label = t("不适用", "n/a"); style = Style(dim: true)
            case .minor, .serious:
                let severity: Severity = mark == .minor ? .minor : .serious
                let opened = form.date ?? model.today
                let due = market.calendar.deadline(from: opened, to: market.rectificationDeadline(failedOn: opened, severity))
                if !due.isCertain { uncertain.append(due) }
                label = t("不合格（\(severity.chineseName)）整改期限 \(due)", "failed (\(severity.rawValue)), rectify by \(due)")
                    + (due.isCertain ? "" : t("（估）", " (est.)"))
                    + (form.notes[i].isEmpty ? "" : " ✎")
                style = model.theme.warning
            }
            if line == form.cursor { style.reverse = true }
            let number = TextLayout.fit(String(line + 1), width: numberWidth, alignment: .right) + " "
            let marker = tagWidth == 0 ? "" : (open == nil ? String(repeating: " ", count: tagWidth) : tag + " ")
            let lead = number + marker
            let text = lead + TextLayout.fit("\(item.id) \(item.text)" + item.citation(model.language), width: max(10, width - 40 - DisplayWidth.of(lead))) + "  " + label
            grid.put(text, x: 1, y: 2 + row, maxWidth: width - 2, style: style)
        }
        let fails = form.failedRows.count
        let y = model.size.height - 3
        if let message = form.message {
            grid.put(message, x: 1, y: y - 1, maxWidth: width - 2, style: model.theme.warning)
        } else if let warning = Deadline.warning(for: uncertain) {
            grid.put(t("估：", "est.: ") + warning.text(model.language), x: 1, y: y - 1, maxWidth: width - 2, style: model.theme.warning)
        }
        switch form.editing {
        case .note(let field)?:
            let label = t("备注：", "Note: ")
            grid.put(label, x: 1, y: y, style: Style(bold: true))
            grid.cursor = field.render(into: &grid, x: 1 + DisplayWidth.of(label), y: y, width: width - 4 - DisplayWidth.of(label), style: Style(underline: true))
        case .date(let field)?:
            let label = t("检查日期：", "Date: ")
            grid.put(label, x: 1, y: y, style: Style(bold: true))
            grid.cursor = field.render(into: &grid, x: 1 + DisplayWidth.of(label), y: y, width: 12, style: Style(underline: true))
            grid.put(t("  Enter 确定 · Esc 取消", "  Enter ok · Esc cancel"), x: 14 + DisplayWidth.of(label), y: y, style: Style(dim: true))
        case .find?, nil:
            if let open = form.rectification(of: form.item) {
                let state = model.today > open.deadline ? t("已逾期", "overdue") : t("整改中", "open")
                let text = t("整改：\(open.openedOn) 检查不合格（\(open.severity.chineseName)），期限 \(open.deadline)，\(state)",
                             "Rectification: failed (\(open.severity.rawValue)) on \(open.openedOn), due \(open.deadline), \(state)")
                    + (form.notes[form.item].isEmpty ? "" : t("　备注：", "  Note: ") + form.notes[form.item])
                grid.put(TextLayout.truncate(text, toWidth: width - 2), x: 1, y: y)
            } else if !form.notes[form.item].isEmpty {
                grid.put(TextLayout.truncate(t("备注：", "Note: ") + form.notes[form.item], toWidth: width - 2), x: 1, y: y)
            }
        }
        // The keys, the most needed first; what does not fit is in the help (?).
        let last = form.items[form.rows[form.rows.count - 1]]
        let example = t("\(InspectionForm.shortCode(last.id)) 跳到 \(last.id)", "\(InspectionForm.shortCode(last.id)) goes to \(last.id)")
        let keys = [t("1合格 2一般 3严重 4不适用", "1 pass 2 minor 3 serious 4 n/a"), t("Enter 记录（\(fails) 项不合格）", "Enter record (\(fails) failed)"),
                    example, t("n 备注", "n note"), t("d 日期", "d date"), t("Esc 放弃", "Esc cancel"), t("? 帮助", "? help")]
        grid.put(TextLayout.joinFitting(keys, separator: " · ", width: width - 2), x: 1, y: model.size.height - 2, maxWidth: width - 2, style: Style(dim: true))
    }
}
