/// The working-day calendar of mainland China, with the State Council's holidays (休) and the
/// adjusted working days (调休上班, 班) as data (`seeds/calendar.csv`), so that deadlines counted
/// in working days are right around the Spring Festival and National Day.
public struct WorkingCalendar: Sendable, Equatable, Codable {
    public enum DayKind: String, Sendable, Codable {
        /// A holiday on a day that would otherwise be worked (休).
        case holiday
        /// A weekend day that is worked instead (班).
        case adjustedWorkday
    }

    public struct Entry: Sendable, Equatable, Codable {
        public var date: SimpleDate
        public var kind: DayKind
        public var name: String

        public init(date: SimpleDate, kind: DayKind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    /// How far a year's data can be trusted.
    public enum Coverage: String, Sendable, Codable {
        /// From the State Council's notice.
        case official
        /// Statutory holidays only; the adjusted working days are not known yet.
        case provisional
        /// No data: weekends only.
        case none
    }

    public private(set) var entries: [Int: Entry] = [:]
    public private(set) var years: [Int: Coverage] = [:]

    public init(entries: [Entry], years: [Int: Coverage]) {
        for entry in entries { self.entries[entry.date.dayNumber] = entry }
        self.years = years
    }

    public func coverage(of year: Int) -> Coverage {
        years[year] ?? .none
    }

    /// The special day's entry, if the date is a holiday or an adjusted working day.
    public func entry(for date: SimpleDate) -> Entry? {
        entries[date.dayNumber]
    }

    public func isWorkingDay(_ date: SimpleDate) -> Bool {
        isWorkingDay(dayNumber: date.dayNumber)
    }

    func isWorkingDay(dayNumber: Int) -> Bool {
        if let entry = entries[dayNumber] { return entry.kind == .adjustedWorkday }
        return SimpleDate.weekday(ofDayNumber: dayNumber) <= 5
    }

    /// The `n`-th working day after `date` (the day itself not counted); `date` for n ≤ 0.
    public func addingWorkingDays(_ n: Int, to date: SimpleDate) -> SimpleDate {
        // On day numbers: counting rectification deadlines over a decade of inspections asks this
        // tens of thousands of times.
        var day = date.dayNumber
        var left = n
        while left > 0 {
            day += 1
            if isWorkingDay(dayNumber: day) { left -= 1 }
        }
        return left == n ? date : SimpleDate(dayNumber: day)
    }

    /// Working days after `start` up to and including `end` (0 when `end` ≤ `start`).
    public func workingDays(after start: SimpleDate, through end: SimpleDate) -> Int {
        guard end > start else { return 0 }
        var count = 0
        var day = start.dayNumber + 1
        while day <= end.dayNumber {
            if isWorkingDay(dayNumber: day) { count += 1 }
            day += 1
        }
        return count
    }

    /// Reads `calendar.csv` (日期,类型,名称[,依据]) and `calendar-years.csv` (年份,状态), validating each row.
    public static func parse(days: String, years yearsText: String) throws(SeedProblems) -> WorkingCalendar {
        var problems: [LocalizedMessage] = []
        var entries: [Entry] = []
        var years: [Int: Coverage] = [:]
        func problem(_ file: String, _ line: Int, _ zh: String, _ en: String) {
            problems.append(LocalizedMessage(zh: "\(file) 第 \(line) 行：\(zh)", en: "\(file) line \(line): \(en)"))
        }
        do {
            let table = try CSVTable.parse(yearsText)
            let ix = try table.columns(["年份", "状态"], file: "calendar-years.csv")
            for row in table.rows {
                let yearText = ix["年份"].flatMap { $0 < row.fields.count ? row.fields[$0] : nil } ?? ""
                let state = ix["状态"].flatMap { $0 < row.fields.count ? row.fields[$0] : nil } ?? ""
                guard let year = Int(yearText), (1900...9999).contains(year) else {
                    problem("calendar-years.csv", row.line, "年份“\(yearText)”无效", "invalid year \"\(yearText)\"")
                    continue
                }
                switch state {
                case "正式": years[year] = .official
                case "暂定": years[year] = .provisional
                default: problem("calendar-years.csv", row.line, "状态应为“正式”或“暂定”，现为“\(state)”", "state must be 正式 or 暂定, is \"\(state)\"")
                }
            }
        } catch {
            problems.append(LocalizedMessage(zh: "calendar-years.csv：\(error.zh)", en: "calendar-years.csv: \(error.en)"))
        }
        do {
            let table = try CSVTable.parse(days)
            let rows = try dayRows(table, file: "calendar.csv") { line, zh, en in problem("calendar.csv", line, zh, en) }
            for row in rows {
                if years[row.entry.date.year] == nil {
                    problem("calendar.csv", row.line, "\(row.entry.date.year) 年不在 calendar-years.csv 中", "year \(row.entry.date.year) is not listed in calendar-years.csv")
                    continue
                }
                entries.append(row.entry)
            }
        } catch {
            problems.append(LocalizedMessage(zh: "calendar.csv：\(error.zh)", en: "calendar.csv: \(error.en)"))
        }
        if !problems.isEmpty { throw SeedProblems(problems: problems) }
        return WorkingCalendar(entries: entries, years: years)
    }

    /// The rows of a `calendar.csv`-shaped table (日期,类型,名称, and 依据 when present), each
    /// checked on its own: a real date, 休 or 班, 班 only on a weekend, no date twice. A row with a
    /// problem is reported through `problem` and left out.
    static func dayRows(_ table: CSVTable, file: String, problem: (Int, String, String) -> Void) throws(LocalizedMessage)
        -> [(line: Int, entry: Entry, source: String)] {
        let ix = try table.columns(["日期", "类型", "名称"], file: file)
        let sourceColumn = table.header.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "依据" }
        var seen: [Int: Int] = [:]
        var result: [(line: Int, entry: Entry, source: String)] = []
        for row in table.rows {
            func field(_ index: Int?) -> String {
                index.flatMap { $0 < row.fields.count ? row.fields[$0].trimmingCharacters(in: .whitespaces) : nil } ?? ""
            }
            let dateText = field(ix["日期"]), kindText = field(ix["类型"])
            guard let date = SimpleDate(iso: dateText) else {
                problem(row.line, "日期“\(dateText)”不是有效日期（应为 YYYY-MM-DD）", "\"\(dateText)\" is not a valid date (YYYY-MM-DD)")
                continue
            }
            let kind: DayKind
            switch kindText {
            case "休": kind = .holiday
            case "班": kind = .adjustedWorkday
            default:
                problem(row.line, "类型应为“休”或“班”，现为“\(kindText)”", "kind must be 休 or 班, is \"\(kindText)\"")
                continue
            }
            if kind == .adjustedWorkday && date.weekday <= 5 {
                problem(row.line, "\(date) 是工作日，不需要标为调休上班", "\(date) is a weekday already; it cannot be an adjusted working day")
                continue
            }
            if let earlier = seen[date.dayNumber] {
                problem(row.line, "日期 \(date) 重复（第 \(earlier) 行已有；同一天不能既放假又调休上班）",
                        "duplicate date \(date) (already on line \(earlier); a day cannot be both a holiday and a working day)")
                continue
            }
            seen[date.dayNumber] = row.line
            result.append((row.line, Entry(date: date, kind: kind, name: field(ix["名称"])), field(sourceColumn)))
        }
        return result
    }
}

// MARK: - Coverage of deadlines

/// A deadline counted in working days, with the years of the days it counted that the calendar
/// does not officially cover: there the count is only as good as the data (statutory holidays
/// without 调休, or weekends only), and whoever reads the date must be told.
public struct Deadline: Sendable, Equatable, CustomStringConvertible {
    /// A year the count went through without the State Council's schedule.
    public struct Gap: Sendable, Equatable {
        public let year: Int
        /// `.provisional` or `.none`.
        public let coverage: WorkingCalendar.Coverage
    }

