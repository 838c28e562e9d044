import Foundation
import Logging
import OperationalLog
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Operational log")
struct OperationalLogTests {
    let line = OperationalLine(process: "kiosk", pid: 4711, offsetSeconds: 8 * 3600)

    func scratch(_ label: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oplog-\(label)-\(UUID().uuidString.prefix(8))").path
        return folder + "/state/chengxin.log"
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aLineHasTheMarketTimeTheLevelTheProcessTheMessageAndSortedMetadata() {
        // 2026-03-03 01:15:02.123 UTC is 09:15:02.123 in the market's zone.
        let seconds = 1_772_500_502
        let rendered = text(line.render(seconds: seconds, milliseconds: 123, level: .info, message: "complaint filed",
                                        metadata: ["ms": "38", "record": "215"]))
        #expect(rendered == "2026-03-03T09:15:02.123+08:00 info kiosk[4711]: complaint filed ms=38 record=215\n")
    }

    @Test func timesCrossDaysYearsAndLeapDaysInTheMarketsZone() {
        func time(_ seconds: Int, offset: Int = 8 * 3600) -> String {
            var bytes = [UInt8](repeating: 0, count: OperationalTime.width)
            bytes.withUnsafeMutableBufferPointer { OperationalTime.write(seconds: seconds, milliseconds: 7, offsetSeconds: offset, into: $0.baseAddress!) }
            return text(bytes)
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.formatOptions = [.withInternetDateTime]
        // Every few hours over four years (a leap day, year ends), against Foundation's formatter.
        for seconds in stride(from: 1_700_000_000, to: 1_830_000_000, by: 9_973) {
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let mine = time(seconds)
            #expect(String(mine.prefix(19)) + String(mine.suffix(6)) == expected.replacingOccurrences(of: "Z", with: "+00:00"))
        }
        #expect(time(0, offset: 0) == "1970-01-01T00:00:00.007+00:00")
        #expect(time(-1, offset: -5 * 3600 - 1800) == "1969-12-31T18:29:59.007-05:30")
        #expect(time(1_709_136_000) == "2024-02-29T00:00:00.007+08:00")
    }

    @Test func lineBreaksAndEscapesInTextStayOnOneLineAndOddValuesAreQuoted() {
        let rendered = text(line.render(seconds: 0, milliseconds: 0, level: .warning, message: "failed:\nsecond line \u{1B}[2J",
                                        metadata: ["path": "/a b/c", "empty": "", "quote": "say \"hi\" \\ ok", "bidi": "a\u{202E}b"]))
        #expect(rendered.filter { $0 == "\n" }.count == 1 && rendered.hasSuffix("\n"))
        #expect(rendered.contains(#"warning kiosk[4711]: failed:\u{a}second line \u{1b}[2J"#))
        #expect(rendered.contains(#" bidi=a\u{202e}b empty="" path="/a b/c" quote="say \"hi\" \\ ok""#))
    }

    @Test func theLoggerAppendsOneLinePerEventAtInfoAndAbove() throws {
        let path = scratch("logger")
        let file = try OperationalLogFile(path: path)
        var logger = OperationalLog.logger(file, line)
        logger[metadataKey: "data"] = "/srv/chengxin"
        logger.info("start", metadata: ["term": "xterm-256color"])
        logger.debug("not written")
        logger.warning("failed")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" info kiosk[4711]: start data=/srv/chengxin term=xterm-256color"))
        #expect(lines[1].hasSuffix(" warning kiosk[4711]: failed data=/srv/chengxin"))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat((path as NSString).deletingLastPathComponent, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    @Test func pastItsLimitTheFileIsRenamedDotOneAndANewOneStarted() throws {
        let path = scratch("cap")
        let file = try OperationalLogFile(path: path, limit: 1000)
        let logger = OperationalLog.logger(file, line)
        for number in 0..<100 { logger.info("event \(number)") }
        let current = try Data(contentsOf: URL(fileURLWithPath: path))
        let previous = try Data(contentsOf: URL(fileURLWithPath: path + ".1"))
        // Each file stays within the limit plus one line; together they hold the latest events.
        #expect(current.count <= 1000 + 80 && previous.count <= 1000 + 80)
        #expect(previous.count > 1000)
        let all = String(decoding: previous + current, as: UTF8.self).split(separator: "\n")
        #expect(all.last?.hasSuffix("event 99") == true)
        let numbers = all.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(numbers == Array(numbers.first!...99), "the two files hold the latest events in order, none lost between them")
        #expect(!FileManager.default.fileExists(atPath: path + ".2"))
    }

    @Test func aSecondProcessesRenameIsFollowedNotRepeated() throws {
        let path = scratch("two")
        let first = try OperationalLogFile(path: path, limit: 500)
        let second = try OperationalLogFile(path: path, limit: 500)
        let a = OperationalLog.logger(first, OperationalLine(process: "dashboard", pid: 1, offsetSeconds: 0))
        let b = OperationalLog.logger(second, OperationalLine(process: "kiosk", pid: 2, offsetSeconds: 0))
        for number in 0..<40 {
            a.info("a \(number)")
            b.info("b \(number)")
        }
        let current = try String(contentsOfFile: path, encoding: .utf8)
        let previous = try String(contentsOfFile: path + ".1", encoding: .utf8)
        #expect(current.utf8.count <= 500 + 80 && previous.utf8.count <= 500 + 80)
        #expect(current.contains("a 39") && current.contains("b 39"))
    }

    @Test func threadsLoggingAtOnceWriteWholeLines() throws {
        let path = scratch("threads")
        let file = try OperationalLogFile(path: path)
        let logger = OperationalLog.logger(file, line)
        // The dashboard logs from its loop and from the thread its effect runs on.
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for number in 0..<50 { logger.info("event", metadata: ["thread": "\(thread)", "n": "\(number)"]) }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.allSatisfy { $0.range(of: #"^\S+ info kiosk\[4711\]: event n=\d+ thread=\d$"#, options: .regularExpression) != nil })
    }

    @Test func anUnwritablePlaceIsSaidOnceAndNothingElseHappens() {
        #expect(throws: OperationalLogFile.Unwritable.self) { try OperationalLogFile(path: "/proc/chengxin/oplog.log") }
        // Without a file the logger drops everything.
        let logger = OperationalLog.logger(nil, line)
        logger.info("dropped")
    }

    @Test func redactionRemovesTheConsumersTextAndDigitRunsThatCouldBeAPINOrAPhone() {
        #expect(OperationalLog.redacted("电话号码“13800138000”格式不对", removing: []) == "电话号码“#…”格式不对")
        #expect(OperationalLog.redacted("PIN １２３４５６ wrong; record 215 at 2026-03-03") == "PIN #… wrong; record 215 at 2026-03-03")
        #expect(OperationalLog.redacted("张三 says 眼镜坏了", removing: ["张三", "眼镜坏了", ""]) == "… says …")
    }

    @Test func theExitNoteIsPreparedWholeAndStampedWhenTheSignalComes() throws {
        let path = scratch("exit")
        let file = try OperationalLogFile(path: path, feedsExitNote: true)
        ExitNote.prepare(file: file, line: line, signals: [(SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")], metadata: ["ran": "kiosk"])
        ExitNote.write(signal: SIGHUP)
        ExitNote.write(signal: SIGUSR1)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasSuffix(" notice kiosk[4711]: exit ran=kiosk signal=SIGHUP") == true)
        #expect(lines.first?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 "#, options: .regularExpression) != nil)
    }
}
