import Core
import Foundation
import Storage
import Testing
import TestSupport

/// Personal data and PINs through the command line (docs/privacy.md): `log` masks for everyone
/// but a manager who gives their PIN, every disclosure is recorded before anything is shown,
/// wrong PINs are recorded and suspend the name across processes.
@Suite("Privacy through the command line")
struct PrivacyCLITests {
    /// A data directory with a manager li (123456), a secretary gu (222222), a kiosk account desk1
    /// (555555) and one complaint with the consumer's name and phone.
    static func prepared(_ binary: String) throws -> DomainCLI {
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)
        let filed = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                                 "--text", "镜片有划痕", "--name", "王小明", "--phone", "13812341234", "--as", "desk1"], pin: "555555")
        #expect(filed.status == 0, "\(filed.errors)")
        return cli
    }

    /// Each JSON line of `log --jsonl` as an object.
    static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    static func event(_ object: [String: Any]) -> [String: Any] { object["event"] as? [String: Any] ?? [:] }
    static func data(_ object: [String: Any]) -> [String: Any] { event(object)["data"] as? [String: Any] ?? [:] }
    static func type(_ object: [String: Any]) -> String { event(object)["type"] as? String ?? "" }

    @Test func withoutAManagerTheLogMasksNamesAndPhonesAndWithholdsPINHashes() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let jsonl = try cli.run(["log", "--jsonl"])
        #expect(jsonl.status == 0)
        let lines = try Self.objects(jsonl.output)
        let complaint = try #require(lines.first { Self.type($0) == "complaint.filed" })
        #expect(Self.data(complaint)["consumerName"] as? String == "王**")
        #expect(Self.data(complaint)["consumerPhone"] as? String == "138****1234")
        #expect(Self.data(complaint)["text"] as? String == "镜片有划痕")
        #expect(complaint["masked"] as? Bool == true)
        let users = lines.filter { Self.type($0) == "user.registered" }
        #expect(users.count == 3)
        for user in users {
            #expect((Self.data(user)["pin"] as? [String: Any])?["algorithm"] as? String == "withheld")
            #expect(user["masked"] as? Bool == true)
        }
        // Lines with nothing personal are the log's own bytes, unmarked.
        #expect(lines.filter { $0["masked"] != nil }.count == 4)
        for secret in ["王小明", "13812341234", "scrypt"] {
            #expect(!jsonl.output.contains(secret), "\(secret)")
            #expect(!(try cli.run(["log"]).output.contains(secret)), "\(secret)")
        }
        // Nobody was shown anything unmasked, so nothing was recorded.
        #expect(!jsonl.output.contains("data.disclosed"))
    }

    @Test func aManagerSeesTheLogUnmaskedOnlyAfterTheDisclosureIsRecorded() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let shown = try cli.run(["log", "--jsonl", "--as", "li"], pin: "123456")
        #expect(shown.status == 0, "\(shown.errors)")
        for secret in ["王小明", "13812341234", "\"algorithm\":\"scrypt\""] { #expect(shown.output.contains(secret), "\(secret)") }
        let printed = try Self.objects(shown.output)
        let through = try #require(printed.compactMap { $0["seq"] as? Int }.max())
        #expect(!shown.output.contains("data.disclosed"), "the output ends at the head before the disclosure")

        // The disclosure is the record right after the last one shown: it was made before them.
        let after = try Self.objects(try cli.run(["log", "--jsonl", "--since", String(through + 1)]).output)
        #expect(after.count == 1)
        let disclosure = try #require(after.first)
        #expect(disclosure["seq"] as? Int == through + 1)
        #expect(Self.type(disclosure) == "data.disclosed")
        #expect(Self.event(disclosure)["actor"] as? String == "li")
        let data = Self.data(disclosure)
        #expect(data["command"] as? String == "log --jsonl" && data["via"] as? String == "cli")
        #expect(data["fields"] as? [String] == ["consumerName", "consumerPhone", "pinHash"])
        #expect(data["from"] as? Int == 1 && data["through"] as? Int == through)
        #expect(data["count"] as? Int == 4 && data["destination"] as? String == "terminal")
    }

    @Test func refusalsShowNothingAndRecordNothingButTheFailure() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let before = try cli.run(["log"]).output

        // A secretary with the right PIN: not a manager.
        let secretary = try cli.run(["log", "--jsonl", "--as", "gu"], pin: "222222")
        #expect(secretary.status == 1 && secretary.output.isEmpty)
        #expect(secretary.errors.contains("只有市场管理方可以查看未打码的个人信息"), "\(secretary.errors)")
        #expect(try cli.run(["log"]).output == before)

        // The table holds no personal data: --as is a usage error there.
        let table = try cli.run(["log", "--as", "li"], pin: "123456")
        #expect(table.status == 2 && table.output.isEmpty)

        // A wrong PIN and an unknown name: the same answer, nothing shown, one failure recorded each.
        let wrong = try cli.run(["log", "--jsonl", "--as", "li"], pin: "654321")
        let unknown = try cli.run(["log", "--jsonl", "--as", "nobody"], pin: "654321")
        for refused in [wrong, unknown] {
            #expect(refused.status == 1 && refused.output.isEmpty)
            #expect(refused.errors.contains("用户名或 PIN 不正确，未显示任何内容（再错 4 次将暂停登录 15 分钟）"), "\(refused.errors)")
        }
        #expect(wrong.errors == unknown.errors)
        let recorded = try Self.objects(try cli.run(["log", "--jsonl"]).output).suffix(2)
        #expect(recorded.map(Self.type) == ["auth.failed", "auth.failed"])
        #expect(recorded.map { Self.data($0)["user"] as? String } == ["li", "nobody"])
        for failure in recorded {
            #expect(Self.event(failure)["actor"] as? String == "unauthenticated")
            #expect(Self.data(failure)["via"] as? String == "cli" && Self.data(failure)["command"] as? String == "log")
            #expect(!String(describing: failure).contains("654321"), "the PIN is never recorded")
        }
        let now = try cli.run(["log"]).output
        #expect(now.hasPrefix(before) && now.dropFirst(before.count).split(separator: "\n").count == 2)
    }

    @Test func fiveWrongPINsSuspendTheNameForEveryProcessEvenTheRightPIN() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let inspect = ["inspection", "record", "--merchant", "A101", "--pass-all", "--as", "gu"]
        var answers: [String] = []
        for _ in 0..<5 {
            let refused = try cli.run(inspect, pin: "000000")
            #expect(refused.status == 1)
            answers.append(refused.errors)
        }
        #expect(answers[0].contains("再错 4 次将暂停登录 15 分钟") && answers[3].contains("再错 1 次"), "\(answers)")
        #expect(answers[4].contains("用户名或 PIN 不正确，登录已暂停至 ") && answers[4].contains("（北京时间）"), "\(answers[4])")
        let before = try cli.run(["log"]).output

        // The right PIN, in another process, and the kiosk account's start are refused unchecked and record nothing.
        let right = try cli.run(inspect, pin: "222222")
        #expect(right.status == 1 && right.errors.contains("“gu”的错误 PIN 次数过多，登录已暂停至 "), "\(right.errors)")
        #expect(right.errors.contains("未做任何改动"))
        #expect(try cli.run(["log"]).output == before)
        let english = try cli.run(inspect + ["--lang", "en"], pin: "222222")
        #expect(english.errors.contains("too many wrong PINs for \"gu\": sign-in is suspended until "), "\(english.errors)")

        // Other names are not affected.
        #expect(try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--as", "li"], pin: "123456").status == 0)
        let failures = try Self.objects(try cli.run(["log", "--jsonl"]).output).filter { Self.type($0) == "auth.failed" }
        #expect(failures.count == 5 && failures.allSatisfy { Self.data($0)["command"] as? String == "inspection record" })
    }

    @Test func theKioskRecordsAWrongPINBeforeItsScreenStarts() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let wrong = try cli.runInTerminal(["kiosk", "--as", "desk1"], pin: "000000")
        #expect(wrong.status == 1 && wrong.output.contains("用户名或 PIN 不正确，服务台未启动"), "\(wrong.output)")
        let last = try #require(try Self.objects(try cli.run(["log", "--jsonl"]).output).last)
        #expect(Self.type(last) == "auth.failed" && Self.data(last)["via"] as? String == "kiosk" && Self.data(last)["user"] as? String == "desk1")
        // A manager's account with its right PIN is still not a kiosk account (told only after the PIN).
        let manager = try cli.runInTerminal(["kiosk", "--as", "li"], pin: "123456")
        #expect(manager.status == 1 && manager.output.contains("不是服务台账号"), "\(manager.output)")
    }

    @Test func anUnmaskedExportIsRecordedFirst() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let file = temporaryPath("privacy-export") + ".csv"
        defer { unlink(file) }
        let exported = try cli.run(["export", "complaints", "--format", "csv", "--with-personal-data", "--as", "li", "--out", file], pin: "123456")
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("13812341234"))
        let last = try #require(try Self.objects(try cli.run(["log", "--jsonl"]).output).last)
        #expect(Self.type(last) == "data.disclosed" && Self.event(last)["actor"] as? String == "li")
        let data = Self.data(last)
        #expect(data["command"] as? String == "export complaints" && data["fields"] as? [String] == ["consumerName", "consumerPhone"])
        #expect(data["count"] as? Int == 1 && data["destination"] as? String == file && data["from"] == nil)
        #expect((data["through"] as? Int).map { $0 == (last["seq"] as? Int ?? 0) - 1 } == true)
    }

    /// The size of a `ulimit -f` block here.
    static func ulimitUnit() throws -> Int? {
        let shown = try runToCompletion(["/bin/sh", "-c", "ulimit -f 8; exec cat /proc/self/limits"])
        guard let line = shown.output.split(separator: "\n").first(where: { $0.hasPrefix("Max file size") }),
              let bytes = line.split(separator: " ").compactMap({ Int($0) }).first else { return nil }
        return bytes / 8
    }

    @Test func whatCannotBeRecordedIsNotShown() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = try Self.prepared(binary)
        let log = cli.data + "/events.log"
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let unit = try #require(try Self.ulimitUnit())
        // No file may grow past its size now: the log can be read, not appended to.
        let limited = ["/bin/sh", "-c", "ulimit -f \(before.count / unit); exec \"$@\"", "sh", "/usr/bin/env", "-i",
                       "CHENGXIN_TODAY=2026-03-03", "CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)", "LANG=C.UTF-8", "CHENGXIN_PIN=123456", binary]
        let shown = try runToCompletion(limited + ["log", "--jsonl", "--as", "li"])
        #expect(shown.status == 1 && shown.output.isEmpty, "\(shown.output)")
        #expect(shown.errors.contains("无法记录这次个人信息查看，未显示任何个人信息"), "\(shown.errors)")
        let file = temporaryPath("privacy-unrecorded") + ".csv"
        let exported = try runToCompletion(limited + ["export", "complaints", "--format", "csv", "--with-personal-data", "--as", "li", "--out", file])
        #expect(exported.status == 1 && !FileManager.default.fileExists(atPath: file), "\(exported.errors)")
        #expect(!exported.output.contains("13812341234"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before, "nothing was appended")
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func theDashboardSignsInThroughTheSamePathAndRecordsAnUnmaskedExportFirst() throws {
        let cli = try Self.prepared(try #require(builtProduct("chengxin")))
        let options = StorageOptions(data: cli.data, key: cli.key, language: .zh)
        let dashboard = DashboardStorage(options: options, seeds: nil, store: try Store.open(cli.data, snapshotKey: nil))
        /// What a sign-in was refused with (nil: it was not refused).
        func refusal(_ name: String, _ pin: String, on storage: DashboardStorage) -> String? {
            do throws(LocalizedMessage) {
                _ = try storage.signIn(name: name, pin: pin)
                return nil
            } catch {
                return error.text(.zh)
            }
        }
        let wrong = "用户名或 PIN 不正确，未登录（再错 4 次将暂停登录 15 分钟）"
        #expect(refusal("li", "000000", on: dashboard) == wrong)
        #expect(refusal("nobody", "000000", on: dashboard) == wrong)
        #expect(refusal("desk1", "555555", on: dashboard) == "服务台账号请使用 chengxin kiosk")
        let manager = try #require(try dashboard.signIn(name: "li", pin: "123456"), "the right PIN signs in")
        let failures = try Self.objects(try cli.run(["log", "--jsonl"]).output).filter { Self.type($0) == "auth.failed" }
        #expect(failures.map { Self.data($0)["user"] as? String } == ["li", "nobody"])
        #expect(failures.allSatisfy { Self.data($0)["via"] as? String == "dashboard" && Self.data($0)["command"] == nil })

        // Over a log it cannot write (opened read-only): an unmasked export is refused before a
        // byte is written, as its disclosure cannot be recorded; a PIN is still checked, unrecorded.
        let before = try cli.run(["log"]).output
        let reader = DashboardStorage(options: options, seeds: nil, store: try Store.open(cli.data, writable: false, snapshotKey: nil))
        do throws(LocalizedMessage) {
            _ = try reader.export(ExportRequest(kind: .complaints, format: .csv, withPersonalData: true), by: manager)
            Issue.record("the export is refused")
        } catch {
            #expect(error.zh.hasPrefix("无法记录这次个人信息查看，未显示任何个人信息："), "\(error.zh)")
        }
        #expect(!reader.exports.isRunning)
        let unrecorded = try #require(refusal("li", "000000", on: reader), "a wrong PIN is refused")
        #expect(unrecorded.hasPrefix("用户名或 PIN 不正确（日志只读，这次尝试未能记录："), "\(unrecorded)")
        #expect(refusal("li", "123456", on: reader) == nil, "the right PIN signs in to read")
        #expect(try cli.run(["log"]).output == before)
    }
}