    /// The day counting started after (not itself counted).
    public let start: SimpleDate
    public let date: SimpleDate
    /// Ascending by year; empty when every day counted lies in an officially covered year.
    public let uncovered: [Gap]

    public var isCertain: Bool { uncovered.isEmpty }
    public var description: String { date.description }

    /// For managers, secretaries and reports: which years, and why the date may be wrong.
    public var warning: LocalizedMessage? {
        guard !uncovered.isEmpty else { return nil }
        func years(_ coverage: WorkingCalendar.Coverage) -> [String] {
            uncovered.filter { $0.coverage == coverage }.map { String($0.year) }
        }
        var zh: [String] = [], en: [String] = []
        let absent = years(.none), provisional = years(.provisional)
        if !provisional.isEmpty {
            zh.append("\(provisional.joined(separator: "、")) 年的日历为暂定（调休尚未录入）")
            en.append("the calendar of \(provisional.joined(separator: ", ")) is provisional (no 调休 entered)")
        }
        if !absent.isEmpty {
            zh.append("按周末推算，\(absent.joined(separator: "、")) 年的法定节假日尚未录入")
            en.append("counted on weekends only: the official holidays of \(absent.joined(separator: ", ")) are not entered")
        }
        return LocalizedMessage(zh: zh.joined(separator: "；") + "，期限可能不准", en: en.joined(separator: "; ") + "; the date may be wrong")
    }

