import Testing
@testable import Core

@Suite("A shop found by what a person types")
struct ShopSearchTests {
    func shop(_ number: String, _ name: String, _ owner: String) -> Merchant {
        Merchant(shopNumber: number, name: name, owner: owner, branch: 1, plate: .memberBusiness, creditCode: "", business: "")
    }

    var shops: [Merchant] {
        [shop("A102", "张记眼镜批发部", "李四"), shop("A101", "张记眼镜", "张三"), shop("B201", "明视光学", "张伟"), shop("B202", "鉴明镜架", "高娟")]
    }

    func found(_ typed: String) -> String? {
        if case .shop(let merchant) = ShopSearch.resolve(typed, among: shops) { return merchant.shopNumber }
        return nil
    }

    @Test func theShopNumberInAnyCaseAndFullWidth() {
        #expect(found("A101") == "A101")
        #expect(found("a101") == "A101")
        #expect(found("Ａ１０１") == "A101")
        #expect(found(" b202 ") == "B202")
    }

    @Test func theExactNameWinsOverANameItIsAPrefixOf() {
        #expect(found("张记眼镜") == "A101", "张记眼镜 is also the start of 张记眼镜批发部")
        #expect(found("张记眼镜批发部") == "A102")
    }

    @Test func pinyinInitialsAndSubstringsAsTheDashboardFinds() {
        #expect(found("jmjj") == "B202")
        #expect(found("gj") == "B202", "the owner 高娟 too")
        #expect(found("批发") == "A102")
        #expect(found("mingshi") == "B201")
    }

    @Test func severalCandidatesAreAmbiguousInShopNumberOrder() {
        #expect(ShopSearch.resolve("张", among: shops) == .ambiguous([shops[1], shops[0], shops[2]]))
        let message = ShopSearch.ambiguous("张", [shops[1], shops[0]])
        #expect(message.zh == "「张」对应 2 家商户：A101 张记眼镜（张三），A102 张记眼镜批发部（李四）；请用店铺号")
        #expect(message.en == "\"张\" matches 2 shops: A101 张记眼镜 (张三), A102 张记眼镜批发部 (李四); give the shop number")
        #expect(throws: message) { try ShopSearch.shop("张", among: Array(shops.prefix(2))) }
    }

    @Test func nothingFoundNamesWhatWasTyped() {
        #expect(ShopSearch.resolve("xyz", among: shops) == .none)
        #expect(ShopSearch.resolve("", among: shops) == .none, "nothing typed names no shop")
        #expect(ShopSearch.notFound("Ｚ９").zh == "没有与「Z9」对应的商户（可用店铺号、店名或拼音首字母）")
        #expect(throws: ShopSearch.notFound("xyz")) { try ShopSearch.shop("xyz", among: shops) }
    }

    @Test func theKeysAreANumberANameAndAnOwner() {
        let keys = ShopSearch.Keys(shops[3])
        #expect(keys.number.text == "B202" && keys.name.text == "鉴明镜架" && keys.owner.text == "高娟")
        #expect(keys.matches("b20") && keys.matches("gaojuan") && !keys.matches("zhang"))
    }
}
