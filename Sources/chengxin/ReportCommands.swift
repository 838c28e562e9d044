import ArgumentParser
import Core
import Foundation
import Log
import Storage
#if canImport(Glibc)
import Glibc
import Reports
#endif

extension ExportKind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {}

/// `chengxin export merchants|complaints|inspections --format csv|json`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: localized("把商户、投诉、检查或党员导出为 CSV（UTF-8，可放心用电子表格打开）或 JSON；个人信息打码，除非加 --with-personal-data。", "Export merchants, complaints, inspections or members as CSV (UTF-8, safe for spreadsheets) or JSON; personal data masked unless --with-personal-data."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("merchants（商户）、complaints（投诉）、inspections（检查）或 members（党员）。", "merchants, complaints, inspections or members."))
    var kind: ExportKind

    @Option(name: .long, help: localized("csv 或 json。", "csv or json."))
    var format: ExportFormat

    @Flag(name: .long, help: localized("姓名和电话完整显示（仅限市场管理方；需要 --as）。", "Names and phones in full (market managers only; needs --as)."))
    var withPersonalData = false

    @Flag(name: .long, help: localized("CSV 开头加 UTF-8 字节顺序标记（BOM），让 Excel 正确显示中文。", "Start the CSV with a UTF-8 byte-order mark, so that Excel opens Chinese correctly."))
    var bom = false

    @Option(name: .long, help: localized("写入 FILE 而不是标准输出（要么完整写入，要么不写）。", "Write to FILE (whole or not at all) instead of standard output."))
    var out: String?

    func validate() throws {
        if bom && format == .json {
            throw ValidationError(common.t("--bom 只用于 CSV", "--bom applies to CSV only"))
        }
    }

    func run() throws {
        do {
            let options = ExportOptions(format: format, withPersonalData: withPersonalData, byteOrderMark: bom, language: common.lang)
            let today = MarketClock.today()
            let market: MarketState
            if withPersonalData {
                if actor.user == nil {
                    throw CLIProblem(text: common.t("导出未打码的个人信息需要用 --as 指明操作人（市场管理方）", "exporting unmasked personal data needs --as USER (a market manager)"))
                }
                // A write: the PIN check and the disclosure are recorded in the log.
                let opened = try Writer.open(common)
                let me = try actor.authenticate(opened, common)
                do throws(LocalizedMessage) {
                    try Action.exportPersonalData.check(me.role)
                } catch {
                    throw CLIProblem(text: common.t("只有市场管理方可以导出未打码的个人信息（\(me.role.name(.zh))不可以）",
                                                    "only a market manager may export unmasked personal data (not a \(me.role.name(.en)))"))
                }
                market = opened.market
                let job = ExportJob(kind: kind, market: market, today: today, options: options)
                let fields = job.columns.filter(\.personal).map(\.key)
                if !fields.isEmpty {
                    // Recorded before a byte is written; if it cannot be recorded, nothing is exported.
                    try Disclosure.record(opened, by: me, DataDisclosed(via: .cli, command: "export \(kind.rawValue)", fields: fields, from: nil,
                                                                         through: opened.log.lastSequence, count: job.total,
                                                                         destination: out ?? "terminal"))
                }
            } else {
                market = try common.openForReading().market
            }
            // Progress on stderr for long exports, only when someone is watching a terminal.
            let showProgress = out != nil && isatty(2) == 1
            let bytes = Exports.render(kind, market: market, today: today, options: options) { done, total in
                if showProgress && total >= 2000 {
                    FileHandle.standardError.write(Data("\r\(common.t("导出", "exporting")) \(done)/\(total)".utf8))
                }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            guard let out else {
                OutputFile.standardOutput(bytes)
                return
            }
            try OutputFile.write(bytes, to: out, mode: withPersonalData ? 0o600 : 0o644)
            let rows = ExportJob(kind: kind, market: market, today: today, options: options).total
            Console.out(common.t("已导出 \(rows) 行到 \(out)（\(format.rawValue.uppercased())，UTF-8\(bom ? "，带 BOM" : "")，\(withPersonalData ? "含个人信息" : "个人信息已打码")）",
                                   "exported \(rows) rows to \(out) (\(format.rawValue.uppercased()), UTF-8\(bom ? " with BOM" : ""), \(withPersonalData ? "with personal data" : "personal data masked"))"))
        } catch {
            throw Console.fail(common.describe(error))
        }
    }
}