    /// One warning for many deadlines (a report's figures): every year any of them counted
    /// without the official schedule, once; nil when all are certain.
    public static func warning(for deadlines: [Deadline]) -> LocalizedMessage? {
        var gaps: [Int: Gap] = [:]
        for d in deadlines { for gap in d.uncovered { gaps[gap.year] = gap } }
        guard let first = deadlines.first, !gaps.isEmpty else { return nil }
        return Deadline(start: first.start, date: first.date, uncovered: gaps.values.sorted { $0.year < $1.year }).warning
    }

    /// For consumers (the kiosk): short, without the calendar's bookkeeping.
    public var consumerNote: LocalizedMessage? {
        guard !uncovered.isEmpty else { return nil }
        return LocalizedMessage(zh: "此为预计日期，如遇节假日可能顺延", en: "an estimate: holidays may move it later")
    }
}

extension WorkingCalendar {
    /// The deadline `workingDays` working days after `start`, with its coverage: the one way a
    /// deadline is computed for display (screens, receipt, command line, reports).
    public func deadline(_ workingDays: Int, after start: SimpleDate) -> Deadline {
        deadline(from: start, to: addingWorkingDays(workingDays, to: start))
    }

    /// The coverage of a deadline counted already (a rectification's, kept with it): every day
    /// after `start` up to and including `date` was counted, and each of their years is looked up.
    public func deadline(from start: SimpleDate, to date: SimpleDate) -> Deadline {
        var gaps: [Deadline.Gap] = []
        if date > start {
            for year in start.adding(days: 1).year...date.year {
                let coverage = self.coverage(of: year)
                if coverage != .official { gaps.append(Deadline.Gap(year: year, coverage: coverage)) }
            }
        }
        return Deadline(start: start, date: date, uncovered: gaps)
    }
}

// MARK: - Adding a year (`chengxin calendar add-year`)

/// A year's official holidays (休) and adjusted working days (班), as the State Council's notice
/// gives them, recorded by a market manager (`calendar.year-added`). The fold makes the year
/// official and replaces whatever the calendar had for it; deadlines computed afterwards use it.
public struct CalendarYearAdded: Sendable, Codable, Equatable {
    public var year: Int
    /// The notice: its title and date (the 依据 column of the file).
    public var source: String
    /// Every holiday and adjusted working day of the year, in date order.
    public var days: [WorkingCalendar.Entry]
    /// Why a year that was official already is replaced (`--replace --reason`); absent otherwise.
    public var reason: String?

    public init(year: Int, source: String, days: [WorkingCalendar.Entry], reason: String? = nil) {
        self.year = year
        self.source = source
        self.days = days
        self.reason = reason
    }

    public var holidays: Int { days.filter { $0.kind == .holiday }.count }
    public var adjustedWorkdays: Int { days.filter { $0.kind == .adjustedWorkday }.count }

