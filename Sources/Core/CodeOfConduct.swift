/// The market's code of conduct (定守则), versioned: inspections check against it.
public struct CodeOfConduct: Sendable, Codable, Equatable {
    public var version: Int
    public var effectiveFrom: SimpleDate
    public var articles: [String]

    public init(version: Int, effectiveFrom: SimpleDate, articles: [String]) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.articles = articles
    }

    /// Reads `seeds/code-of-conduct.txt`: first line `版本 N，YYYY-MM-DD 起施行`, then one article per line.
    /// `fileName`: how messages name the file (the seeds' `code-of-conduct.txt`, or the file given).
    public static func parse(_ text: String, fileName: String = "code-of-conduct.txt") throws(SeedProblems) -> CodeOfConduct {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let head = lines.first else {
            throw SeedProblems(problems: [LocalizedMessage(zh: "\(fileName) 是空的", en: "\(fileName) is empty")])
        }
        let numbers = head.split(whereSeparator: { !$0.isNumber && $0 != "-" }).map(String.init)
        guard numbers.count >= 2, let version = Int(numbers[0]), let date = SimpleDate(iso: numbers[1]) else {
            throw SeedProblems(problems: [LocalizedMessage(zh: "\(fileName) 第 1 行应为“版本 N，YYYY-MM-DD 起施行”", en: "\(fileName) line 1 must be 版本 N，YYYY-MM-DD 起施行")])
        }
        return CodeOfConduct(version: version, effectiveFrom: date, articles: Array(lines.dropFirst()))
    }
}
