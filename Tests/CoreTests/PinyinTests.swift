import Testing
@testable import Core

@Suite("Pinyin search and sorting")
struct PinyinTests {
    @Test func initialsFullSyllablesAndMixtures() {
        let key = Pinyin.Key("鉴明镜架批发部")
        #expect(key.matches("jmjj"))
        #expect(key.matches("jianming"))
        #expect(key.matches("jian ming jing"))
        #expect(key.matches("pfb"))
        #expect(key.matches("jianmjj"))
        #expect(key.matches("明镜"))
        #expect(key.matches("jianmi"), "the last syllable may be cut short")
        #expect(!key.matches("xyz"))
        #expect(!key.matches("jmx"))
    }

    @Test func polyphonicCharactersMatchEveryReading() {
        #expect(Pinyin.Key("曾慧玲").matches("zhl") && Pinyin.Key("曾慧玲").matches("zenghuiling") && Pinyin.Key("曾慧玲").matches("cenghuiling"))
        #expect(Pinyin.Key("单斌").matches("shanbin") && Pinyin.Key("单斌").matches("danbin") && Pinyin.Key("单斌").matches("sb"))
        #expect(Pinyin.Key("长城眼镜").matches("changcheng") && Pinyin.Key("长城眼镜").matches("zhangcheng") && Pinyin.Key("长城眼镜").matches("chcyj"))
        #expect(Pinyin.Key("乐瞳眼镜").matches("yuetong") && Pinyin.Key("乐瞳眼镜").matches("letong"))
    }

    @Test func shopNumbersAndLatinText() {
        #expect(Pinyin.Key("A101").matches("a10"))
        #expect(Pinyin.Key("A101").matches("A101"))
    }

    @Test func sortingFollowsPinyin() {
        let sorted = ["吴颖", "高娟", "单斌", "魏晓琳", "蒋晓东"].sorted(by: Pinyin.ascending)
        #expect(sorted == ["单斌", "高娟", "蒋晓东", "魏晓琳", "吴颖"])
    }
}