    /// Reads one year from text in the format of `seeds/calendar.csv` (日期,类型,名称,依据), every
    /// row checked; all the problems at once, each with its line.
    public static func parse(year: Int, text: String, file: String) throws(SeedProblems) -> CalendarYearAdded {
        var problems: [LocalizedMessage] = []
        var rowProblems: [(line: Int, message: LocalizedMessage)] = []
        func problem(_ line: Int, _ zh: String, _ en: String) {
            rowProblems.append((line, LocalizedMessage(zh: "\(file) 第 \(line) 行：\(zh)", en: "\(file) line \(line): \(en)")))
        }
        guard (1900...9999).contains(year) else {
            throw SeedProblems(problems: [LocalizedMessage(zh: "年份 \(year) 无效", en: "invalid year \(year)")])
        }
        var days: [WorkingCalendar.Entry] = []
        var sources: [String] = []
        do throws(LocalizedMessage) {
            let table = try CSVTable.parse(text)
            guard table.header.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "依据" }) else {
                throw LocalizedMessage(zh: "缺少“依据”一列（写国务院办公厅通知的名称和日期）", en: "the column 依据 (the State Council's notice, its title and date) is missing")
            }
            for row in try WorkingCalendar.dayRows(table, file: file, problem: problem) {
                if row.entry.date.year != year {
                    problem(row.line, "\(row.entry.date) 不在 \(year) 年内", "\(row.entry.date) is not in \(year)")
                    continue
                }
                if row.entry.name.count > 50 {
                    problem(row.line, "名称超过 50 个字", "the name is longer than 50 characters")
                    continue
                }
                if row.source.isEmpty {
                    problem(row.line, "“依据”为空（写国务院办公厅通知的名称和日期）", "依据 is empty (the State Council's notice, its title and date)")
                    continue
                }
                if !sources.contains(row.source) { sources.append(row.source) }
                days.append(row.entry)
            }
        } catch {
            // The header's message names the file already.
            problems.append(error.zh.hasPrefix(file) ? error : LocalizedMessage(zh: "\(file)：\(error.zh)", en: "\(file): \(error.en)"))
        }
        // In the order of the file's lines.
        problems += rowProblems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element.message)
        if problems.isEmpty && !days.contains(where: { $0.kind == .holiday }) {
            problems.append(LocalizedMessage(zh: "\(file) 没有 \(year) 年的放假日（休）", en: "\(file) has no holiday (休) of \(year)"))
        }
        let source = sources.joined(separator: "；")
        if problems.isEmpty && source.count > 300 {
            problems.append(LocalizedMessage(zh: "\(file)：“依据”合计超过 300 个字", en: "\(file): 依据 is longer than 300 characters in all"))
        }
        if !problems.isEmpty { throw SeedProblems(problems: problems) }
        return CalendarYearAdded(year: year, source: source, days: days.sorted { $0.date < $1.date })
    }
}

extension WorkingCalendar {
    /// Folds `calendar.year-added`: the year's entries replaced by the event's, the year official.
    /// Days outside the year, or a date twice, are left out (such an event is refused before it is
    /// written; one that reached the log anyway changes nothing else).
    mutating func addOfficialYear(_ added: CalendarYearAdded) {
        guard (1900...9999).contains(added.year) else { return }
        for (day, entry) in entries where entry.date.year == added.year { entries[day] = nil }
        for entry in added.days where entry.date.year == added.year && entries[entry.date.dayNumber] == nil {
            if entry.kind == .adjustedWorkday && entry.date.weekday <= 5 { continue }
            entries[entry.date.dayNumber] = entry
        }
        years[added.year] = .official
    }
}

extension MarketState {
    /// Whether `user` may record this year's calendar: a market manager; the days checked again;
    /// a year already official only with a reason (`--replace`), and a reason only then.
    public func validate(_ added: CalendarYearAdded, by user: User) throws(LocalizedMessage) {
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "只有市场管理方可以录入日历（\(user.role.name(.zh))无权进行此操作）",
                                   en: "only a market manager may enter a calendar year (a \(user.role.name(.en)) may not)")
        }
        var seen: Set<Int> = []
        for day in added.days {
            guard day.date.year == added.year, seen.insert(day.date.dayNumber).inserted,
                  day.kind == .holiday || day.date.weekday > 5 else {
                throw LocalizedMessage(zh: "\(day.date) 不能录入 \(added.year) 年的日历", en: "\(day.date) cannot be entered in the calendar of \(added.year)")
            }
        }
        let official = calendar.coverage(of: added.year) == .official
        let reason = added.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if official && reason.isEmpty {
            throw LocalizedMessage(zh: "\(added.year) 年已有正式日历；如需更正，请加 --replace 并用 --reason 说明原因",
                                   en: "\(added.year) already has an official calendar; to correct it, add --replace and give --reason")
        }
        if !official && added.reason != nil {
            throw LocalizedMessage(zh: "\(added.year) 年还没有正式日历，不需要 --replace", en: "\(added.year) has no official calendar yet; --replace is not needed")
        }
    }
}
