import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Core
import TestSupport
@testable import Reports

/// The demo year (roster + generated history), as `chengxin init --demo` records it.
private func demoMarket() throws -> MarketState {
    let roster = try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z")
    let history = try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 3, count: 16), rounds: 1024) }
    return MarketState(events: roster + history)
}

private func seedMarket() throws -> MarketState {
    MarketState(events: try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z"))
}

/// Parses text as XML; returns the parser's error, or nil when the text is well-formed.
func xmlProblem(_ text: String) -> String? {
    let parser = XMLParser(data: Data(text.utf8))
    if parser.parse() { return nil }
    return "\(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber), column \(parser.columnNumber)"
}

@Suite("Exports: CSV and JSON for others")
struct ExportTests {
    @Test func formulaLookingCellsAreNeutralisedAndComeBackExactly() throws {
        let nasty = ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tTAB", "＝全角", "'=already", "'plain", "普通,带逗号", "引号\"在中间", "两行\n文字",
                     "=HYPERLINK(\"http://x.example\",\"点我\")", "A101"]
        let line = nasty.map(SpreadsheetCell.escape).joined(separator: ",")
        // No cell starts with a formula character once unquoted.
        let table = try CSVTable.parse("h" + String(repeating: ",h", count: nasty.count - 1) + "\r\n" + line + "\r\n")
        let cells = try #require(table.rows.first?.fields)
        for cell in cells {
            if let first = cell.first { #expect(!"=+-@\t＝＋－＠".contains(first), "\(cell)") }
        }
        #expect(cells[0] == "'=1+1" && cells[11].hasPrefix("'=HYPERLINK"))
        #expect(cells.map(SpreadsheetCell.unescape) == nasty)
        // Control characters and bidi overrides never reach a file for people.
        #expect(SpreadsheetCell.escape("a\u{1B}[2Jb\u{202E}c") == "a\u{FFFD}[2Jb\u{FFFD}c")
    }

    @Test func personalDataIsMaskedUnlessAskedFor() throws {
        let market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        let withPhones = market.complaints.values.filter { $0.filed.consumerPhone != nil }
        let phone = try #require(withPhones.first?.filed.consumerPhone)
        let masked = String(decoding: Exports.render(.complaints, market: market, today: today, options: ExportOptions(format: .csv)), as: UTF8.self)
        #expect(!masked.contains(phone))
        #expect(masked.contains(PersonalData.maskPhone(phone)))
        let full = String(decoding: Exports.render(.complaints, market: market, today: today, options: ExportOptions(format: .csv, withPersonalData: true)), as: UTF8.self)
        #expect(full.contains(phone))
        // Owners' names are masked in the merchant export too.
        let merchants = String(decoding: Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .csv)), as: UTF8.self)
        let owner = try #require(market.merchant(shopNumber: "A101")?.owner)
        #expect(!merchants.contains("," + owner + ","))
        #expect(merchants.contains("," + PersonalData.maskName(owner) + ","))
    }

    @Test func csvStartsWithTheBOMWhenAskedAndEveryRowHasTheHeaderWidth() throws {
        let market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        for kind in ExportKind.allCases {
            let bytes = Exports.render(kind, market: market, today: today, options: ExportOptions(format: .csv, byteOrderMark: true))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let table = try CSVTable.parse(String(decoding: bytes, as: UTF8.self))
            #expect(table.header.first == ["merchants": "店铺号", "complaints": "受理编号", "inspections": "记录号", "members": "党员编号"][kind.rawValue])
            #expect(table.rows.allSatisfy { $0.fields.count == table.header.count }, "\(kind)")
            let expected = [ExportKind.merchants: market.merchants.count, .complaints: market.complaints.count, .inspections: market.inspections.count,
                            .members: market.members.count][kind]
            #expect(table.rows.count == expected, "\(kind)")
        }
        let plain = Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .csv))
        #expect(!plain.starts(with: [0xEF, 0xBB, 0xBF]))
    }

    @Test func jsonIsValidKeepsTypesAndEscapesUnsafeScalars() throws {
        let market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        for kind in ExportKind.allCases {
            let bytes = Exports.render(kind, market: market, today: today, options: ExportOptions(format: .json))
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
            #expect(rows.count == ExportJob(kind: kind, market: market, today: today, options: ExportOptions(format: .json)).total)
            #expect(Set(rows.first?.keys.map { $0 } ?? []) == Set(ExportJob(kind: kind, market: market, today: today, options: ExportOptions(format: .json)).columns.map(\.key)))
        }
        let merchants = try #require(try JSONSerialization.jsonObject(with: Data(Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .json)))) as? [[String: Any]])
        #expect(merchants.first?["branch"] as? Int == 1)
        #expect((merchants.first?["pledges"] as? [String])?.isEmpty == false)
        #expect(JSONText.string("a\u{202E}b\u{1B}c\u{85}\"") == "\"a\\u202eb\\u001bc\\u0085\\\"\"")
        // An empty export is an empty array.
        let empty = Exports.render(.complaints, market: try seedMarket(), today: today, options: ExportOptions(format: .json))
        #expect(try JSONSerialization.jsonObject(with: Data(empty)) as? [Any] != nil)
    }

    @Test func aJobAdvancesInSlicesWithProgressAndGivesTheSameFile() throws {
        let market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        let options = ExportOptions(format: .csv, withPersonalData: true)
        var job = ExportJob(kind: .inspections, market: market, today: today, options: options)
        #expect(job.total > 100 && job.done == 0 && job.fraction == 0)
        var fractions: [Double] = []
        while !job.isFinished {
            job.advance(rows: 50)
            fractions.append(job.fraction)
        }
        #expect(fractions == fractions.sorted() && fractions.last == 1)
        #expect(fractions.count == (job.total + 49) / 50)
        var calls: [(Int, Int)] = []
        let whole = Exports.render(.inspections, market: market, today: today, options: options, slice: 100) { calls.append(($0, $1)) }
        #expect(whole == job.bytes)
        #expect(calls.first?.0 == 0 && calls.last?.0 == job.total && calls.count == 1 + (job.total + 99) / 100)
    }
}

