@testable import Core
import Foundation
import TestSupport
import Testing

func shippedSeedFiles() throws -> [String: String] {
    var files: [String: String] = [:]
    for name in SeedLoader.fileNames {
        files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
    }
    return files
}

@Suite("The shipped roster")
struct ShippedRosterTests {
    @Test func loadsFiveBranchesAndNinetyPlusShops() throws {
        let roster = try SeedLoader.load(files: try shippedSeedFiles())
        #expect(roster.branches.map(\.number) == [1, 2, 3, 4, 5])
        #expect(roster.merchants.count >= 90)
        #expect(roster.committee.marketName == "中国(丹阳)眼镜城")
        for branch in roster.branches {
            #expect(roster.merchants.filter { $0.branch == branch.number }.count >= 10, "branch \(branch.number)")
        }
        // Member shops pledge and take duties; the ordinary shops (no member owner) only guarantee.
        for merchant in roster.merchants where merchant.plate.isMemberPlate {
            #expect((2...4).contains(merchant.pledges.count), "\(merchant.shopNumber) pledges")
            #expect(!merchant.duties.isEmpty, "\(merchant.shopNumber) duties")
        }
        for merchant in roster.merchants {
            #expect(!merchant.guarantees.isEmpty, "\(merchant.shopNumber) guarantees")
            #expect(CreditCode.problem(merchant.creditCode) == nil, "\(merchant.shopNumber) credit code")
        }
        #expect(Set(roster.merchants.map(\.plate)) == Set(PlateType.allCases))
        #expect(Set(roster.merchants.flatMap { $0.pledges.map(\.integrity) }) == Set(Integrity.allCases))
        #expect(roster.checklist.count >= 10)
        #expect(Set(roster.checklist.map(\.category)) == Set(ChecklistItem.Category.allCases))
        // Two versions: the contribution scheme of 2025–2026, the integrity scheme from 2027.
        let old = try #require(roster.ruleVersions.first), new = try #require(roster.ruleVersions.last)
        #expect(roster.ruleVersions.count == 2)
        #expect(old.scheme == nil && old.effectiveScheme == .contribution && old.basePoints == 60 && old.contributionCap == 40)
        #expect(old.stars(forScore: 90) == 5 && old.stars(forScore: 89) == 4 && old.stars(forScore: 10) == 1)
        #expect(new.version == 2 && new.effectiveFrom == "2027-01-01" && new.scheme == .integrity && new.basePoints == 100)
        #expect(new.stars(forScore: 95) == 5 && new.stars(forScore: 94) == 4 && new.stars(forScore: 85) == 4 && new.stars(forScore: 84) == 3)
        #expect(new.stars(forScore: 75) == 3 && new.stars(forScore: 74) == 2 && new.stars(forScore: 60) == 2 && new.stars(forScore: 59) == 1)
    }

    @Test func reportsEveryProblemWithItsFileAndLine() throws {
        var files = try shippedSeedFiles()
        files["merchants.csv"] = """
        店铺号,店铺名称,经营者,支部编号,挂牌类型,统一社会信用代码,主营
        A101,明视眼镜,张三,1,党员示范岗,92321181MAE76BT309,镜架
        A1O2,晶彩光学,李四,1,党员经营户,92321181MAE76BT309,镜片
        A103,亮点镜业,王五,9,党员经营户,92321181MAE76BT309,镜片
        A104,睛准验光,赵六,1,党员岗,92321181MAE76BT300,验光
        A101,重复店铺,钱七,1,党员经营户,92321181MAE76BT309,镜架
        """
        files["pledges.csv"] = "店铺号,诚信类别,承诺内容\nA101,诚信,明码标价\nZ999,价格诚信,明码标价\n"
        #expect {
            try SeedLoader.load(files: files)
        } throws: { error in
            guard let problems = error as? SeedProblems else { return false }
            let text = problems.text(.zh)
            return text.contains("merchants.csv 第 3 行：店铺号“A1O2”格式不对")
                && text.contains("merchants.csv 第 4 行：支部编号“9”不存在")
                && text.contains("merchants.csv 第 5 行：挂牌类型应为")
                && text.contains("merchants.csv 第 5 行：统一社会信用代码“92321181MAE76BT300”校验位不对")
                && text.contains("merchants.csv 第 6 行：店铺号 A101 重复")
                && text.contains("pledges.csv 第 2 行：诚信类别应为")
                && text.contains("pledges.csv 第 3 行：店铺号 Z999 不在 merchants.csv 中")
        }
    }

    @Test func englishMessagesOnRequest() throws {
        var files = try shippedSeedFiles()
        files["branches.csv"] = "支部编号,支部名称\n1,第一党支部\n"
        do {
            _ = try SeedLoader.load(files: files)
            Issue.record("a header without 支部书记 must be refused")
        } catch {
            #expect(error.text(.en).contains("branches.csv: header lacks column(s) 支部书记"))
        }
    }
}

@Suite("CSV")
struct CSVTests {
    @Test func quotedFieldsCRLFAndBOM() throws {
        let table = try CSVTable.parse("\u{FEFF}a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",z\r\nlast,row")
        #expect(table.header == ["a", "b"])
        #expect(table.rows.map(\.fields) == [["x,1", "say \"hi\""], ["two\nlines", "z"], ["last", "row"]])
        #expect(table.rows.map(\.line) == [2, 4, 6])
    }

    @Test func unterminatedQuoteNamesItsLine() {
        #expect(throws: LocalizedMessage(zh: "第 2 行：引号没有闭合", en: "line 2: unterminated quoted field")) {
            try CSVTable.parse("a,b\n\"open,x\n")
        }
    }
}

@Suite("Unified social credit code")
struct CreditCodeTests {
    @Test func publishedExamplesAreValid() {
        #expect(CreditCode.problem("91350100M000100Y43") == nil)
        #expect(CreditCode.problem("91110000600037341L") == nil)
    }

    @Test func wrongCheckCharacterLengthAndAlphabet() {
        #expect(CreditCode.problem("91350100M000100Y44")?.zh.contains("校验位不对：应为 3") == true)
        #expect(CreditCode.problem("9135010")?.zh.contains("应为 18 位") == true)
        #expect(CreditCode.problem("91350100M000100YI3")?.zh.contains("不允许的字符“I”") == true)
    }
}