/// `chengxin report public-notice|monthly --format html|md [--month YYYY-MM] --out FILE`;
/// `chengxin report appraisal --branch N [--year YYYY] --format html|md --out FILE`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: localized("生成诚信公示（可打印 A4）、月报（带图表）或支部的民主评议表，为独立的 HTML 或 Markdown 文件。", "Write the public notice (公示, printable A4), the monthly report (with charts) or a branch's appraisal sheet (民主评议) as self-contained HTML or Markdown."))

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case publicNotice = "public-notice"
        case monthly
        case appraisal
    }

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Argument(help: localized("public-notice（诚信公示）、monthly（月报）或 appraisal（民主评议表）。", "public-notice, monthly or appraisal."))
    var kind: Kind

    @Option(name: .long, help: localized("appraisal：支部编号。", "appraisal: the branch's number."))
    var branch: Int?

    @Option(name: .long, help: localized("appraisal：年度（默认：今年）。", "appraisal: the year (default: this year)."))
    var year: Int?

    @Option(name: .long, help: localized("html 或 md。", "html or md."))
    var format: ReportFormat

    @Option(name: .long, help: localized("月份，YYYY-MM（默认：本月）。公示显示该月月底的星级。", "The month, YYYY-MM (default: this month). The notice shows the ratings at its end."))
    var month: String?

    @Option(name: .long, help: localized("要写入的文件。", "The file to write."))
    var out: String

    func validate() throws {
        if kind == .appraisal && branch == nil {
            throw ValidationError(common.t("appraisal 需要 --branch N", "appraisal needs --branch N"))
        }
        if kind != .appraisal && (branch != nil || year != nil) {
            throw ValidationError(common.t("--branch 和 --year 只用于 appraisal", "--branch and --year apply to appraisal only"))
        }
        if let month, ReportMonth(month) == nil {
            throw ValidationError(common.t("--month 应为 YYYY-MM，如 2026-10；现为“\(month)”", "--month takes YYYY-MM, like 2026-10; got \"\(month)\""))
        }
    }

    func run() throws {
        do {
            let store = try common.openForReading()
            let market = store.market
            let today = MarketClock.today()
            let chosen = month.flatMap(ReportMonth.init) ?? ReportMonth(year: today.year, month: today.month)
            guard let chosen else { throw CLIProblem(text: common.t("无法确定月份", "cannot tell the month")) }
            if chosen.first > today {
                throw CLIProblem(text: common.t("\(chosen) 还没有到（今天是 \(today)）", "\(chosen) has not begun yet (today is \(today))"))
            }
            if market.branches.isEmpty {
                throw CLIProblem(text: common.t("数据目录里还没有名册（先运行 chengxin init）", "the data directory holds no roster yet (run chengxin init first)"))
            }
            if kind == .appraisal, let branch {
                guard market.branch(branch) != nil else { throw CLIProblem(text: common.t("没有第 \(branch) 支部", "there is no branch \(branch)")) }
                let year = self.year ?? today.year
                let text = AppraisalSheet.render(market, branch: branch, year: year, today: today, format: format, language: common.lang, head: logHead(store))
                try OutputFile.write(Array(text.utf8), to: out, mode: 0o644)
                Console.out(common.t("已写入第 \(branch) 支部 \(year) 年度民主评议表：\(out)（\(format.rawValue)）", "wrote branch \(branch)'s \(year) appraisal sheet to \(out) (\(format.rawValue))"))
                return
            }
            let head = logHead(store)
            let text: String
            switch kind {
            case .publicNotice:
                text = PublicNotice.render(market, asOf: min(chosen.last, today), format: format, language: common.lang, head: head)
            case .monthly, .appraisal:
                text = MonthlyReport.render(market, month: chosen, today: today, format: format, language: common.lang, head: head)
            }
            try OutputFile.write(Array(text.utf8), to: out, mode: 0o644)
            let what = kind == .publicNotice ? common.t("公示", "public notice") : common.t("月报", "monthly report")
            Console.out(common.t("已写入\(what)：\(out)（\(format.rawValue)，\(chosen)）", "wrote the \(what) to \(out) (\(format.rawValue), \(chosen))"))
            if let head { Console.out(common.t("日志链头锚点：", "log head anchor: ") + head.anchor) }
        } catch {
            throw Console.fail(common.describe(error))
        }
    }
}

extension ReportCommand {
    /// The log's head for the paper: the last record's sequence number and chain hash, and the
    /// fingerprint of the key of the newest checkpoint whose signature holds (by the key at hand,
    /// when there is one). Nil, with a warning, when the log is damaged: a head printed then
    /// would anchor nothing that `verify` accepts.
    func logHead(_ store: Store) -> LogHead? {
        let log = store.log
        // (A log opened for reading is `.readOnly`; only corruption is damage.)
        if case .corrupt? = log.damage {
            Console.error(common.t("日志已损坏，报告中不印日志链头（请运行 chengxin verify）", "the log is damaged: the report carries no log head (run chengxin verify)"))
            return nil
        }
        let fingerprint = (try? common.checkpointFiles()).flatMap(store.newestCheckpointKeyFingerprint)
        return LogHead(sequence: log.lastSequence, hash: hexString(log.headHash), keyFingerprint: fingerprint)
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: localized("导入别处保存的文件中的数据。", "Import data from files others keep."), subcommands: [ImportRoster.self, ImportMembers.self])
}

