import Core
import Foundation
import Log
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// Runs chengxin on a demo data directory with the market's date fixed at 2026-11-26.
private struct ReportCLI {
    let binary: String
    let data = temporaryPath("report-data")
    let key = temporaryPath("report-key") + "/k.key"
    let folder = temporaryPath("report-files")

    init() throws {
        binary = try #require(builtProduct("chengxin"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String], pin: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        var env = ["CHENGXIN_TODAY=2026-11-26", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "LANG=C.UTF-8"]
        if let pin { env.append("CHENGXIN_PIN=\(pin)") }
        return try runToCompletion(["/usr/bin/env", "-i"] + env + [binary] + arguments)
    }

    func demo() throws {
        let created = try run(["init", "--demo", "--seeds", packageRoot.appendingPathComponent("seeds").path])
        #expect(created.status == 0, "\(created.errors)")
    }

    func path(_ name: String) -> String { folder + "/" + name }
}

/// The headless Chromium on this machine, if any (Debian: chromium-headless-shell or chromium).
private let chromium: String? = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

private func isWellFormedXML(_ path: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return XMLParser(data: data).parse()
}

@Suite("Exports, reports and roster import through the command line")
struct ReportCLITests {
    /// Issue 20, requirement 1: the members' roster through the command line.
    @Test func membersAreListedShownExportedAndImported() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let list = try cli.run(["member", "list", "--branch", "2"]).output
        #expect(list.contains("D2-01  顾晨阳  第 2 支部  支部书记  B109  账户 shuji2"), "\(list)")
        #expect(list.contains("D2-05  储云飞  第 2 支部  党员  B102、B101"))
        #expect(list.contains("滕国栋  第 2 支部  党员  无店铺"))
        let show = try cli.run(["member", "show", "D1-01"]).output
        #expect(show.contains("支部职务：支部书记") && show.contains("用户账户：shuji1") && show.contains("  A105 "), "\(show)")
        #expect(try cli.run(["merchant", "show", "A209"]).output.contains("党员经营者：\n  普通商户（无党员经营者）"))
        #expect(try cli.run(["merchant", "show", "B101"]).output.contains("  程玉兰（D2-04，党员）\n  储云飞（D2-05，党员）"))

        let file = cli.path("members.csv")
        let exported = try cli.run(["export", "members", "--format", "csv", "--with-personal-data", "--as", "zhuren", "--out", file], pin: "111111")
        #expect(exported.output.contains("已导出 106 行"), "\(exported.errors)")
        var text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        let before = try cli.run(["log"]).output
        #expect(try cli.run(["import", "members", file, "--as", "zhuren"], pin: "111111").output.contains("党员名册与文件一致"), "export → import changes nothing")
        #expect(try cli.run(["log"]).output == before)

