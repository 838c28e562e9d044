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
    public var cursor = 0

    public init(shop: String, items: [ChecklistItem]) {
        self.shop = shop
        self.items = items
        self.marks = Array(repeating: .pass, count: items.count)
    }

    public func inspection(by user: User, on date: SimpleDate, checklistVersion: Int) -> Inspection {
        let outcomes = zip(items, marks).map { item, mark -> ItemOutcome in
            switch mark {
            case .pass: return ItemOutcome(item: item.id, result: .pass)
            case .minor: return ItemOutcome(item: item.id, result: .fail, severity: .minor)
            case .serious: return ItemOutcome(item: item.id, result: .fail, severity: .serious)
            case .notApplicable: return ItemOutcome(item: item.id, result: .notApplicable)
            }
        }
        return Inspection(shop: shop, date: date, inspector: user.name, checklistVersion: checklistVersion, outcomes: outcomes)
    }
}

enum InspectionScreen {
    static func handle(_ key: Key, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var form = model.inspectionForm else { return [] }
        switch key {
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
            model.inspectionForm = nil
            return []
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
        grid.put(t(" 记录检查：\(merchant.shopNumber) \(merchant.name)  \(model.today)", " Inspection: \(merchant.shopNumber) \(merchant.name)  \(model.today)"), x: 0, y: 0, style: bar)
        let rules = market.rules(on: model.today)?.value
        let visible = model.size.height - 4
        let offset = max(0, min(form.cursor - visible / 2, form.items.count - visible))
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
                let deadline = market.calendar.addingWorkingDays(days, to: model.today)
                label = t("不合格（\(severity.chineseName)）整改期限 \(deadline)", "failed (\(severity.rawValue)), rectify by \(deadline)")
                style = model.theme.warning
            }
            if i == form.cursor { style.reverse = true }
            let text = TextLayout.fit("\(item.id) \(item.text)", width: max(10, model.size.width - 40)) + "  " + label
            grid.put(text, x: 1, y: 2 + row, maxWidth: model.size.width - 2, style: style)
        }
        let fails = form.marks.filter { $0 == .minor || $0 == .serious }.count
        grid.put(t("1合格 2一般 3严重 4不适用 · Enter 记录（\(fails) 项不合格）· Esc 放弃 · ? 帮助",
                   "j/k move · 1 pass 2 minor 3 serious 4 n/a · Space cycle · Enter record (\(fails) failed) · Esc cancel"),
                 x: 1, y: model.size.height - 2, maxWidth: model.size.width - 2, style: Style(dim: true))
    }
}
