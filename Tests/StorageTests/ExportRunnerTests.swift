import Core
import Foundation
import Reports
import Storage
import Testing
import TestSupport

@Suite("The dashboard's export runner")
struct ExportRunnerTests {
    @Test func exportsInSlicesWritesTheFileAndRefusesPersonalDataToSecretaries() throws {
        let roster = try SeedFiles.load(packageRoot.appendingPathComponent("seeds").path).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let market = MarketState(events: roster)
        let hash = try PINHash.make(pin: "123456", salt: Array(repeating: 1, count: 16), rounds: 1024)
        let manager = User(name: "li", displayName: "李", role: .manager, pin: hash)
        let secretary = User(name: "gu", displayName: "顾", role: .secretary(branch: 1), pin: hash)
        let today = SimpleDate(iso: "2026-11-26")!
        let request = ExportRequest(kind: .merchants, format: .csv, withPersonalData: true)
        let path = request.defaultPath(today: today, home: temporaryPath("runner"))
        #expect(path.hasSuffix("/chengxin-exports/merchants-2026-11-26.csv"))

        let runner = ExportRunner()
        #expect(throws: LocalizedMessage.self) { try runner.start(request, market: market, today: today, user: secretary, path: path, language: .zh) }
        #expect(!runner.isRunning)
        try runner.start(request, market: market, today: today, user: manager, path: path, language: .zh)
        var steps: [(Int, Int)] = []
        var finished: String?
        while finished == nil {
            let (done, total, message) = try runner.step(rows: 10)
            steps.append((done, total))
            finished = message
            #expect(FileManager.default.fileExists(atPath: path) == (message != nil), "the file appears only when complete")
        }
        #expect(steps.map(\.0) == Array(stride(from: 10, through: 100, by: 10)))
        #expect(finished == "已导出 100 行到 \(path)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .csv, withPersonalData: true, byteOrderMark: true)))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(!runner.isRunning)
    }
}
