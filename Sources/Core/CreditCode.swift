/// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters whose last one
/// is a check character over the first 17.
public enum CreditCode {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters, or nil if one of them is not allowed.
    public static func checkCharacter(for first17: String) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let value = alphabet.firstIndex(of: c) else { return nil }
            sum += value * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Explains what is wrong with a code, or returns nil when it is valid.
    public static func problem(_ code: String) -> LocalizedMessage? {
        let chars = Array(code)
        guard chars.count == 18 else {
            return LocalizedMessage(
                zh: "统一社会信用代码应为 18 位，“\(code)”有 \(chars.count) 位",
                en: "a unified social credit code has 18 characters; \"\(code)\" has \(chars.count)")
        }
        if let bad = chars.first(where: { !alphabet.contains($0) }) {
            return LocalizedMessage(
                zh: "统一社会信用代码含有不允许的字符“\(bad)”（只能是数字和除 I、O、Z、S、V 以外的大写字母）",
                en: "the unified social credit code contains the character \"\(bad)\", which is not allowed")
        }
        guard let expected = checkCharacter(for: String(chars[0..<17])), expected == chars[17] else {
            let expected = checkCharacter(for: String(chars[0..<17])).map(String.init) ?? "?"
            return LocalizedMessage(
                zh: "统一社会信用代码“\(code)”校验位不对：应为 \(expected)，实为 \(chars[17])",
                en: "unified social credit code \"\(code)\" has check character \(chars[17]); expected \(expected)")
        }
        return nil
    }
}
