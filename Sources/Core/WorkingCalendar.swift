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

    /// Reads `calendar.csv` (日期,类型,名称) and `calendar-years.csv` (年份,状态), validating each row.
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
            let ix = try table.columns(["日期", "类型", "名称"], file: "calendar.csv")
            var seen: Set<Int> = []
            for row in table.rows {
                func field(_ name: String) -> String {
                    ix[name].flatMap { $0 < row.fields.count ? row.fields[$0].trimmingCharacters(in: .whitespaces) : nil } ?? ""
                }
                guard let date = SimpleDate(iso: field("日期")) else {
                    problem("calendar.csv", row.line, "日期“\(field("日期"))”不是有效日期（应为 YYYY-MM-DD）", "\"\(field("日期"))\" is not a valid date (YYYY-MM-DD)")
                    continue
                }
                let kind: DayKind
                switch field("类型") {
                case "休": kind = .holiday
                case "班": kind = .adjustedWorkday
                default:
                    problem("calendar.csv", row.line, "类型应为“休”或“班”，现为“\(field("类型"))”", "kind must be 休 or 班, is \"\(field("类型"))\"")
                    continue
                }
                if kind == .adjustedWorkday && date.weekday <= 5 {
                    problem("calendar.csv", row.line, "\(date) 是工作日，不需要标为调休上班", "\(date) is a weekday already; it cannot be an adjusted working day")
                    continue
                }
                if years[date.year] == nil {
                    problem("calendar.csv", row.line, "\(date.year) 年不在 calendar-years.csv 中", "year \(date.year) is not listed in calendar-years.csv")
                    continue
                }
                if !seen.insert(date.dayNumber).inserted {
                    problem("calendar.csv", row.line, "日期 \(date) 重复", "duplicate date \(date)")
                    continue
                }
                entries.append(Entry(date: date, kind: kind, name: field("名称")))
            }
        } catch {
            problems.append(LocalizedMessage(zh: "calendar.csv：\(error.zh)", en: "calendar.csv: \(error.en)"))
        }
        if !problems.isEmpty { throw SeedProblems(problems: problems) }
        return WorkingCalendar(entries: entries, years: years)
    }
}
