import Core

/// 比发展/比服务/比和谐 as tables, for the monthly report and `chengxin compare`: one table per kind
/// (place, unit, each measure's figure with its rank, the sum of ranks), the method line, the
/// measures' legend, and the records behind each figure.
public enum CompetitionTables {
    /// The column titles of a kind's table.
    public static func headers(_ ranking: CompetitionRanking, scope: CompetitionScope, _ l: Language, compact: Bool = false) -> [String] {
        let unit: String
        switch scope {
        case .branches: unit = l.pick("支部", "Branch")
        case .shops: unit = l.pick("商户", "Shop")
        }
        return [l.pick("名次", compact ? "#" : "Place"), unit] + ranking.measures.map { (compact ? $0.measure.shortName(l) : $0.measure.name(l)) + ($0.better == .higher ? "↑" : "↓") }
            + [l.pick("名次和", compact ? "Sum" : "Rank sum")]
    }

    /// The rows of a kind's table, in place order: a shared place is marked "=" ("2="), each figure
    /// followed by its rank on that measure ("75%（3/4）[2]"; `compact`: the value alone, "75% [2]").
    public static func rows(_ ranking: CompetitionRanking, scope: CompetitionScope, _ l: Language, compact: Bool = false) -> [[String]] {
        ranking.rows.map { row in
            let unit: String
            switch scope {
            case .branches: unit = row.name
            case .shops: unit = "\(row.unit) \(row.name)"
            }
            return ["\(row.place)" + (row.tied ? "=" : ""), unit]
                + zip(row.figures, row.ranks).map { figure, rank in "\(compact ? figure.shortText() : figure.text(l)) [\(rank)]" } + ["\(row.rankSum)"]
        }
    }

    /// The records behind a figure, compactly: complaints by receipt, other records by number
    /// ("#12"); past `limit` items, the first ones and how many in all.
    public static func records(_ figure: CompetitionFigure, _ l: Language, limit: Int? = 12) -> String {
        let items = figure.receipts.isEmpty ? figure.records.map { "#\($0)" } : figure.receipts
        guard !items.isEmpty else { return l.pick("无", "none") }
        guard let limit, items.count > limit else { return items.joined(separator: " ") }
        return items.prefix(limit).joined(separator: " ") + l.pick(" …（共 \(items.count) 条）", " … (\(items.count) in all)")
    }

    /// The caption of a kind's table ("比发展（发展）"), with the period.
    public static func caption(_ standing: CompetitionStanding, _ kind: ContributionKind, _ l: Language) -> String {
        let what: String
        switch standing.scope {
        case .branches: what = l.pick("各支部", "branches")
        case .shops(let branch?): what = l.pick("第 \(branch) 支部各商户", "shops of branch \(branch)")
        case .shops(nil): what = l.pick("全市场各商户", "every shop")
        }
        return l.pick("\(kind.chineseName)：\(what)排名（\(standing.period.label(l))）", "\(kind.chineseName) (\(kind.englishName)): \(what) ranked, \(standing.period.label(l))")
    }

    /// Each measure's definition, once per measure used, for the legend under the tables.
    public static func definitions(_ standing: CompetitionStanding, _ l: Language) -> [String] {
        var seen = Set<CompetitionMeasure>()
        return standing.rankings.flatMap(\.measures).compactMap { entry in
            guard seen.insert(entry.measure).inserted else { return nil }
            return entry.measure.legend(entry.better, l)
        }
    }

    /// The command that lists the records behind a figure (`chengxin compare --records`).
    public static func command(_ standing: CompetitionStanding, unit: String, measure: CompetitionMeasure) -> String {
        var parts = ["chengxin compare"]
        if case .shops(let branch) = standing.scope { parts.append("--shops" + (branch.map { " --branch \($0)" } ?? "")) }
        let from = standing.period.from
        switch standing.period.span {
        case .year: parts.append("--year \(from.year)")
        case .month: parts.append("--month " + String(from.description.prefix(7)))
        }
        parts.append("--records \(unit):\(measure.rawValue)")
        return parts.joined(separator: " ")
    }
}
