import ArgumentParser
import Core
import Foundation
import Log
import Storage

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: localized("工作日历（法定节假日与调休）：各项期限按它计算工作日。", "The working-day calendar (法定节假日与调休) that deadlines are counted on."),
        subcommands: [CalendarShow.self, CalendarAddYear.self])
}

struct CalendarShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("工作日历已正式收录哪些年份；--year 列出该年的放假日和调休上班日。", "Which years the calendar covers officially; --year lists that year's days."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("列出这一年的放假日（休）和调休上班日（班）。", "List this year's holidays (休) and adjusted working days (班)."))
    var year: Int?

    func run() throws {
        let calendar = try common.openForReading().market.calendar
        var lines: [String] = []
        for (year, coverage) in calendar.years.sorted(by: { $0.key < $1.key }) {
            lines.append("\(year)  " + CalendarShow.name(coverage, common.lang))
        }
        lines.append(common.t("其他年份：没有录入，只按周末推算（期限旁会有提示）", "other years: not entered, weekends only (deadlines carry a warning)"))
        if let year {
            lines.append("")
            lines.append("\(year)  " + CalendarShow.name(calendar.coverage(of: year), common.lang))
            let days = calendar.entries.values.filter { $0.date.year == year }.sorted { $0.date < $1.date }
            for day in days {
                lines.append("  \(day.date)  \(day.kind == .holiday ? common.t("休", "holiday") : common.t("班", "worked"))  \(day.name)")
            }
        }
        Console.out(lines.joined(separator: "\n"))
    }

    static func name(_ coverage: WorkingCalendar.Coverage, _ language: Language) -> String {
        switch coverage {
        case .official: return language.pick("正式（国务院办公厅通知）", "official (State Council notice)")
        case .provisional: return language.pick("暂定（只有法定节假日，调休尚未录入）", "provisional (statutory holidays only, no 调休)")
        case .none: return language.pick("没有录入（只按周末推算）", "not entered (weekends only)")
        }
    }
}

struct CalendarAddYear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-year",
        abstract: localized("从 FILE 记录一年的法定节假日和调休（格式同 seeds/calendar.csv：日期,类型,名称,依据），记为一条事件。仅限市场管理方。", "Record a year's official holidays and 调休 from FILE (the format of seeds/calendar.csv: 日期,类型,名称,依据), as an event. Market managers only."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("年份，例如 2028。", "The year, e.g. 2028."))
    var year: Int

    @Argument(help: localized("UTF-8 编码的 CSV 文件：日期,类型,名称,依据——YEAR 年的每个放假日（休）或调休上班日（班）占一行。", "A UTF-8 CSV file: 日期,类型,名称,依据 — one row per holiday (休) or adjusted working day (班) of YEAR."))
    var file: String

    @Flag(name: .long, help: localized("替换已正式收录的年份（须用 --reason 说明原因）。", "Replace a year that is official already (needs --reason)."))
    var replace = false

    @Option(name: .long, help: localized("为什么替换已正式收录的年份（与 --replace 同用）。", "Why an official year is replaced (with --replace)."))
    var reason: String?

    /// A year's file is a few dozen lines; anything far larger is not one.
    static let maximumFileSize = 256 * 1024

    func run() throws {
        do {
            let reason = self.reason.map(SafeStorage.clean)
            if replace && (reason ?? "").isEmpty {
                throw CLIProblem(text: common.t("--replace 需要用 --reason 说明为什么更正这一年的日历", "--replace needs --reason: why the year's calendar is corrected"))
            }
            if !replace && reason != nil {
                throw CLIProblem(text: common.t("--reason 只与 --replace 一起使用", "--reason goes only with --replace"))
            }
            let text = try readFile()
            var added: CalendarYearAdded
            do {
                added = try CalendarYearAdded.parse(year: year, text: text, file: (file as NSString).lastPathComponent)
            } catch {
                // One line per problem on stderr, the last as the command's error.
                for problem in error.problems.dropLast() { Console.error(problem.text(common.lang)) }
                throw CLIProblem(text: error.problems.last?.text(common.lang) ?? "")
            }
            added.reason = replace ? reason : nil
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            let key = actor.key("calendar-year")
            try Writer.record(opened, key: key, common) { market in
                do throws(LocalizedMessage) {
                    try market.validate(added, by: me)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .calendarYearAdded(added))
            } answer: { recorded in
                guard case .calendarYearAdded(let added) = recorded.event.body else { return nil }
                let (year, replaced, sequence) = (added.year, added.reason != nil, recorded.sequence)
                let official = recorded.market.calendar.coverage(of: year) == .official
                return common.t(
                    "已录入 \(year) 年正式日历\(replaced ? "（更正原有的正式日历）" : "")：\(added.holidays) 个放假日、\(added.adjustedWorkdays) 个调休上班日，记录 #\(sequence)\n依据：\(added.source)\n此后计算的期限按这一日历\(official ? "" : "（未生效，请检查日志）")",
                    "entered the official calendar of \(year)\(replaced ? " (correcting the earlier one)" : ""): \(added.holidays) holidays, \(added.adjustedWorkdays) adjusted working days, record #\(sequence)\nsource: \(added.source)\ndeadlines computed from now on use it\(official ? "" : " (not in force: check the log)")")
            }
        } catch {
            throw common.failure(error)
        }
    }

    /// The file's text: UTF-8, at most `maximumFileSize` bytes.
    func readFile() throws(CLIProblem) -> String {
        try Self.readText(file, maximumSize: Self.maximumFileSize, common,
                          tooLarge: LocalizedMessage(zh: "文件 \(file) 超过 256 KB，不像是一年的日历", en: "the file \(file) is over 256 KB: not one year's calendar"))
    }

    /// A small UTF-8 text file given on the command line, refused when larger than `maximumSize`.
    static func readText(_ file: String, maximumSize: Int, _ common: CommonOptions, tooLarge: LocalizedMessage) throws(CLIProblem) -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw CLIProblem(text: common.t("无法读取文件 \(file)", "cannot read the file \(file)"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            throw CLIProblem(text: common.t("无法读取文件 \(file)：\(error.localizedDescription)", "cannot read the file \(file): \(error.localizedDescription)"))
        }
        if data.count > maximumSize {
            throw CLIProblem(text: tooLarge.text(common.lang))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CLIProblem(text: common.t("文件 \(file) 不是 UTF-8 编码（用 Excel 保存时请选“CSV UTF-8”）", "the file \(file) is not UTF-8 (save as \"CSV UTF-8\")"))
        }
        return text
    }
}
