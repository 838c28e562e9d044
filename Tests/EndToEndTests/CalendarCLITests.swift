import Foundation
import Testing
import TestSupport

/// `chengxin calendar add-year` and the warning beside deadlines the calendar does not cover
/// (issue 17, item 7), on 2028-09-28: a Thursday before National Day in a year not entered.
@Suite("The working-day calendar through the command line")
struct CalendarCLITests {
    struct CLI {
        let binary: String
        let data = temporaryPath("calendar-data")
        let key = temporaryPath("calendar-key") + "/k.key"
        let files = temporaryPath("calendar-files")

        func run(_ arguments: [String], pin: String? = nil, newPIN: String? = nil) throws -> (status: Int32, output: String, errors: String) {
            var env = ["CHENGXIN_TODAY=2028-09-28", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "LANG=C.UTF-8"]
            if let pin { env.append("CHENGXIN_PIN=\(pin)") }
            if let newPIN { env.append("CHENGXIN_NEW_PIN=\(newPIN)") }
            return try runToCompletion(["/usr/bin/env", "-i"] + env + [binary] + arguments)
        }

        func file(_ name: String, _ bytes: Data) throws -> String {
            try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
            let path = files + "/" + name
            try bytes.write(to: URL(fileURLWithPath: path))
            return path
        }
    }


    static let warning = "（注意：按周末推算，2028 年的法定节假日尚未录入，期限可能不准）"

    @Test func refusalsWriteNothingThenTheYearMovesTheDeadlineAndTheWarningGoes() throws {
        let cli = CLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)

        // Before: weekends only, a week early across National Day, and said so.
        let complaint = ["complaint", "file", "--merchant", "A101", "--category", "price", "--integrity", "price", "--text", "未明码标价", "--as", "li"]
        let first = try cli.run(complaint, pin: "123456")
        #expect(first.status == 0)
        #expect(first.output.contains("最迟 2028-10-09 前答复是否受理" + Self.warning))
        let receipt = try #require(first.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        #expect(try cli.run(["complaint", "status", receipt]).output.contains("办理期限：2028-10-09" + Self.warning))
        let english = try cli.run(["complaint", "status", receipt, "--lang", "en"]).output
        #expect(english.contains("due by: 2028-10-09 (note: counted on weekends only: the official holidays of 2028 are not entered; the date may be wrong)"))

        // Refusals, each with exit 1 and nothing written.
        let good = try cli.file("2028.csv", Data(fictionalCalendar2028.utf8))
        let bad = try cli.file("bad.csv", Data("日期,类型,名称,依据\n2028-02-30,休,x,通知\n2027-10-01,休,x,通知\n2028-10-02,班,x,通知\n".utf8))
        let gbk = try cli.file("gbk.csv", Data([0xC8, 0xD5, 0xC6, 0xDA, 0x0A]))
        // A wrong PIN writes only the record of the failed sign-in (docs/privacy.md).
        let wrong = try cli.run(["calendar", "add-year", "2028", good, "--as", "li"], pin: "999999")
        #expect(wrong.status == 1 && wrong.errors.contains("PIN 不正确"), "\(wrong.errors)")
        #expect(try cli.run(["log"]).output.split(separator: "\n").last?.contains("auth.failed") == true)
        let log = try cli.run(["log"]).output
        let refusals: [([String], String?, String)] = [
            (["calendar", "add-year", "2028", good, "--as", "gu"], "222222", "只有市场管理方可以录入日历"),
            (["calendar", "add-year", "2028", bad, "--as", "li"], "123456", "bad.csv 第 4 行：2028-10-02 是工作日，不需要标为调休上班"),
            (["calendar", "add-year", "2029", good, "--as", "li"], "123456", "2028.csv 第 11 行：2028-10-08 不在 2029 年内"),
            (["calendar", "add-year", "2028", gbk, "--as", "li"], "123456", "不是 UTF-8 编码"),
            (["calendar", "add-year", "2028", cli.files + "/none.csv", "--as", "li"], "123456", "无法读取文件"),
            (["calendar", "add-year", "2028", good, "--replace", "--as", "li"], "123456", "--replace 需要用 --reason 说明"),
            (["calendar", "add-year", "2028", good, "--replace", "--reason", "更正", "--as", "li"], "123456", "2028 年还没有正式日历，不需要 --replace"),
            (["calendar", "add-year", "2026", try cli.file("2026.csv", Data("日期,类型,名称,依据\n2026-01-01,休,元旦,通知\n".utf8)), "--as", "li"], "123456",
             "2026 年已有正式日历；如需更正，请加 --replace 并用 --reason 说明原因"),
        ]
        for (arguments, pin, message) in refusals {
            let refused = try cli.run(arguments, pin: pin)
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.errors.contains(message), "\(arguments): \(refused.errors)")
        }
        let allProblems = try cli.run(["calendar", "add-year", "2028", bad, "--as", "li"], pin: "123456").errors
        #expect(allProblems.components(separatedBy: "\n").filter { $0.hasPrefix("chengxin: bad.csv 第") }.count == 3, "every row's problem on its own line")
        #expect(try cli.run(["log"]).output == log, "nothing was written")

        // The year, once, as an event; a retry is not recorded twice.
        let added = try cli.run(["calendar", "add-year", "2028", good, "--as", "li", "--request-id", "cal-2028"], pin: "123456")
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("已录入 2028 年正式日历：8 个放假日、2 个调休上班日"))
        #expect(added.output.contains("依据：测试用虚构安排"))
        let retry = try cli.run(["calendar", "add-year", "2028", good, "--as", "li", "--request-id", "cal-2028"], pin: "123456")
        #expect(retry.status == 0 && retry.output == added.output)
        #expect(retry.errors.contains("重试：这项请求（同一 --request-id）已记录为 #"))
        let again = try cli.run(["calendar", "add-year", "2028", good, "--as", "li"], pin: "123456")
        #expect(again.status == 1 && again.errors.contains("2028 年已有正式日历"))
        let events = try cli.run(["log"]).output.split(separator: "\n")
        #expect(events.count == log.split(separator: "\n").count + 1)
        #expect(events.last?.contains("li  calendar.year-added  calendar-year:cal-2028") ?? false)
        #expect(try cli.run(["calendar", "show"]).output.contains("2028  正式（国务院办公厅通知）"))

        // After: the right date, without the warning, for a new complaint and the earlier one.
        let second = try cli.run(complaint, pin: "123456")
        #expect(second.output.contains("最迟 2028-10-12 前答复是否受理\n"))
        #expect(!second.output.contains("注意"))
        let status = try cli.run(["complaint", "status", receipt]).output
        #expect(status.contains("办理期限：2028-10-12\n") && !status.contains("注意"))
        // A rectification deadline too: serious, 5 working days from Thursday 28 September.
        let inspected = try cli.run(["inspection", "record", "--merchant", "A101", "--fail", "PRI-1:serious", "--as", "li"], pin: "123456")
        #expect(inspected.output.contains("整改：PRI-1（严重）期限 2028-10-10\n"))

        // A correction of an official year: with --replace and a reason.
        let corrected = try cli.run(["calendar", "add-year", "2028", good, "--replace", "--reason", "核对通知原文后重录", "--as", "li"], pin: "123456")
        #expect(corrected.status == 0 && corrected.output.contains("（更正原有的正式日历）"))
        #expect(try cli.run(["verify"]).status == 0)
    }
}