/// `chengxin import roster FILE [--encoding utf-8|gb18030] [--dry-run]`.
struct ImportRoster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: localized("从 Excel 保存的 CSV 文件（UTF-8、带 BOM 的 UTF-8 或 GB18030）添加或更新商户。先检查每一行；有任何问题就什么都不写。", "Add or update shops from a CSV file as Excel saves it (UTF-8, UTF-8 with BOM or GB18030). Every row is checked first; any problem and nothing is written."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    /// The CSV file (columns as `chengxin export merchants` writes them), its encoding, --dry-run.
    @OptionGroup var input: ImportInput

    var file: String { input.file }

    func run() throws {
        do {
            let decoded = try RosterFile.read(file, encoding: input.encoding, common)
            let name = decoded.name
            let opened = input.dryRun ? try common.openForReading() : try Writer.open(common)
            let plan = try makePlan(decoded.text, opened.market, name)
            var report = RosterFile.opening(file, decoded.encodingName, rows: plan.rows, ignored: plan.ignoredColumns, common)
            for change in plan.changes {
                switch change.kind {
                case .add:
                    report.append(common.t("  新增 \(change.merchant.shopNumber) \(change.merchant.name)（第 \(change.line) 行）",
                                           "  add \(change.merchant.shopNumber) \(change.merchant.name) (line \(change.line))"))
                case .update(let target, _, let fields):
                    report.append(common.t("  更新 \(change.merchant.shopNumber) \(change.merchant.name)：\(fields.joined(separator: "、"))（第 \(change.line) 行，更正第 \(target) 条记录）",
                                           "  update \(change.merchant.shopNumber) \(change.merchant.name): \(fields.joined(separator: ", ")) (line \(change.line), correcting record \(target))"))
                }
            }
            // A plate without a current member owner, or an ordinary shop with one: reported, not
            // refused (docs/domain-model.md, "Members"); `import members` sets the owners right.
            for change in plan.changes {
                let owners = opened.market.memberOwners(of: change.merchant.shopNumber).count
                if let problem = change.merchant.plate.ownershipProblem(shop: change.merchant.shopNumber, memberOwners: owners) {
                    report.append("  ⚠ " + problem.text(common.lang))
                }
            }
            let summary = common.t("新增 \(plan.additions.count) 户，更新 \(plan.updates.count) 户，未变 \(plan.unchanged.count) 户",
                                   "\(plan.additions.count) added, \(plan.updates.count) updated, \(plan.unchanged.count) unchanged")
            if RosterFile.stopsBeforeWriting(dryRun: input.dryRun, nothingToDo: plan.changes.isEmpty, summary: summary, report: report, common,
                                             matches: common.t("名册与文件一致（\(summary)），未写入任何内容。", "the roster matches the file (\(summary)); nothing was written.")) {
                return
            }
            let me = try actor.authenticate(opened, common)
            do throws(LocalizedMessage) {
                try Action.amendRecord.check(me.role)
            } catch {
                throw CLIProblem(text: common.t("只有市场管理方可以导入名册（\(me.role.name(.zh))不可以）", "only a market manager may import a roster (not a \(me.role.name(.en)))"))
            }
            let prefix = "roster-import:" + (actor.requestID ?? UUID().uuidString)
            let at = Event.timestamp(Date())
            // Planned again under the lock, against the state with everything others appended.
            let written = try opened.append(events: { market in
                try makePlan(decoded.text, market, name).events(actor: me.name, at: at, keyPrefix: prefix, file: name)
            })
            report.append(RosterFile.written(written.map(\.sequence), summary: summary, common))
            Console.out(report.joined(separator: "\n"))
        } catch {
            throw RosterFile.fail(error, common)
        }
    }

    func makePlan(_ text: String, _ market: MarketState, _ name: String) throws(CLIProblem) -> RosterImportPlan {
        try RosterFile.plan(market, file: file, common) { () throws(SeedProblems) in try RosterImport.plan(text: text, market: market) }
    }
}

