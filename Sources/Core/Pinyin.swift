import Foundation
import Synchronization

/// Pinyin for search and sorting: ICU's transliteration (Foundation on Linux) plus the other
/// readings of common polyphonic characters (长 cháng/zhǎng, 曾 zēng/céng, 单 shàn/dān …), so that a
/// person can type either reading, the initials (gj for 高娟) or the full syllables (gaojuan).
public enum Pinyin {
    /// Other readings of characters whose transliteration picks one of several (surnames first).
    static let extraReadings: [Character: [String]] = [
        "长": ["chang", "zhang"], "行": ["hang", "xing"], "重": ["zhong", "chong"], "曾": ["zeng", "ceng"],
        "单": ["shan", "dan", "chan"], "乐": ["le", "yue"], "解": ["xie", "jie"], "区": ["ou", "qu"],
        "仇": ["qiu", "chou"], "查": ["zha", "cha"], "缪": ["miao", "mou", "miu"], "朴": ["piao", "pu"],
        "覃": ["qin", "tan"], "盖": ["ge", "gai"], "尉": ["yu", "wei"], "召": ["shao", "zhao"],
        "都": ["du", "dou"], "藏": ["cang", "zang"], "传": ["chuan", "zhuan"], "会": ["hui", "kuai"],
        "朝": ["chao", "zhao"], "还": ["huan", "hai"], "省": ["sheng", "xing"], "角": ["jiao", "jue"],
        "参": ["can", "shen"], "厦": ["sha", "xia"], "差": ["cha", "chai"], "种": ["zhong", "chong"],
        "调": ["tiao", "diao"], "薄": ["bo", "bao"], "宿": ["su", "xiu"], "秘": ["mi", "bi"],
        "镜": ["jing"], "眼": ["yan"],
    ]

    /// The possible readings of each character of `text` (lower-case, no tones); characters that
    /// are not Chinese stand for themselves, lower-cased.
    public static func readings(of text: String) -> [[String]] {
        text.map { character in
            if let extra = extraReadings[character] { return extra }
            let single = String(character)
            guard character.unicodeScalars.contains(where: { (0x3400...0x9FFF).contains($0.value) }) else {
                return [single.lowercased()]
            }
            if let known = transliterated.withLock({ $0[character] }) { return [known] }
            let latin = single.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) ?? single
            let cleaned = latin.lowercased().filter { $0.isLetter && $0.isASCII }
            let reading = cleaned.isEmpty ? single : cleaned
            transliterated.withLock { $0[character] = reading }
            return [reading]
        }
    }

    /// ICU's reading of each character met so far (an ICU transform costs tens of microseconds;
    /// a roster's names share most of their characters).
    private static let transliterated = Mutex<[Character: String]>([:])

    /// A precomputed form of a text for matching many queries against it.
    public struct Key: Sendable, Equatable {
        public let text: String
        let readings: [[String]]

        public init(_ text: String) {
            self.text = text
            self.readings = Pinyin.readings(of: text)
        }

        /// Whether `query` finds this text: as a substring of the text itself, or, in pinyin,
        /// run of consecutive characters each typed as its initial or its full syllable (the last
        /// one may be cut short). Case and spaces do not matter.
        public func matches(_ query: String) -> Bool {
            let q = TypedCode.fold(query).lowercased().filter { !$0.isWhitespace }
            if q.isEmpty { return true }
            if text.lowercased().contains(q) { return true }
            let chars = Array(q)
            guard chars.allSatisfy({ $0.isASCII }) else { return false }
            for start in readings.indices where match(chars, 0, start) { return true }
            return false
        }

        private func match(_ q: [Character], _ position: Int, _ index: Int) -> Bool {
            if position == q.count { return true }
            guard index < readings.count else { return false }
            for reading in readings[index] {
                let syllable = Array(reading)
                guard let first = syllable.first, first == q[position] else { continue }
                // The initial alone (zh/ch/sh count as initials too).
                if match(q, position + 1, index + 1) { return true }
                if syllable.count > 1, ["zh", "ch", "sh"].contains(String(syllable.prefix(2))), position + 1 < q.count,
                   q[position + 1] == syllable[1], match(q, position + 2, index + 1) { return true }
                // The full syllable, or a prefix of it at the end of the query.
                var k = 0
                while k < syllable.count, position + k < q.count, syllable[k] == q[position + k] { k += 1 }
                if k == syllable.count, match(q, position + k, index + 1) { return true }
                if position + k == q.count { return true }
            }
            return false
        }
    }

    /// Orders Chinese text by pinyin (ICU collation for zh_CN), then by the text itself.
    public static func ascending(_ a: String, _ b: String) -> Bool {
        let order = a.compare(b, options: [], range: nil, locale: Locale(identifier: "zh_CN"))
        return order == .orderedSame ? a < b : order == .orderedAscending
    }
}
