import App
import ArgumentParser
import Codec
import Core
import Log
import Reports
import Storage
import Terminal

/// `chengxin compare`: 比发展/比服务/比和谐 — the branches (or shops) ranked on measures from the
/// record, with the ranking method; `--records UNIT:MEASURE` lists the records behind one figure.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: localized("比发展/比服务/比和谐：按从记录算出的指标给各支部（或商户）排名，并说明算法；--records 列出某个数字背后的记录。", "比发展/比服务/比和谐: rank the branches (or shops) on measures computed from the record, with the method; --records lists the records behind a figure."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Flag(name: .long, help: localized("比较商户而不是支部（全部商户，或第 N 支部的商户：--branch N）。", "Compare shops instead of branches (every shop, or --branch N's)."))
    var shops = false

    @Option(name: .long, help: localized("与 --shops 同用：只比较这个支部的商户。", "With --shops: only this branch's shops."))
    var branch: Int?

    @Option(name: .long, help: localized("年度（默认：今年，截至今天）。", "The year (default: this year, through today)."))
    var year: Int?

    @Option(name: .long, help: localized("按月而不是按年：YYYY-MM。", "A month, YYYY-MM, instead of a year."))
    var month: String?

    @Option(name: .long, help: localized("development（比发展）、service（比服务）或 harmony（比和谐）；默认三项都比。", "development, service or harmony (default: all three)."))
    var kind: String?

    @Option(name: .long, help: localized("列出某个数字背后的记录：UNIT:MEASURE，例如 4:satisfaction（第 4 支部）或 A101:complaints-per-shop（与 --shops 同用）。", "List the records behind one figure: UNIT:MEASURE, e.g. 4:satisfaction (branch 4) or A101:complaints-per-shop (with --shops)."))
    var records: String?

    func validate() throws {
        if let month, ReportMonth(month) == nil {
            throw ValidationError(common.t("--month 应为 YYYY-MM，如 2026-10；现为“\(month)”", "--month takes YYYY-MM, like 2026-10; got \"\(month)\""))
        }
        if month != nil && year != nil { throw ValidationError(common.t("--year 与 --month 只能选一个", "give --year or --month, not both")) }
        if branch != nil && !shops { throw ValidationError(common.t("--branch 与 --shops 一起用", "--branch goes with --shops")) }
        if let kind, ContributionKind.matching(kind) == nil {
            throw ValidationError(common.notAChoice("--kind", kind, ContributionKind.allCases.map(\.rawValue)).text)
        }
        if let records, Self.figureAddress(records) == nil {
            throw ValidationError(common.t("--records 应为 单位:指标，如 4:satisfaction；指标为 \(Self.measureList)",
                                           "--records takes UNIT:MEASURE, like 4:satisfaction; measures: \(Self.measureList)"))
        }
    }

    static var measureList: String { CompetitionMeasure.allCases.map(\.rawValue).joined(separator: ", ") }

    static func figureAddress(_ text: String) -> (unit: String, measure: CompetitionMeasure)? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let measure = CompetitionMeasure.matching(parts[1]) else { return nil }
        return (parts[0], measure)
    }

    func run() throws {
        let store = try common.openForReading()
        let market = store.market
        let today = MarketClock.today()
        let l = common.lang
        guard !market.branches.isEmpty else {
            throw Console.fail(common.t("数据目录里还没有名册（先运行 chengxin init）", "the data directory holds no roster yet (run chengxin init first)"))
        }
        if let branch, market.branch(branch) == nil {
            throw Console.fail(common.t("没有第 \(branch) 支部", "there is no branch \(branch)"))
        }
        let period: CompetitionPeriod
        if let chosen = month.flatMap(ReportMonth.init) {
            guard chosen.first <= today else { throw Console.fail(common.t("\(chosen) 还没有到（今天是 \(today)）", "\(chosen) has not begun yet (today is \(today))")) }
            period = .month(chosen.year, chosen.month, through: today)
        } else if let year, year != today.year {
            guard year < today.year, let start = SimpleDate(year: year, month: 1, day: 1), let end = SimpleDate(year: year, month: 12, day: 31) else {
                throw Console.fail(common.t("\(year) 年还没有到（今天是 \(today)）", "\(year) has not begun yet (today is \(today))"))
            }
            period = CompetitionPeriod(from: start, through: end)
        } else {
            period = .year(of: today)
        }
        let standing = market.competition(shops ? .shops(branch: branch) : .branches, period: period)
        if let records, let address = Self.figureAddress(records) {
            // A shop named as everywhere on the command line (ShopSearch); a branch by its number.
            var unit = address.unit
            if shops { do throws(LocalizedMessage) { unit = try market.shop(typed: unit).shopNumber } catch { throw common.failure(error) } }
            try listRecords(standing, unit: unit, measure: address.measure)
            return
        }
        let kinds = kind.flatMap(ContributionKind.matching).map { [$0] } ?? ContributionKind.allCases
        Console.out(common.t("比发展 · 比服务 · 比和谐", "Development, service, harmony"))
        Console.out(standing.methodLine(l))
        for ranking in standing.rankings where kinds.contains(ranking.kind) {
            Console.out("")
            Console.out(CompetitionTables.caption(standing, ranking.kind, l))
            // Laid out as the dashboard lays out its tables: the unit to the left, the figures to the right.
            let headers = CompetitionTables.headers(ranking, scope: standing.scope, l)
            var table = TableView(columns: headers.indices.map { TableColumn(title: headers[$0], alignment: $0 == 1 ? .left : .right) },
                                  rows: CompetitionTables.rows(ranking, scope: standing.scope, l), position: ListPosition(selected: -1))
            table.fitColumns(available: Int.max)
            for line in table.lines() { Console.out(line) }
        }
        Console.out("")
        for line in CompetitionTables.definitions(standing, l) { Console.out(line) }
        Console.out(common.t("每个数字背后的记录：chengxin compare --records 单位:指标（如 ", "The records behind a figure: chengxin compare --records UNIT:MEASURE (e.g. ")
                    + (standing.rankings.first?.rows.first.map { "\($0.unit):\(standing.rankings.first?.measures.first?.measure.rawValue ?? "")" } ?? "1:satisfaction") + common.t("）", ")"))
    }

    /// The records behind one figure, one line each, as the dashboard's records tab shows them (no personal data).
    func listRecords(_ standing: CompetitionStanding, unit: String, measure: CompetitionMeasure) throws {
        let l = common.lang
        guard let ranking = standing.rankings.first(where: { r in r.measures.contains { $0.measure == measure } }) else {
            throw Console.fail(common.t("规则没有把“\(measure.chineseName)”列为比较指标", "the rules do not compare on \(measure.englishName)"))
        }
        guard let figure = standing.figure(ranking.kind, unit: unit, measure: measure), let row = ranking.rows.first(where: { $0.unit == unit }) else {
            throw Console.fail(common.t("比较中没有“\(unit)”（支部用编号，如 4；商户用店铺号，并加 --shops）", "no unit \"\(unit)\" in the comparison (a branch by number, like 4; a shop by its number, with --shops)"))
        }
        Console.out("\(ranking.kind.name(l)) · \(row.name) · \(measure.name(l))" + l.pick("：\(figure.text(l))（\(standing.period.label(l))）", ": \(figure.text(l)) (\(standing.period.label(l)))"))
        Console.out(measure.definition(l))
        if !figure.receipts.isEmpty { Console.out(common.t("投诉：", "complaints: ") + figure.receipts.joined(separator: " ")) }
        let wanted = Set(figure.records)
        guard !wanted.isEmpty else {
            Console.out(common.t("（没有记录）", "(no records)"))
            return
        }
        Console.out(common.t("记录 \(wanted.count) 条：", "\(wanted.count) records:"))
        // The log itself (the store may have opened from a snapshot and read only its tail).
        let log: EventLog
        do { log = try common.openLog() } catch { throw Console.fail(error.text(l)) }
        for record in log.records where wanted.contains(record.sequence) {
            guard let event = try? EventCodec.decode(record.payload) else { continue }
            let row = AuditRow(sequence: record.sequence, event: event)
            Console.out("#\(row.sequence)  \(row.marketTime)  \(row.actor)  \(row.name.text(l))  \(row.subject)")
        }
    }
}
