import Foundation
import Testing
import TestSupport

/// Shops named on the command line as the dashboard finds them (Core/ShopSearch.swift): the
/// number in any case, the name, pinyin initials; several candidates or none is exit status 1.
@Suite("Shops found on the command line")
struct ShopReferenceCLITests {
    func seeded() throws -> DomainCLI {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        return cli
    }

    func records(_ cli: DomainCLI) throws -> Int {
        try cli.run(["log"]).output.split(separator: "\n").count
    }

    @Test func aShopByItsNumberInAnyCaseItsNameOrItsPinyinInitials() throws {
        let cli = try seeded()
        for typed in ["a101", "Ａ１０１", "鉴明镜架批发部", "jmjjpfb"] {
            let shown = try cli.run(["merchant", "show", typed])
            #expect(shown.status == 0 && shown.output.hasPrefix("A101  鉴明镜架批发部\n"), "\(typed): \(shown.errors)")
        }
        #expect(try cli.run(["merchant", "show", "ymjjh"]).output.hasPrefix("A105  曜目镜架行\n"))
    }

    @Test func anAmbiguousShopListsTheCandidatesAndRecordsNothing() throws {
        let cli = try seeded()
        let before = try records(cli)
        let file = ["complaint", "file", "--merchant", "老花镜", "--category", "quality", "--integrity", "quality", "--text", "镜片有划痕", "--as", "li"]
        let zh = try cli.run(file, pin: "123456")
        #expect(zh.status == 1)
        #expect(zh.errors == "chengxin: 「老花镜」对应 2 家商户：A110 丰泽老花镜（林伟民），A111 导墅老花镜批发部（周珏）；请用店铺号\n")
        let en = try cli.run(file + ["--lang", "en"], pin: "123456")
        #expect(en.status == 1)
        #expect(en.errors == "chengxin: \"老花镜\" matches 2 shops: A110 丰泽老花镜 (林伟民), A111 导墅老花镜批发部 (周珏); give the shop number\n")
        let inspection = try cli.run(["inspection", "record", "--merchant", "gj", "--pass-all", "--as", "li"], pin: "123456")
        #expect(inspection.status == 1 && inspection.errors.contains("「gj」对应 2 家商户：A101 鉴明镜架批发部（高娟），A112 澄光镜架（魏荣根）"))
        #expect(try records(cli) == before, "nothing recorded")
        #expect(try cli.run(["merchant", "show", "老花镜"]).status == 1)
    }

    @Test func anUnknownShopIsSaidNamingWhatWasTyped() throws {
        let cli = try seeded()
        let before = try records(cli)
        let zh = try cli.run(["merchant", "show", "zzz"])
        #expect(zh.status == 1)
        #expect(zh.errors == "chengxin: 没有与「zzz」对应的商户（可用店铺号、店名或拼音首字母）\n")
        let en = try cli.run(["pledge", "add", "--merchant", "Z999", "--integrity", "consumer", "--text", "免费清洗眼镜", "--as", "li", "--lang", "en"], pin: "123456")
        #expect(en.status == 1)
        #expect(en.errors == "chengxin: no shop matches \"Z999\" (give its number, name or pinyin initials)\n")
        #expect(try records(cli) == before)
    }

    @Test func theRecordBindsTheShopNumberSoARetryInAnotherCaseIsTheSameRequest() throws {
        let cli = try seeded()
        let before = try records(cli)
        func file(_ shop: String) throws -> (status: Int32, output: String, errors: String) {
            try cli.run(["complaint", "file", "--merchant", shop, "--category", "quality", "--integrity", "quality", "--text", "镜片有划痕",
                         "--as", "li", "--request-id", "c-1"], pin: "123456")
        }
        let first = try file("a101")
        #expect(first.status == 0, "\(first.errors)")
        let retry = try file("A101")
        #expect(retry.status == 0 && retry.output == first.output && retry.errors.contains("未重复记录"), "\(retry.errors)")
        #expect(try records(cli) == before + 1)
        let byName = try cli.run(["complaint", "file", "--merchant", "丰泽老花镜", "--category", "price", "--integrity", "price", "--text", "价格不符", "--as", "li"], pin: "123456")
        #expect(byName.status == 0, "\(byName.errors)")
        let log = try cli.run(["log", "--jsonl"]).output.split(separator: "\n")
        #expect(log.filter { $0.contains("complaint.filed") }.map { $0.contains(#""shop":"A101""#) } == [true, false])
        #expect(log.last?.contains(#""shop":"A110""#) == true)
    }
}
