import Foundation

/// New versions of the rating rules and of the inspection checklist, published into a running
/// market (`chengxin rules publish FILE`, `chengxin checklist publish FILE`): read by the same
/// parsers as the seeds, checked by Core's gate (docs/domain-model.md, "Publishing new versions").
extension SeedLoader {
    /// `rules.json`'s text: one version (an object) or a list of versions, oldest first, each valid
    /// and each later one with a higher number and a later effective date. `fileName` names the file
    /// in messages.
    public static func parseRules(_ text: String, fileName: String = "rules.json") throws(LocalizedMessage) -> [RatingRules] {
        do {
            let data = Data(text.utf8)
            let decoded = try (try? JSONDecoder().decode([RatingRules].self, from: data)) ?? [JSONDecoder().decode(RatingRules.self, from: data)]
            for version in decoded { try version.validate() }
            for (earlier, later) in zip(decoded, decoded.dropFirst()) where later.version <= earlier.version || later.effectiveFrom <= earlier.effectiveFrom {
                throw LocalizedMessage(zh: "第 \(later.version) 版规则的版本号和生效日期都应晚于第 \(earlier.version) 版",
                                       en: "rules version \(later.version) must have a higher number and a later effective date than version \(earlier.version)")
            }
            if decoded.isEmpty { throw LocalizedMessage(zh: "没有任何一版规则", en: "no version of the rules") }
            return decoded
        } catch let message as LocalizedMessage {
            throw LocalizedMessage(zh: "\(fileName)：\(message.zh)", en: "\(fileName): \(message.en)")
        } catch {
            throw LocalizedMessage(zh: "\(fileName) 无法读取：\(error)", en: "\(fileName) cannot be read: \(error)")
        }
    }

    /// `checklist.csv`'s text (编号,类别,检查项[,守则条款]): the items, or every problem found, each
    /// naming `fileName` and the line.
    public static func parseChecklist(_ text: String, fileName: String = "checklist.csv") -> (items: [ChecklistItem], problems: [LocalizedMessage]) {
        var problems: [LocalizedMessage] = []
        func problem(_ line: Int, _ zh: String, _ en: String) {
            problems.append(LocalizedMessage(zh: "\(fileName) 第 \(line) 行：\(zh)", en: "\(fileName) line \(line): \(en)"))
        }
        let table: CSVTable
        let index: [String: Int]
        do {
            table = try CSVTable.parse(text)
            index = try table.columns(["编号", "类别", "检查项"], file: fileName)
        } catch {
            return ([], [LocalizedMessage(zh: "\(fileName)：\(error.zh)", en: "\(fileName): \(error.en)")])
        }
        func field(_ row: CSVTable.Row, _ column: String) -> String? {
            guard let i = index[column], i < row.fields.count else {
                problem(row.line, "缺少“\(column)”一栏", "missing column \"\(column)\"")
                return nil
            }
            let value = row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty {
                problem(row.line, "“\(column)”不能为空", "\"\(column)\" must not be empty")
                return nil
            }
            return value
        }
        var checklist: [ChecklistItem] = []
        // Optional: the article of the code of conduct each item checks.
        let articleColumn = table.header.firstIndex(of: "守则条款")
        for row in table.rows {
            guard let id = field(row, "编号"), let categoryText = field(row, "类别"), let text = field(row, "检查项") else { continue }
            guard let category = ChecklistItem.Category(text: categoryText) else {
                problem(row.line, "类别应为亮身份或四个诚信之一，现为“\(categoryText)”", "category must be 亮身份 or one of the four integrities, is \"\(categoryText)\"")
                continue
            }
            if checklist.contains(where: { $0.id == id }) {
                problem(row.line, "检查项编号 \(id) 重复", "duplicate checklist id \(id)")
                continue
            }
            var article: Int?
            if let i = articleColumn, i < row.fields.count, case let cell = row.fields[i].trimmingCharacters(in: .whitespaces), !cell.isEmpty {
                guard let number = Int(cell), number >= 1 else {
                    problem(row.line, "守则条款应为条款序号（1、2、3……），现为“\(cell)”", "守则条款 must be an article number (1, 2, 3, …), is \"\(cell)\"")
                    continue
                }
                article = number
            }
            checklist.append(ChecklistItem(id: id, category: category, text: text, article: article))
        }
        return (checklist, problems)
    }
}

extension MarketState {
    /// A new version of the rating rules: by a market manager, numbered one above the latest,
    /// valid, taking effect on the first day of a rating period (1 January) that has not begun —
    /// so that every year is rated under one version and a year already under way, or rated and
    /// published, keeps the rules it began with.
    public func validate(_ rules: RatingRules, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try Action.publishRules.check(user.role)
        try rules.validate()
        let latest = ruleVersions.map(\.value).max { $0.version < $1.version }
        let next = (latest?.version ?? 0) + 1
        if rules.version != next {
            throw LocalizedMessage(zh: "新规则应为第 \(next) 版（已有第 \(latest?.version ?? 0) 版），文件写的是第 \(rules.version) 版",
                                   en: "the new rules must be version \(next) (version \(latest?.version ?? 0) exists); the file says \(rules.version)")
        }
        guard let from = SimpleDate(iso: rules.effectiveFrom) else { return }  // `validate()` refused it
        if from.month != 1 || from.day != 1 {
            throw LocalizedMessage(zh: "新规则须从某年 1 月 1 日（评级周期的第一天）起生效，现为 \(from)",
                                   en: "new rules take effect on 1 January (the first day of a rating period), not \(from)")
        }
        if from <= today {
            throw LocalizedMessage(zh: "新规则的生效日期 \(from) 不晚于今天（\(today)）：已开始的年度按原规则评级",
                                   en: "the effective date \(from) is not after today (\(today)): a year already begun keeps its rules")
        }
        if let latest, let latestFrom = SimpleDate(iso: latest.effectiveFrom), from <= latestFrom {
            throw LocalizedMessage(zh: "新规则须在第 \(latest.version) 版（\(latestFrom) 起生效）之后生效",
                                   en: "the new rules must take effect after version \(latest.version) (from \(latestFrom))")
        }
    }

    /// A new version of the inspection checklist: by a market manager, numbered one above the
    /// version in force, with at least one item, every article it cites in the code of conduct in
    /// force. It applies to inspections recorded from then on; earlier ones keep the version they name.
    public func validate(_ published: ChecklistPublished, by user: User) throws(LocalizedMessage) {
        try Action.publishRules.check(user.role)
        let next = (checklist?.version ?? 0) + 1
        if published.version != next {
            throw LocalizedMessage(zh: "检查清单新版本应为第 \(next) 版，现为第 \(published.version) 版", en: "the new checklist must be version \(next), not \(published.version)")
        }
        if published.items.isEmpty {
            throw LocalizedMessage(zh: "检查清单至少要有一项", en: "a checklist has at least one item")
        }
        let articles = conduct?.value.articles.count ?? 0
        if let item = published.items.first(where: { ($0.article ?? 0) > articles }) {
            throw LocalizedMessage(zh: "检查项 \(item.id) 引用守则第 \(item.article ?? 0) 条，现行守则只有 \(articles) 条",
                                   en: "checklist item \(item.id) cites article \(item.article ?? 0); the code of conduct in force has \(articles)")
        }
    }
}