        text = text.replacingOccurrences(of: "D1-04,魏晓琳,1,2002-01-14,党员,A102,,\r\n", with: "D1-04,魏晓琳,1,2002-01-14,党员,A102,,2026-11-20\r\n")
        text += "D1-90,新党员,1,2021-07-01,党员,,,\r\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let dry = try cli.run(["import", "members", file, "--dry-run"]).output
        #expect(dry.contains("登记 D1-90 新党员（第 108 行）") && dry.contains("更正 D1-04 魏晓琳：离开日期"), "\(dry)")
        #expect(dry.contains("⚠ A102 挂“党员经营户”牌，但没有在册的党员经营者"))
        let refused = try cli.run(["import", "members", file, "--as", "shuji1"], pin: "200001")
        #expect(refused.status == 1 && refused.errors.contains("只有市场管理方可以登记或更正党员"), "\(refused.errors)")
        let imported = try cli.run(["import", "members", file, "--as", "zhuren", "--request-id", "m-1"], pin: "111111")
        #expect(imported.output.contains("已导入：登记 1 名，更正 1 名，未变 105 名，文件中没有 0 名"), "\(imported.output)\(imported.errors)")
        #expect(try cli.run(["import", "members", file, "--as", "zhuren", "--request-id", "m-1"], pin: "111111").output.contains("党员名册与文件一致"))
        #expect(try cli.run(["member", "show", "D1-04"]).output.contains("离开日期：2026-11-20"))
        #expect(try cli.run(["merchant", "show", "A102"]).output.contains("⚠ A102 挂“党员经营户”牌"))
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func exportEditInGB18030AndImportRoundTrip() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let file = cli.path("merchants.csv")
        let exported = try cli.run(["export", "merchants", "--format", "csv", "--bom", "--with-personal-data", "--as", "zhuren", "--out", file], pin: "111111")
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("已导出 100 行") && exported.output.contains("含个人信息"))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "a file with personal data is private")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))

        // Straight back: nothing changes, nothing is written.
        let before = try cli.run(["log"]).output
        let same = try cli.run(["import", "roster", file, "--as", "zhuren"], pin: "111111")
        #expect(same.status == 0)
        #expect(same.output.contains("编码 UTF-8（带 BOM），100 行") && same.output.contains("未变 100 户"))
        #expect(try cli.run(["log"]).output == before)

        // Edited as a spreadsheet user would (a formula-looking name, a new shop) and saved as GB18030.
        var text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        text = text.replacingOccurrences(of: "A103,远瞻镜架行,", with: "A103,\"=HYPERLINK(\"\"http://x.example\"\",\"\"点我\"\")\",")
        text += "E960,新开眼镜店,欧阳𠀀,5,党员经营户,92321181MA5UCLBD20,隐形眼镜,质量诚信：正品保证,,先行赔付\r\n"
        let gbFile = cli.path("edited-gb18030.csv")
        try Data(try #require(TextEncoding.gb18030Bytes(text))).write(to: URL(fileURLWithPath: gbFile))
        let dry = try cli.run(["import", "roster", gbFile, "--dry-run"])
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("编码 GB18030"))
        #expect(dry.output.contains("新增 E960 新开眼镜店") && dry.output.contains("更新 A103"))
        #expect(dry.output.contains("⚠ E960 挂“党员经营户”牌，但没有在册的党员经营者"), "reported, not refused")
        #expect(dry.output.contains("试运行：将新增 1 户，更新 1 户，未变 99 户；未写入任何内容。"))
        #expect(try cli.run(["log"]).output == before, "a dry run writes nothing")

        // A secretary may not import; a manager may.
        let refused = try cli.run(["import", "roster", gbFile, "--as", "shuji1"], pin: "200001")
        #expect(refused.status == 1 && refused.errors.contains("只有市场管理方可以导入名册"))
        let imported = try cli.run(["import", "roster", gbFile, "--as", "zhuren", "--request-id", "roster-1"], pin: "111111")
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("已导入：新增 1 户，更新 1 户，未变 99 户"))
        let again = try cli.run(["import", "roster", gbFile, "--as", "zhuren", "--request-id", "roster-1"], pin: "111111")
        #expect(again.output.contains("名册与文件一致"))
        let log = try cli.run(["log", "--since", "770"]).output
        #expect(log.contains("merchant.corrected  roster-import:roster-1:A103"))
        #expect(log.contains("merchant.registered  roster-import:roster-1:E960"))
        #expect(try cli.run(["verify"]).status == 0)
        #expect(try cli.run(["merchant", "show", "E960"]).output.contains("保障：\n  先行赔付"))

        // Exported again, the formula is neutralised for spreadsheets, and JSON keeps it as data.
        let csv = try cli.run(["export", "merchants", "--format", "csv"])
        #expect(csv.output.contains("A103,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"点我\"\")\",贺**,"))
        let json = try cli.run(["export", "merchants", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(rows.count == 101)
        #expect(rows.first { $0["shopNumber"] as? String == "A103" }?["name"] as? String == "=HYPERLINK(\"http://x.example\",\"点我\")")
        #expect(rows.first { $0["shopNumber"] as? String == "E960" }?["owner"] as? String == "欧**")
    }

    @Test func theShippedGB18030FixtureImportsAndBadRowsStopEverything() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/roster-gb18030.csv").path
        let before = try cli.run(["log"]).output
        let bad = cli.path("bad.csv")
        try "店铺号,店铺名称,经营者,支部编号,挂牌类型,统一社会信用代码,主营\r\nA101,鉴明镜架批发部,高娟,1,党员示范岗,92321181MAE76BT309,板材镜架\r\nZ1,坏店,张三,8,党员经营户,92321181MA5UCLBD21,镜架\r\nE970,好店,李四,5,党员经营户,92321181MA5UCLBD20,镜架\r\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let rejected = try cli.run(["import", "roster", bad, "--as", "zhuren"], pin: "111111")
        #expect(rejected.status == 1)
        #expect(rejected.errors.contains("有 3 处问题，未写入任何内容"))
        #expect(rejected.errors.contains("bad.csv 第 3 行：店铺号“Z1”格式不对"))
        #expect(rejected.errors.contains("bad.csv 第 3 行：支部编号“8”不存在"))
        #expect(rejected.errors.contains("bad.csv 第 3 行：统一社会信用代码“92321181MA5UCLBD21”校验位不对"))
        #expect(try cli.run(["log"]).output == before, "nothing half-written: the good row was not recorded either")

        let wrongEncoding = try cli.run(["import", "roster", fixture, "--encoding", "utf-8", "--dry-run"])
        #expect(wrongEncoding.status == 1 && wrongEncoding.errors.contains("--encoding gb18030"))
        let imported = try cli.run(["import", "roster", fixture, "--encoding", "gb18030", "--as", "zhuren"], pin: "111111")
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("编码 GB18030，3 行"))
        #expect(imported.output.contains("新增 1 户，更新 1 户，未变 1 户"))
        #expect(try cli.run(["merchant", "show", "E901"]).output.contains("E901  䶮明眼镜（测试）"))
        #expect(try cli.run(["import", "roster", cli.path("missing.csv"), "--dry-run"]).errors.contains("不存在"))
    }

    @Test func personalDataNeedsAManagerAndUsageErrorsExitWithTwo() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let anonymous = try cli.run(["export", "complaints", "--format", "csv", "--with-personal-data"])
        #expect(anonymous.status == 1 && anonymous.errors.contains("需要用 --as 指明操作人"))
        let secretary = try cli.run(["export", "complaints", "--format", "csv", "--with-personal-data", "--as", "shuji1"], pin: "200001")
        #expect(secretary.status == 1 && secretary.errors.contains("只有市场管理方可以导出未打码的个人信息"))
        let masked = try cli.run(["export", "complaints", "--format", "csv"])
        #expect(masked.status == 0)
        #expect(masked.output.contains("****"))
        let full = try cli.run(["export", "complaints", "--format", "csv", "--with-personal-data", "--as", "zhuren"], pin: "111111")
        #expect(full.status == 0)
        let phone = try #require(full.output.split(whereSeparator: { !$0.isNumber }).first { $0.count == 11 && $0.hasPrefix("1") }, "the demo has phones")
        #expect(!masked.output.contains(String(phone)))
        #expect(masked.output.contains(PersonalData.maskPhone(String(phone))))
        #expect(try cli.run(["export", "complaints", "--format", "xml"]).status == 2)
        #expect(try cli.run(["export", "merchants", "--format", "json", "--bom"]).status == 2)
        #expect(try cli.run(["report", "monthly", "--format", "html", "--month", "2026-13", "--out", cli.path("m.html")]).status == 2)
        #expect(try cli.run(["report", "monthly", "--format", "html"]).status == 2, "--out is required")
        let future = try cli.run(["report", "monthly", "--format", "md", "--month", "2027-01", "--out", cli.path("m.md")])
        #expect(future.status == 1 && future.errors.contains("还没有到"))
        let noFolder = try cli.run(["report", "public-notice", "--format", "html", "--out", cli.path("no/such/notice.html")])
        #expect(noFolder.status == 1 && noFolder.errors.contains("不存在"))
    }

    /// `chengxin compare`: the rankings with the method, shops of a branch, a month, and the
    /// records behind one figure; usage errors exit with 2.
    @Test func compareRanksWithTheMethodAndListsTheRecordsBehindAFigure() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let all = try cli.run(["compare"])
        #expect(all.status == 0, "\(all.errors)")
        for text in ["排名方法（名次相加）", "比发展：各支部排名（2026-01-01 至 2026-11-26）", "比服务：各支部排名", "比和谐：各支部排名", "满意率↑", "办理用时中位数↓", "第四党支部"] {
            #expect(all.output.contains(text), "\(text)")
        }
        let shops = try cli.run(["compare", "--shops", "--branch", "4", "--kind", "harmony", "--lang", "en"])
        #expect(shops.status == 0 && shops.output.contains("shops of branch 4 ranked") && !shops.output.contains("比服务："))
        #expect(shops.output.contains("D101") && !shops.output.contains("A101"))
        let month = try cli.run(["compare", "--month", "2026-10", "--kind", "service"])
        #expect(month.status == 0 && month.output.contains("（2026-10-01 至 2026-10-31）"))
        let records = try cli.run(["compare", "--records", "4:satisfaction"])
        #expect(records.status == 0, "\(records.errors)")
        #expect(records.output.contains("比服务 · 第四党支部 · 满意率：") && records.output.contains("办理投诉：回访"))
        let lines = records.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("回访") }, "\(records.output)")
        #expect(!records.output.contains("138"), "no phones")
        #expect(try cli.run(["compare", "--records", "4:nonsense"]).status == 2)
        #expect(try cli.run(["compare", "--branch", "4"]).status == 2)
        #expect(try cli.run(["compare", "--records", "Z999:vetoes"]).status == 1)
    }

    @Test func reportsAreWrittenWellFormedAndSelfContained() throws {
        let cli = try ReportCLI()
        try cli.demo()
        for (kind, format, name) in [("public-notice", "html", "notice.html"), ("monthly", "html", "monthly.html"), ("public-notice", "md", "notice.md"), ("monthly", "md", "monthly.md")] {
            let made = try cli.run(["report", kind, "--format", format, "--month", "2026-10", "--out", cli.path(name)])
            #expect(made.status == 0, "\(made.errors)")
            let text = try String(contentsOfFile: cli.path(name), encoding: .utf8)
            if format == "html" {
                #expect(isWellFormedXML(cli.path(name)), "\(name)")
                let external = ["http:", "https:", "src=", "url(", "<link", "<script"].filter { text.contains($0) }
                #expect(external.isEmpty, "\(name): \(external)")
            } else {
                #expect(text.hasPrefix("# "))
            }
        }
        let monthly = try String(contentsOfFile: cli.path("monthly.html"), encoding: .utf8)
        let charts = monthly.components(separatedBy: "<svg ").count - 1
        #expect(charts == 8)
    }

    @Test func theReportsPrintTheLogHeadAsTheAnchorSEQColonHASH() throws {
        let cli = try ReportCLI()
        try cli.demo()
        let report = try LogVerifier.verify(directory: cli.data)
        let anchor = "\(report.recordCount):\(hexString(report.headHash))"
        let checkpoints = try CheckpointFiles(keyPath: cli.key).scan(dataDirectory: cli.data, logID: report.logID)
        let fingerprint = try #require(checkpoints.newestSigned()?.keyFingerprint, "init signs a checkpoint with the key")
        for (kind, format, name) in [("public-notice", "md", "notice.md"), ("monthly", "html", "monthly.html")] {
            let made = try cli.run(["report", kind, "--format", format, "--month", "2026-10", "--out", cli.path(name)])
            #expect(made.status == 0, "\(made.errors)")
            #expect(made.output.contains("日志链头锚点：" + anchor + "\n"), "\(made.output)")
            let text = try String(contentsOfFile: cli.path(name), encoding: .utf8)
            let printed = format == "md" ? text.contains("| 锚点 | `\(anchor)` |") : text.contains("<code>\(anchor)</code>")
            let command = text.contains("chengxin verify --anchor \(anchor)")
            #expect(printed && command && text.contains(fingerprint), "\(name)")
        }
        // The anchor printed is one the log extends.
        #expect(AnchorCheck.problems([try Anchor.parse(anchor)], report: report).isEmpty)
    }

    /// Renders both HTML reports to PNG with headless Chromium (skipped, with this message, where
    /// Chromium is not installed: `apt-get install chromium-headless-shell fonts-noto-cjk`).
    @Test(.enabled(if: chromium != nil, "headless Chromium is not installed (apt-get install chromium-headless-shell fonts-noto-cjk); PNG rendering not checked"))
    func reportsRenderToPNGInHeadlessChromium() throws {
        let browser = try #require(chromium)
        let cli = try ReportCLI()
        try cli.demo()
        for name in ["notice", "monthly"] {
            let html = cli.path("\(name).html"), png = cli.path("\(name).png")
            #expect(try cli.run(["report", name == "notice" ? "public-notice" : "monthly", "--format", "html", "--month", "2026-10", "--out", html]).status == 0)
            var arguments = ["/usr/bin/env", "-i", "HOME=\(cli.folder)", "LANG=C.UTF-8", browser]
            if !browser.hasSuffix("headless-shell") { arguments.append("--headless") }
            arguments += ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1240,1754", "--screenshot=\(png)", "file://\(html)"]
            let rendered = try runToCompletion(arguments)
            #expect(rendered.status == 0, "\(rendered.errors)")
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: png)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
            // IHDR: width and height, big-endian, at bytes 16…23.
            let width = bytes.count > 24 ? bytes[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
            #expect(width == 1240)
            #expect(bytes.count > 20_000, "something was drawn (\(bytes.count) bytes)")
        }
    }
}
