import Reports
import Testing
import TestSupport
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

    // MARK: coverage of deadlines, and adding a year (issue 17, item 7)


    @Test func aDeadlineCountedOverAYearNotCoveredCarriesTheWarning() throws {
        let calendar = try shippedCalendar()
        // Filed on Thursday 2028-09-28: weekends only, 7 working days end on Monday 9 October.
        let due = calendar.deadline(7, after: date("2028-09-28"))
        #expect(due.date == date("2028-10-09"))
        #expect(!due.isCertain)
        #expect(due.uncovered == [Deadline.Gap(year: 2028, coverage: .none)])
        #expect(due.warning?.zh == "按周末推算，2028 年的法定节假日尚未录入，期限可能不准")
        #expect(due.warning?.en == "counted on weekends only: the official holidays of 2028 are not entered; the date may be wrong")
        #expect(due.consumerNote?.zh == "此为预计日期，如遇节假日可能顺延")
        // 2027 is provisional (no 调休): flagged too, and said so.
        let provisional = calendar.deadline(7, after: date("2027-03-01"))
        #expect(provisional.warning?.zh == "2027 年的日历为暂定（调休尚未录入），期限可能不准")
        // A count from late December 2027 into 2028 names both years.
        let both = calendar.deadline(7, after: date("2027-12-27"))
        #expect(both.uncovered.map(\.year) == [2027, 2028])
        #expect(both.warning?.zh == "2027 年的日历为暂定（调休尚未录入）；按周末推算，2028 年的法定节假日尚未录入，期限可能不准")
    }

    @Test func aDeadlineInsideAnOfficialYearIsNotFlagged() throws {
        let calendar = try shippedCalendar()
        let due = calendar.deadline(7, after: date("2026-03-03"))
        #expect(due.date == date("2026-03-12"))
        #expect(due.isCertain && due.warning == nil && due.consumerNote == nil)
        // The start day itself is not counted: from 31 December 2026 the count starts in 2027.
        #expect(calendar.deadline(0, after: date("2026-12-31")).isCertain)
        #expect(calendar.deadline(1, after: date("2026-12-30")).isCertain)
        #expect(!calendar.deadline(1, after: date("2026-12-31")).isCertain)
        // A deadline counted already (a rectification's) is judged the same way.
        #expect(calendar.deadline(from: date("2026-12-28"), to: date("2027-01-05")).uncovered == [Deadline.Gap(year: 2027, coverage: .provisional)])
    }

    @Test func addingTheYearMovesTheDeadlineAndTheWarningGoes() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("K7QX-2028", day: "2028-09-28")), by: "li")
        let rules = try #require(s.state.rules)
        let before = try #require(s.state.complaints["K7QX-2028"]?.due(rules: rules, calendar: s.state.calendar))
        #expect(before.date == date("2028-10-09") && before.warning != nil)

        let added = try CalendarYearAdded.parse(year: 2028, text: fictionalCalendar2028, file: "2028.csv")
        #expect(added.holidays == 8 && added.adjustedWorkdays == 2 && added.source == "测试用虚构安排")
        try s.state.validate(added, by: s.manager)
        s.add(.calendarYearAdded(added), by: "li")
        let state = s.state
        #expect(state.calendar.coverage(of: 2028) == .official)
        let after = try #require(state.complaints["K7QX-2028"]?.due(rules: rules, calendar: state.calendar))
        // 29 Sep, Sat 30 Sep (worked), Sun 8 Oct (worked), 9, 10, 11, 12 October.
        #expect(after.date == date("2028-10-12"))
        #expect(after.isCertain && after.warning == nil)
        #expect(state.complaints["K7QX-2028"]?.deadline(rules: rules, calendar: state.calendar) == date("2028-10-12"))
        // The years before are untouched.
        #expect(state.calendar.addingWorkingDays(7, to: date("2025-09-26")) == date("2025-10-13"))
    }

    @Test func anOfficialYearIsReplacedOnlyWithAReasonAndOnlyByAManager() throws {
        var s = try Scenario()
        let added = try CalendarYearAdded.parse(year: 2028, text: fictionalCalendar2028, file: "2028.csv")
        #expect(throws: LocalizedMessage.self) { try s.state.validate(added, by: s.secretary1) }
        var withReason = added
        withReason.reason = "更正"
        #expect { try s.state.validate(withReason, by: s.manager) } throws: { ($0 as? LocalizedMessage)?.zh == "2028 年还没有正式日历，不需要 --replace" }
        s.add(.calendarYearAdded(added), by: "li")
        #expect { try s.state.validate(added, by: s.manager) } throws: {
            ($0 as? LocalizedMessage)?.zh == "2028 年已有正式日历；如需更正，请加 --replace 并用 --reason 说明原因"
        }
        // 2026 is official from the seeds: the same rule.
        let seeded = try CalendarYearAdded.parse(year: 2026, text: "日期,类型,名称,依据\n2026-01-01,休,元旦,通知\n", file: "2026.csv")
        #expect(throws: LocalizedMessage.self) { try s.state.validate(seeded, by: s.manager) }
        // A replacement drops the year's old days: Sunday 8 October is no longer worked.
        var corrected = try CalendarYearAdded.parse(year: 2028, text: "日期,类型,名称,依据\n2028-10-02,休,国庆节,更正后的测试安排\n", file: "2028.csv")
        corrected.reason = "录错了"
        try s.state.validate(corrected, by: s.manager)
        s.add(.calendarYearAdded(corrected), by: "li")
        let calendar = s.state.calendar
        #expect(!calendar.isWorkingDay(date("2028-10-08")) && calendar.isWorkingDay(date("2028-10-03")) && !calendar.isWorkingDay(date("2028-10-02")))
        #expect(calendar.entry(for: date("2028-10-02"))?.name == "国庆节")
    }

    @Test func aYearFileIsCheckedRowByRow() {
        let text = """
            日期,类型,名称,依据
            2028-02-30,休,x,通知
            2028-10-09,班,x,通知
            2027-10-01,休,x,通知
            2028-10-01,放,x,通知
            2028-10-02,休,x,
            2028-10-07,休,国庆节,通知
            2028-10-07,班,调休,通知

            """
        #expect { try CalendarYearAdded.parse(year: 2028, text: text, file: "y.csv") } throws: { error in
            let lines = (error as? SeedProblems)?.problems.map(\.zh) ?? []
            return lines == [
                "y.csv 第 2 行：日期“2028-02-30”不是有效日期（应为 YYYY-MM-DD）",
                "y.csv 第 3 行：2028-10-09 是工作日，不需要标为调休上班",
                "y.csv 第 4 行：2027-10-01 不在 2028 年内",
                "y.csv 第 5 行：类型应为“休”或“班”，现为“放”",
                "y.csv 第 6 行：“依据”为空（写国务院办公厅通知的名称和日期）",
                "y.csv 第 8 行：日期 2028-10-07 重复（第 7 行已有；同一天不能既放假又调休上班）",
            ]
        }
        #expect { try CalendarYearAdded.parse(year: 2028, text: "日期,类型,名称\n2028-10-02,休,国庆节\n", file: "y.csv") } throws: {
            ($0 as? SeedProblems)?.text(.zh).contains("缺少“依据”一列") ?? false
        }
        #expect { try CalendarYearAdded.parse(year: 2028, text: "日期,类型,名称,依据\n2028-09-30,班,调休,通知\n", file: "y.csv") } throws: {
            ($0 as? SeedProblems)?.text(.zh) == "y.csv 没有 2028 年的放假日（休）"
        }
    }

    @Test func theMonthlyReportWarnsWhenItsWorkingDaysRunPastTheCalendar() throws {
        var s = try Scenario()
        s.inspect("A101", "2028-09-28", fails: [("PRI-1", .serious)])
        let month = try #require(ReportMonth("2028-09"))
        let figures = MonthlyFigures(s.state, month: month, today: date("2028-09-30"))
        #expect(figures.calendarWarning?.zh == "按周末推算，2028 年的法定节假日尚未录入，期限可能不准")
        let md = MonthlyReport.render(s.state, month: month, today: date("2028-09-30"), format: .md)
        #expect(md.contains("**注意：整改期限与办理用时按工作日计算，按周末推算，2028 年的法定节假日尚未录入，期限可能不准**"))
        #expect(MonthlyReport.render(s.state, month: month, today: date("2028-09-30"), format: .html).contains("期限可能不准"))
        s.add(.calendarYearAdded(try CalendarYearAdded.parse(year: 2028, text: fictionalCalendar2028, file: "2028.csv")), by: "li")
        #expect(MonthlyFigures(s.state, month: month, today: date("2028-09-30")).calendarWarning == nil)
        #expect(!MonthlyReport.render(s.state, month: month, today: date("2028-09-30"), format: .md).contains("期限可能不准"))
        // A month inside the official years says nothing.
        var t = try Scenario()
        t.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)])
        #expect(MonthlyFigures(t.state, month: try #require(ReportMonth("2026-03")), today: date("2026-03-31")).calendarWarning == nil)
    }
}