@Suite("Roster import")
struct RosterImportTests {
    @Test func exportThenImportChangesNothing() throws {
        let market = try demoMarket()
        let csv = Exports.render(.merchants, market: market, today: SimpleDate(iso: "2026-11-26")!, options: ExportOptions(format: .csv, withPersonalData: true, byteOrderMark: true))
        let (text, encoding, bom) = try TextEncoding.decode(csv)
        #expect(encoding == .utf8 && bom)
        let plan = try RosterImport.plan(text: text, market: market)
        #expect(plan.changes.isEmpty)
        #expect(plan.unchanged.count == market.merchants.count)
        #expect(plan.ignoredColumns.contains("星级"))
        // The JSON keys work as headers too (the English CSV header).
        let english = Exports.render(.merchants, market: market, today: SimpleDate(iso: "2026-11-26")!, options: ExportOptions(format: .csv, withPersonalData: true, language: .en))
        #expect(try RosterImport.plan(text: String(decoding: english, as: UTF8.self), market: market).unchanged.count == market.merchants.count)
    }

    @Test func anEditedExportBecomesCorrectionsAndRegistrationsThatFoldBack() throws {
        var market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        var csv = String(decoding: Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .csv, withPersonalData: true)), as: UTF8.self)
        // A formula-looking name typed in a spreadsheet, a new shop appended.
        let a101 = try #require(market.merchant(shopNumber: "A101"))
        csv = csv.replacingOccurrences(of: "A101,\(a101.name),", with: "A101,\"=HYPERLINK(\"\"http://x.example\"\",\"\"点我\"\")\",")
        csv += "E950,新开眼镜店,张新,5,党员经营户,92321181MA5UCLBD20,隐形眼镜,质量诚信：正品保证,,\"七天无理由退换\n先行赔付\"\r\n"
        let plan = try RosterImport.plan(text: csv, market: market)
        #expect(plan.additions.map(\.merchant.shopNumber) == ["E950"])
        #expect(plan.updates.map(\.merchant.shopNumber) == ["A101"])
        guard case .update(let target, _, let fields) = try #require(plan.updates.first).kind else { Issue.record("not an update"); return }
        #expect(fields == ["店铺名称"])
        #expect(target == market.currentMerchantRecords["A101"])
        let events = plan.events(actor: "zhuren", at: "2026-11-26T01:00:00Z", keyPrefix: "roster-import:t", file: "roster.csv")
        for (i, event) in events.enumerated() { market.apply(event, sequence: UInt64(market.eventCount + 1 + i)) }
        #expect(market.merchant(shopNumber: "A101")?.name == "=HYPERLINK(\"http://x.example\",\"点我\")")
        #expect(market.merchant(shopNumber: "E950")?.guarantees == ["七天无理由退换", "先行赔付"])
        #expect(market.merchant(shopNumber: "E950")?.pledges == [Pledge(integrity: .quality, text: "正品保证")])
        // Exported again, the name is neutralised for spreadsheets, and a second import changes nothing.
        let again = String(decoding: Exports.render(.merchants, market: market, today: today, options: ExportOptions(format: .csv, withPersonalData: true)), as: UTF8.self)
        #expect(again.contains("A101,\"'=HYPERLINK("))
        #expect(try RosterImport.plan(text: again, market: market).changes.isEmpty)
    }

    @Test func aGB18030FileMadeByIconvIsDetectedAndRead() throws {
        let bytes = Array(try Data(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/roster-gb18030.csv")))
        #expect(String(validating: bytes, as: UTF8.self) == nil, "the fixture really is not UTF-8")
        let (text, encoding, _) = try TextEncoding.decode(bytes)
        #expect(encoding == .gb18030)
        #expect(text.contains("䶮明眼镜（测试）") && text.contains("欧阳𠀀"), "four-byte GB18030 sequences decode")
        let plan = try RosterImport.plan(text: text, market: try seedMarket())
        #expect(plan.unchanged == ["A101"])
        #expect(plan.updates.map(\.merchant.shopNumber) == ["A102"])
        #expect(plan.additions.map(\.merchant.name) == ["䶮明眼镜（测试）"])
        // Forced the wrong way, each encoding says so.
        #expect(throws: LocalizedMessage.self) { try TextEncoding.decode(bytes, as: .utf8) }
        #expect(TextEncoding.gb18030Bytes("鉴明") == [0xBC, 0xF8, 0xC3, 0xF7])
    }

    @Test func undecodableBytesAreLocated() throws {
        let bytes = Array("店铺号\nA101\n".utf8) + [0xFF, 0xFF, 0xFF]
        do {
            _ = try TextEncoding.decode(bytes, as: .utf8)
            Issue.record("decoded")
        } catch {
            #expect(error.zh.contains("第 3 行") && error.zh.contains("字节偏移 \(bytes.count - 3)"))
        }
        #expect(throws: LocalizedMessage.self) { try TextEncoding.decode(bytes) }
    }

    @Test func everyProblemIsReportedWithItsLineBeforeAnythingIsPlanned() throws {
        let market = try seedMarket()
        let csv = """
        店铺号,店铺名称,经营者,支部编号,挂牌类型,统一社会信用代码,主营,承诺
        A101,鉴明镜架批发部,高娟,1,党员示范岗,92321181MAE76BT309,板材镜架,价格诚信：一货一签
        a12,小写店,李四,1,党员经营户,92321181MA5UCLBD20,镜架,
        A101,重复店,王五,1,党员经营户,92321181MA5UCLBD20,镜架,
        B999,无支部店,赵六,9,党员经营户,92321181MA5UCLBD20,镜架,
        C998,校验位错,钱七,3,党员经营户,92321181MA5UCLBD21,镜架,
        C997,被Excel改成数字,孙八,3,党员经营户,9.23211E+17,镜架,
        C996,打码店,周**,3,党员经营户,92321181MA5UCLBD20,镜架,
        C995,牌子错,吴九,3,金牌商户,92321181MA5UCLBD20,镜架,
        C994,,郑十,3,党员经营户,92321181MA5UCLBD20,镜架,
        C993,多一栏,冯一,3,党员经营户,92321181MA5UCLBD20,镜架,,多余
        C992,承诺格式错,陈二,3,党员经营户,92321181MA5UCLBD20,镜架,没有类别的承诺

        """
        do {
            _ = try RosterImport.plan(text: csv, market: market)
            Issue.record("planned despite problems")
        } catch {
            let lines = error.problems.map(\.zh)
            let expected = [
                "第 3 行：店铺号“a12”格式不对", "第 4 行：店铺号 A101 与第 2 行重复", "第 5 行：支部编号“9”不存在",
                "第 6 行：统一社会信用代码“92321181MA5UCLBD21”校验位不对：应为 0", "第 7 行：统一社会信用代码应为 18 位",
                "第 8 行：经营者“周**”是打码后的姓名", "第 9 行：挂牌类型应为", "第 10 行：“店铺名称”不能为空",
                "第 11 行：比表头多出 1 个字段", "第 12 行：承诺“没有类别的承诺”应写成“诚信类别：内容”",
            ]
            for prefix in expected { #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix)\n\(lines.joined(separator: "\n"))") }
            #expect(lines.contains { $0.contains("像是被 Excel 当成了数字") })
            #expect(error.problems.count == expected.count, "\(lines.joined(separator: "\n"))")
        }
        // A header without the needed columns is one clear problem.
        #expect(throws: SeedProblems.self) { try RosterImport.plan(text: "店铺号,店铺名称\nA101,x\n", market: market) }
    }
}

@Suite("Reports: public notice and monthly report")
struct ReportTests {
    @Test func publicNoticeIsWellFormedSelfContainedAndCoversEveryBranchWithoutPersonalData() throws {
        var market = try demoMarket()
        // A hostile reply must come out as text.
        market.apply(Event(actor: "zhuren", at: "2026-11-26T00:00:00Z", key: nil,
                           body: .replyPublished(ReplyPublished(shop: "A104", year: 2026, text: "<script>alert(1)</script> & \u{202E}"))), sequence: UInt64(market.eventCount + 1))
        let html = PublicNotice.render(market, asOf: SimpleDate(iso: "2026-11-26")!, format: .html)
        #expect(xmlProblem(html) == nil, "\(xmlProblem(html) ?? "")")
        // (Booleans first: a failed #expect would print the whole page.)
        let starts = html.hasPrefix("<!DOCTYPE html>")
        #expect(starts)
        for forbidden in ["http:", "https:", "<script", "src=", "url(", "@import", "<link"] {
            let found = html.contains(forbidden)
            #expect(!found, "\(forbidden)")
        }
        let escaped = html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{FFFD}")
        let a4 = html.contains("size: A4")
        #expect(escaped && a4)
        for branch in market.branches {
            let named = html.contains(Markup.html(branch.name))
            #expect(named, "\(branch.name)")
        }
        let sections = html.components(separatedBy: "<section class=\"branch").count - 1
        let rows = html.components(separatedBy: "<tr><td>").count - 1
        #expect(sections == market.branches.count)
        #expect(rows == market.merchants.count)
        for merchant in market.merchants {
            let owner = html.contains(">" + merchant.owner + "<")
            let name = html.contains(Markup.html(merchant.name))
            #expect(!owner, "no owner names on a public notice: \(merchant.owner)")
            #expect(name, "\(merchant.name)")
        }
        let review = html.contains("复核中")
        #expect(review, "an appeal under review is marked")
        let md = PublicNotice.render(market, asOf: SimpleDate(iso: "2026-11-26")!, format: .md)
        let mdRows = md.contains("| A101 |") && md.contains("&lt;script&gt;")
        #expect(mdRows)
    }

    @Test func publicNoticeShowsEachShopsDuties() throws {
        let market = try demoMarket()
        let shop = try #require(market.merchant(shopNumber: "A101"))
        let duty = try #require(shop.duties.first)
        let html = PublicNotice.render(market, asOf: SimpleDate(iso: "2026-11-26")!, format: .html)
        let column = html.contains("<col class=\"duties\"/>") && html.contains("<th>职责（亮职责）</th>")
        let listed = html.contains("<li>\(Markup.html(duty))</li>")
        #expect(column && listed)
        let md = PublicNotice.render(market, asOf: SimpleDate(iso: "2026-11-26")!, format: .md, language: .en)
        let row = md.split(separator: "\n").first { $0.hasPrefix("| A101 |") }.map(String.init) ?? ""
        let inRow = row.contains(Markup.md(shop.duties.joined(separator: "；"))) && md.contains("| Duties |")
        #expect(inRow)
    }

    @Test func monthlyFiguresCountWhatHappenedThatMonth() throws {
        let market = try demoMarket()
        let month = try #require(ReportMonth("2026-03"))
        let f = MonthlyFigures(market, month: month, today: SimpleDate(iso: "2026-11-26")!)
        let filed = market.complaints.values.filter { month.contains($0.filed.date) }
        #expect(f.complaintsFiled == filed.count && f.complaintsFiled > 0)
        #expect(f.byIntegrity.map(\.1).reduce(0, +) == filed.count)
        #expect(f.byState.map(\.1).reduce(0, +) == filed.count)
        let inspections = market.inspections.all.filter { month.contains($0.value.date) }
        #expect(f.inspections == inspections.count && f.inspections > 0)
        #expect(f.itemsFailed == inspections.reduce(0) { $0 + $1.value.failures.count })
        #expect(f.branches.map(\.inspections).reduce(0, +) == f.inspections)
        #expect(f.starDistribution.reduce(0, +) == market.merchants.count)
        #expect(f.trend.count == 12 && f.trend.last?.month == 3 && f.trend.last?.count == filed.count)
        #expect(f.daysToSettle.allSatisfy { $0 >= 0 })
        // A month still running is measured up to today.
        let running = MonthlyFigures(market, month: try #require(ReportMonth("2026-11")), today: SimpleDate(iso: "2026-11-10")!)
        #expect(running.asOf == SimpleDate(iso: "2026-11-10"))
        #expect(ReportMonth("2026-13") == nil && ReportMonth("26-01") == nil)
    }

    @Test func monthlyReportHasItsChartsInlineAndIsWellFormed() throws {
        let market = try demoMarket()
        let month = try #require(ReportMonth("2026-03"))
        let html = MonthlyReport.render(market, month: month, today: SimpleDate(iso: "2026-11-26")!, format: .html)
        #expect(xmlProblem(html) == nil, "\(xmlProblem(html) ?? "")")
        #expect(html.components(separatedBy: "<svg ").count - 1 == 8)
        for forbidden in ["http:", "https:", "<script", "src=", "url(", "<link"] { #expect(!html.contains(forbidden), "\(forbidden)") }
        for heading in ["本月要点", "按诚信类别", "按目前状态", "办理用时", "回访满意度", "检查与整改", "星级变化", "支部比较"] {
            #expect(html.contains(heading), "\(heading)")
        }
        let english = MonthlyReport.render(market, month: month, today: SimpleDate(iso: "2026-11-26")!, format: .html, language: .en)
        #expect(xmlProblem(english) == nil && english.contains("Branches compared"))
        let md = MonthlyReport.render(market, month: month, today: SimpleDate(iso: "2026-11-26")!, format: .md)
        #expect(md.hasPrefix("# ") && md.contains("## 支部比较") && !md.contains("<svg"))
        #expect(md.contains("| 本月投诉 | \(MonthlyFigures(market, month: month, today: SimpleDate(iso: "2026-11-26")!).complaintsFiled)（上月"))
    }

    /// 满意率 in the monthly report is Core's (satisfied and partly over all follow-ups of the month),
    /// printed with its definition; a branch without follow-ups shows "—".
    @Test func theMonthlyReportsSatisfactionIsCoresWithItsDefinition() throws {
        let market = try demoMarket()
        let month = try #require(ReportMonth("2026-03"))
        let today = SimpleDate(iso: "2026-11-26")!
        let f = MonthlyFigures(market, month: month, today: today)
        let tally = market.satisfaction(from: month.first, through: month.last)
        #expect(f.satisfaction == tally.market && f.satisfaction.followUps > 0 && f.satisfaction.partly > 0)
        #expect(f.satisfaction.rate == Double(f.satisfaction.satisfied + f.satisfaction.partly) / Double(f.satisfaction.followUps))
        #expect(f.previousSatisfaction == market.satisfaction(from: month.previous.first, through: month.previous.last).market)
        for row in f.branches { #expect(row.satisfaction == tally.branch(row.branch.number)) }
        let md = MonthlyReport.render(market, month: month, today: today, format: .md)
        #expect(md.contains("满意率 = 满意与基本满意的回访 ÷ 全部回访（\(f.satisfaction.followUps) 件）"), "\(md)")
        let html = MonthlyReport.render(market, month: month, today: today, format: .html)
        #expect(html.contains("满意率 = 满意与基本满意的回访 ÷ 全部回访"))
        if let quiet = f.branches.first(where: { $0.satisfaction.followUps == 0 }) {
            #expect(md.contains("| \(quiet.branch.shortName) |") && md.split(separator: "\n").contains { $0.hasPrefix("| \(quiet.branch.shortName) |") && $0.contains("| — |") })
        }
    }

    @Test func bothReportsPrintTheLogHeadAsAnAnchorInEveryFormat() throws {
        let market = try demoMarket()
        let hash = String(repeating: "0123456789abcdef", count: 4)
        let signed = LogHead(sequence: 652, hash: hash, keyFingerprint: "66687aadf862bd77")
        #expect(signed.anchor == "652:" + hash)
        let asOf = try #require(SimpleDate(iso: "2026-11-26"))
        let month = try #require(ReportMonth("2026-03"))
        for language in [Language.zh, .en] {
            for format in [ReportFormat.html, .md] {
                let texts = [PublicNotice.render(market, asOf: asOf, format: format, language: language, head: signed),
                             MonthlyReport.render(market, month: month, today: asOf, format: format, language: language, head: signed)]
                for text in texts {
                    let has = (anchor: text.contains(format == .md ? "`652:\(hash)`" : "<code>652:\(hash)</code>"),
                               hash: text.contains(format == .md ? "| `\(hash)` |" : "<code>\(hash)</code>"),
                               fingerprint: text.contains("66687aadf862bd77"),
                               command: text.contains("chengxin verify --anchor 652:\(hash)"),
                               heading: text.contains(language == .zh ? "日志链头" : "Log head"))
                    #expect(has.anchor && has.hash && has.fingerprint && has.command && has.heading, "\(language) \(format): \(has)")
                    if format == .html {
                        let problem = xmlProblem(text)
                        #expect(problem == nil, "\(problem ?? "")")
                    }
                }
            }
        }
        // No signed checkpoint: said so, in words.
        let unsigned = LogHead(sequence: 0, hash: hash, keyFingerprint: nil)
        let md = PublicNotice.render(market, asOf: asOf, format: .md, head: unsigned)
        let html = MonthlyReport.render(market, month: month, today: asOf, format: .html, language: .en, head: unsigned)
        let said = md.contains("| 签名密钥指纹 | 未签名 |") && md.contains("`0:\(hash)`") && html.contains("<dd>not signed</dd>")
        #expect(said)
        // Without a head (as before), no block; and the notice's rows are still the shops'.
        let plain = PublicNotice.render(market, asOf: asOf, format: .html)
        let withHead = PublicNotice.render(market, asOf: asOf, format: .html, head: signed)
        #expect(!plain.contains("日志链头"))
        #expect(withHead.components(separatedBy: "<tr><td>").count == plain.components(separatedBy: "<tr><td>").count)
    }
}

@Suite("Monthly report: 比发展/比服务/比和谐")
struct MonthlyCompetitionTests {
    /// The report's rankings are Core's over the month, with the method, the measures and the
    /// records behind each figure, in HTML and Markdown, in both languages.
    @Test func theRankingsAreCoresForTheMonthWithTheirRecords() throws {
        let market = try demoMarket()
        let month = try #require(ReportMonth("2026-10"))
        let today = SimpleDate(iso: "2026-11-26")!
        let f = MonthlyFigures(market, month: month, today: today)
        let core = market.competition(.branches, period: .month(2026, 10, through: today))
        #expect(f.competition == core)
        #expect(core.period.from == SimpleDate(iso: "2026-10-01") && core.period.through == SimpleDate(iso: "2026-10-31"))
        // Each figure against its records: the satisfaction's follow-ups and counts are Satisfaction.swift's.
        let tally = market.satisfaction(from: month.first, through: month.last)
        for branch in market.branches {
            let satisfaction = try #require(core.figure(.service, unit: String(branch.number), measure: .satisfaction))
            #expect(satisfaction.value == tally.branch(branch.number).rate && satisfaction.total == tally.branch(branch.number).followUps)
            #expect(satisfaction.records.count == satisfaction.total)
            let filed = try #require(core.figure(.service, unit: String(branch.number), measure: .complaintsPerShop))
            let shops = Set(market.merchants.filter { $0.branch == branch.number }.map(\.shopNumber))
            let expected = market.complaints.values.filter { month.contains($0.filed.date) && $0.duplicateOf == nil && shops.contains($0.filed.shop ?? "") }
            #expect(filed.receipts == expected.map(\.filed.receipt).sorted() && filed.total == shops.count)
        }
        for language in [Language.zh, .en] {
            let html = MonthlyReport.render(market, month: month, today: today, format: .html, language: language)
            let md = MonthlyReport.render(market, month: month, today: today, format: .md, language: language)
            #expect(xmlProblem(html) == nil, "\(xmlProblem(html) ?? "")")
            for text in [html, md] {
                #expect(text.contains(Markup.html(core.methodLine(language))) || text.contains(Markup.md(core.methodLine(language))))
                for kind in ContributionKind.allCases {
                    let ranking = try #require(core.ranking(kind))
                    #expect(text.contains(CompetitionTables.caption(core, kind, language)))
                    for row in CompetitionTables.rows(ranking, scope: core.scope, language) {
                        let cells = text.contains("<table>") ? row.map(Markup.html) : row.map(Markup.md)
                        #expect(cells.allSatisfy(text.contains), "\(row)")
                    }
                }
            }
            // The records behind a figure: the complaints by receipt.
            let served = try #require(core.ranking(.service)?.rows.first { !$0.figures[2].receipts.isEmpty })
            #expect(served.figures[2].receipts.allSatisfy(md.contains))
        }
    }
}
