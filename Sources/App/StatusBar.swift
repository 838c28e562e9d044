import Core
import Terminal

/// The status bar: the log's state, the search field, notices, the keys.
extension Dashboard {
    static func drawStatusBar(_ model: DashboardModel, into grid: inout Grid) {
        let y = model.size.height - 1
        let bar = Style(reverse: true)
        grid.fill(Rect(x: 0, y: y, width: model.size.width, height: 1), style: bar)
        var right = model.t("?帮助  q退出 ", "? help  q quit ")
        if model.screen == .merchants, model.market != nil {
            let count = model.shown.count
            right = (count > 0 ? "\(model.position.selected + 1)/\(count)  " : "0/0  ") + right
        }
        let rightWidth = DisplayWidth.of(right)
        var left = " "
        if context(model) == .search, let field = model.search {
            let label = model.screen == .audit ? model.t(" / 筛选：", " / filter: ") : model.t(" / 查找：", " / find: ")
            grid.put(label, x: 0, y: y, style: bar)
            let x = DisplayWidth.of(label)
            let cursor = field.render(into: &grid, x: x, y: y, width: max(10, model.size.width - x - 24), style: Style(underline: true))
            grid.put("  " + footer(.search, model.language), x: x + max(10, model.size.width - x - 24), y: y, style: bar)
            grid.cursor = cursor
            return
        }
        // The key that clears a search or a filter, as the screen's table has it (looked up only when one is shown).
        var clear: String { keyName(.clearFilter, in: .screen(model.screen)) }
        if model.screen == .merchants, !model.filter.isEmpty {
            left += model.t("查找“\(model.filter)”：\(model.shown.count) 家  \(clear) 清除  ", "find \"\(model.filter)\": \(model.shown.count) shops  \(clear) clears  ")
        }
        if model.screen == .merchants, model.branchFilter != nil || model.starFilter != nil || model.integrityFilter != nil {
            var parts: [String] = []
            if let b = model.branchFilter { parts.append(model.t("第 \(b) 支部", "branch \(b)")) }
            if let s = model.starFilter { parts.append(s == 0 ? model.t("待评定", "awaiting") : model.t("\(s) 星", "\(s) stars")) }
            if let i = model.integrityFilter { parts.append(model.t("\(i.chineseName)有问题", "\(i.englishName) problems")) }
            left += model.t("筛选：", "only: ") + parts.joined(separator: "、") + model.t("（\(model.shown.count) 家）  ", " (\(model.shown.count))  ")
        }
        if model.screen == .complaints, !model.complaintQuery.isEmpty {
            let count = queue(model).count
            let more = count >= ComplaintSearch.limit ? model.t("（只列前 \(count) 件）", " (first \(count))") : ""
            left += model.t("查找“\(model.complaintQuery)”：\(count) 件\(more)  \(clear) 清除  ", "find \"\(model.complaintQuery)\": \(count)\(more)  \(clear) clears  ")
        } else if model.screen == .complaints, let filter = model.complaintFilter {
            let count = queue(model).count
            switch filter {
            case .overdue: left += model.t("筛选：逾期投诉（\(count) 件） \(clear) 清除  ", "only overdue (\(count))  \(clear) clears  ")
            case .thisMonth(let i): left += model.t("筛选：本月\(i.chineseName)投诉（\(count) 件） \(clear) 清除  ", "only this month's \(i.englishName) (\(count))  \(clear) clears  ")
            case .records(let title, _): left += model.t("依据：\(title)（\(count) 件） \(clear) 清除  ", "behind \(title) (\(count))  \(clear) clears  ")
            }
        }
        if let progress = model.exportProgress {
            let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
            left += model.t("导出中 \(progress.done)/\(progress.total) ", "exporting \(progress.done)/\(progress.total) ") + Charts.bar(fraction, maximum: 1, width: 10, ascii: false) + "  "
        }
        if let busy = model.busy {
            left += model.t("处理中 ", "working ") + String(Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")[busy % 10]) + "  "
        }
        if let notice = model.notice {
            left += notice
        } else {
            // Who, then the log's state, then where: the most important first, as the width allows.
            if let user = model.user { left += user.displayName + "（" + user.role.name(model.language) + "）  " }
            if !model.logSummary.isEmpty { left += model.logSummary + "  " }
            left += model.t("数据：", "data: ") + model.dataDirectory
        }
        grid.put(TextLayout.truncate(left, toWidth: model.size.width - rightWidth - 1), x: 0, y: y, style: bar)
        grid.put(right, x: model.size.width - rightWidth, y: y, style: bar)
    }
}