/// A roster file as Excel saves it (`import roster`, `import members`): read whole (20 MB at most)
/// and decoded (UTF-8, with or without BOM, or GB18030).
enum RosterFile {
    static func read(_ file: String, encoding: TextEncoding?, _ common: CommonOptions) throws(CLIProblem) -> (text: String, name: String, encodingName: String) {
        guard let data = FileManager.default.contents(atPath: file) else {
            let exists = FileManager.default.fileExists(atPath: file)
            throw CLIProblem(text: exists ? common.t("无法读取 \(file)", "cannot read \(file)") : common.t("文件 \(file) 不存在", "the file \(file) does not exist"))
        }
        if data.count > 20_000_000 {
            throw CLIProblem(text: common.t("文件过大（\(data.count) 字节）：名册不应超过 20 MB", "the file is too large (\(data.count) bytes): a roster should be under 20 MB"))
        }
        let decoded: (text: String, encoding: TextEncoding, byteOrderMark: Bool)
        do throws(LocalizedMessage) {
            decoded = try TextEncoding.decode(Array(data), as: encoding)
        } catch {
            throw CLIProblem(text: file + common.t("：", ": ") + error.text(common.lang))
        }
        let encodingName = decoded.encoding.rawValue.uppercased() + (decoded.byteOrderMark ? common.t("（带 BOM）", " (with BOM)") : "")
        return (decoded.text, URL(fileURLWithPath: file).lastPathComponent, encodingName)
    }
}

extension RosterFile {
    /// The plan `make` finds, or every problem it found, one a line under a header, each naming
    /// the file; refused before planning when the data directory has no branches yet.
    static func plan<Plan>(_ market: MarketState, file: String, _ common: CommonOptions, _ make: () throws(SeedProblems) -> Plan) throws(CLIProblem) -> Plan {
        if market.branches.isEmpty {
            throw CLIProblem(text: common.t("数据目录里还没有支部（先运行 chengxin init）", "the data directory has no branches yet (run chengxin init first)"))
        }
        do {
            return try make()
        } catch {
            let name = URL(fileURLWithPath: file).lastPathComponent
            let header = common.t("\(file) 有 \(error.problems.count) 处问题，未写入任何内容：", "\(file) has \(error.problems.count) problem(s); nothing was written:")
            throw CLIProblem(text: header + "\n" + error.problems.map { "  " + name + " " + $0.text(common.lang) }.joined(separator: "\n"))
        }
    }

    /// What an import says once appended: the records written, or a repeated request.
    static func written(_ sequences: [UInt64], summary: String, _ common: CommonOptions) -> String {
        guard let first = sequences.first, let last = sequences.last else {
            return common.t("重复请求（同一 --request-id），未再记录", "repeated request (same --request-id); not recorded again")
        }
        return common.t("已导入：\(summary)；记录 #\(first)–#\(last)。", "imported: \(summary); records #\(first)–#\(last).")
    }

    /// An import's failure: one problem a line on standard error (Console.error makes a line
    /// break inside a message visible), exit status 1.
    static func fail(_ error: any Error, _ common: CommonOptions) -> ExitCode {
        for line in common.describe(error).split(separator: "\n") { Console.error(String(line)) }
        return ExitCode(1)
    }
}

/// What `import roster` and `import members` read: the file, its encoding, whether only to check.
struct ImportInput: ParsableArguments {
    @Argument(help: localized("CSV 文件（各列同对应的 `chengxin export` 写出的一样）。", "The CSV file (columns as the matching `chengxin export` writes them)."))
    var file: String

    @Option(name: .long, help: localized("utf-8 或 gb18030（默认：自动识别）。", "utf-8 or gb18030 (default: detected)."))
    var encoding: TextEncoding?

    @Flag(name: .long, help: localized("只检查文件，说明会有哪些改动，不写入任何内容（不需要 --as）。", "Check the file and say what would change; write nothing (needs no --as)."))
    var dryRun = false
}

extension RosterFile {
    /// An import's first lines: the file checked, and the columns it does not read.
    static func opening(_ file: String, _ encodingName: String, rows: Int, ignored: [String], _ common: CommonOptions) -> [String] {
        var report = [common.t("\(file)：编码 \(encodingName)，\(rows) 行，全部通过检查。", "\(file): encoding \(encodingName), \(rows) rows, all valid.")]
        if !ignored.isEmpty {
            report.append(common.t("不导入的列：", "columns not imported: ") + ignored.joined(separator: common.t("、", ", ")))
        }
        return report
    }

    /// Prints the report and says so when nothing is to be written: a dry run, or a file that
    /// matches the record (`matches` says it).
    static func stopsBeforeWriting(dryRun: Bool, nothingToDo: Bool, summary: String, report: [String], _ common: CommonOptions, matches: String) -> Bool {
        guard dryRun || nothingToDo else { return false }
        let last = dryRun ? common.t("试运行：将\(summary)；未写入任何内容。", "dry run: would be \(summary); nothing was written.") : matches
        Console.out((report + [last]).joined(separator: "\n"))
        return true
    }
}
