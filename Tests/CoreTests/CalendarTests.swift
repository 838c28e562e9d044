import Testing
@testable import Core

func shippedCalendar() throws -> WorkingCalendar {
    let files = try shippedSeedFiles()
    return try WorkingCalendar.parse(days: files["calendar.csv"] ?? "", years: files["calendar-years.csv"] ?? "")
}

func date(_ text: String) -> SimpleDate {
    guard let value = SimpleDate(iso: text) else { fatalError("bad test date \(text)") }
    return value
}

@Suite("Working-day calendar")
struct CalendarTests {
    @Test func datesAndWeekdays() {
        #expect(date("1970-01-01").dayNumber == 0)
        #expect(date("2026-11-27").weekday == 5)  // a Friday
        #expect(date("2025-10-11").weekday == 6)
        #expect(SimpleDate(dayNumber: date("2024-02-28").dayNumber + 1) == date("2024-02-29"))
        #expect(date("2025-12-31").adding(days: 1) == date("2026-01-01"))
    }

    @Test func coverageOfTheShippedYears() throws {
        let calendar = try shippedCalendar()
        #expect(calendar.coverage(of: 2025) == .official)
        #expect(calendar.coverage(of: 2026) == .official)
        #expect(calendar.coverage(of: 2027) == .provisional)
        #expect(calendar.coverage(of: 2028) == .none)
    }

    @Test func nationalDay2025AndItsAdjustedSaturday() throws {
        let calendar = try shippedCalendar()
        #expect(calendar.isWorkingDay(date("2025-09-28")), "Sunday 28 September 2025 is worked (调休)")
        for day in 1...8 { #expect(!calendar.isWorkingDay(date(String(format: "2025-10-%02d", day)))) }
        #expect(calendar.isWorkingDay(date("2025-10-11")), "Saturday 11 October 2025 is worked (调休)")
        #expect(!calendar.isWorkingDay(date("2025-10-12")))
        // A complaint filed on Friday 26 September: 7 working days to accept or reject.
        #expect(calendar.addingWorkingDays(7, to: date("2025-09-26")) == date("2025-10-13"))
        #expect(calendar.workingDays(after: date("2025-09-26"), through: date("2025-10-13")) == 7)
        #expect(calendar.entry(for: date("2025-10-06"))?.name == "国庆节、中秋节")
    }

    @Test func springFestival2026AndBothAdjustedSaturdays() throws {
        let calendar = try shippedCalendar()
        #expect(calendar.isWorkingDay(date("2026-02-14")))
        for day in 15...23 { #expect(!calendar.isWorkingDay(date("2026-02-\(day)"))) }
        #expect(calendar.isWorkingDay(date("2026-02-28")))
        #expect(calendar.addingWorkingDays(7, to: date("2026-02-12")) == date("2026-02-28"))
        // 45 working days of mediation from 2026-01-02 (over 元旦's 调休 Sunday and the Spring Festival).
        let end = calendar.addingWorkingDays(45, to: date("2026-01-02"))
        #expect(calendar.workingDays(after: date("2026-01-02"), through: end) == 45)
        #expect(end == date("2026-03-11"))
    }

    @Test func badCalendarRowsAreNamed() {
        #expect {
            try WorkingCalendar.parse(days: "日期,类型,名称\n2025-02-30,休,x\n2025-10-09,班,x\n2025-10-01,放,x\n2030-01-01,休,x\n",
                                      years: "年份,状态,依据\n2025,正式,x\n")
        } throws: { error in
            let text = (error as? SeedProblems)?.text(.zh) ?? ""
            return text.contains("calendar.csv 第 2 行：日期“2025-02-30”不是有效日期")
                && text.contains("calendar.csv 第 3 行：2025-10-09 是工作日")
                && text.contains("calendar.csv 第 4 行：类型应为“休”或“班”")
                && text.contains("calendar.csv 第 5 行：2030 年不在 calendar-years.csv 中")
        }
    }
}
