import Core
import Foundation
import TextSafety

/// Formats of `chengxin report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html, md
}

/// Text for HTML (and the XML it is written as: every page is well-formed XHTML syntax, so that an
/// XML parser can check it) and for Markdown.
enum Markup {
    /// Escapes the five XML specials; scalars unsafe for a terminal become U+FFFD.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += " "
            default:
                if UnsafeText.isUnsafe(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A Markdown table cell or line: pipes and Markdown punctuation escaped, HTML specials
    /// escaped (Markdown renders raw HTML), line breaks folded.
    static func md(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|", "\\", "*", "_", "`", "[", "]", "#": out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\t": out += " "
            default:
                if UnsafeText.isUnsafe(scalar) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A number with one decimal, as 4.3.
    static func one(_ value: Double) -> String { String(format: "%.1f", value) }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }

    /// The page around a report body: A4, print styles inline, no external resource of any kind.
    static func page(title: String, language: Language, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(html(title))</title>
        <style>
        @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "SimSun", sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; background: #fff; margin: 0; }
        main { max-width: 186mm; margin: 0 auto; }
        h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm 0; letter-spacing: 0.1em; }
        h2 { font-size: 13.5pt; border-bottom: 1.2pt solid #a00; padding-bottom: 1mm; margin: 5mm 0 2mm 0; }
        h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm 0; }
        p.sub { text-align: center; margin: 0 0 4mm 0; color: #333; }
        p.note, footer { font-size: 9pt; color: #333; }
        table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm 0; }
        th, td { border: 0.5pt solid #555; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
        th { background: #f2e6e6; font-weight: bold; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        thead { display: table-header-group; }
        tr, figure { break-inside: avoid; page-break-inside: avoid; }
        ul { margin: 0; padding-left: 4mm; }
        .stars { color: #b00000; white-space: nowrap; letter-spacing: 0.05em; }
        .mark { font-size: 8.5pt; color: #a00; }
        section.branch { break-before: page; page-break-before: always; }
        section.branch.first { break-before: auto; page-break-before: auto; }
        figure { margin: 2mm 0 4mm 0; }
        figcaption { font-size: 9.5pt; font-weight: bold; margin-bottom: 1mm; }
        svg { max-width: 100%; height: auto; }
        svg text { font-family: inherit; font-size: 11px; fill: #111; }
        table.notice { font-size: 9.5pt; table-layout: fixed; }
        table.notice col.shop { width: 8%; } table.notice col.name { width: 14%; } table.notice col.plate { width: 10%; }
        table.notice col.stars { width: 13%; } table.notice col.pledges { width: 32%; } table.notice col.guarantees { width: 12%; }
        table.notice col.reply { width: 11%; }
        .grid { display: flex; flex-wrap: wrap; gap: 2mm 6mm; }
        .grid > div { flex: 1 1 45%; min-width: 0; }
        dl.figures { display: grid; grid-template-columns: auto auto auto auto; gap: 1mm 4mm; margin: 1mm 0 3mm 0; }
        dl.figures dt { color: #444; }
        dl.figures dd { margin: 0; font-weight: bold; }
        section.head { break-inside: avoid; page-break-inside: avoid; margin-top: 5mm; }
        section.head dl.figures { grid-template-columns: auto 1fr; }
        code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", monospace; font-size: 9pt; word-break: break-all; }
        @media screen { body { background: #ddd; } main { background: #fff; padding: 12mm; margin: 6mm auto; box-shadow: 0 0 3mm #999; } }
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}

/// Charts as inline SVG (no script, no external font or image), sized for an A4 column.
public enum SVGChart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// The figure written at the end of the bar.
        public var text: String

        public init(label: String, value: Double, text: String) {
            self.label = label
            self.value = value
            self.text = text
        }
    }

    static let palette = ["#b22222", "#d2691e", "#2e6f9e", "#3a7d44", "#7b4f9d", "#8a6d3b"]

    /// Horizontal bars, one per row, with their labels on the left and figures on the right.
    public static func bars(_ bars: [Bar], title: String, width: Int = 600, maximum: Double? = nil) -> String {
        let rowHeight = 22, labelWidth = 170, figureWidth = 70, top = 6
        let height = top * 2 + max(1, bars.count) * rowHeight
        let span = Double(width - labelWidth - figureWidth)
        let top_ = maximum ?? (bars.map(\.value).max() ?? 0)
        var out = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Markup.html(title))\">"
        out += "<title>\(Markup.html(title))</title>"
        if bars.isEmpty {
            out += "<text x=\"0\" y=\"\(top + 15)\">—</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let length = top_ > 0 ? max(0, bar.value) / top_ * span : 0
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(Markup.html(bar.label))</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(String(format: "%.1f", length))\" height=\"\(rowHeight - 7)\" fill=\"\(palette[i % palette.count])\"/>"
            out += "<text x=\"\(String(format: "%.1f", Double(labelWidth) + length + 5))\" y=\"\(y + 15)\">\(Markup.html(bar.text))</text>"
        }
        return out + "</svg>"
    }

    /// Vertical columns over time (a trend), labels under each column.
    public static func columns(_ bars: [Bar], title: String, width: Int = 600, height: Int = 170) -> String {
        let bottom = 22, top = 16
        let slot = Double(width) / Double(max(1, bars.count))
        let top_ = bars.map(\.value).max() ?? 0
        let span = Double(height - bottom - top)
        var out = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Markup.html(title))\">"
        out += "<title>\(Markup.html(title))</title>"
        out += "<line x1=\"0\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#555\" stroke-width=\"1\"/>"
        for (i, bar) in bars.enumerated() {
            let h = top_ > 0 ? max(0, bar.value) / top_ * span : 0
            let x = Double(i) * slot + slot * 0.18
            let y = Double(height - bottom) - h
            out += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" width=\"\(String(format: "%.1f", slot * 0.64))\" height=\"\(String(format: "%.1f", h))\" fill=\"\(i == bars.count - 1 ? "#b22222" : "#2e6f9e")\"/>"
            out += "<text x=\"\(String(format: "%.1f", Double(i) * slot + slot / 2))\" y=\"\(String(format: "%.1f", y - 3))\" text-anchor=\"middle\">\(Markup.html(bar.text))</text>"
            out += "<text x=\"\(String(format: "%.1f", Double(i) * slot + slot / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(Markup.html(bar.label))</text>"
        }
        return out + "</svg>"
    }
}

/// The event log's head as printed on paper (docs/log-format.md, "Anchors: the head on paper"):
/// whoever keeps a printed notice or report can later check that the log still extends it, with
/// `chengxin verify --anchor SEQ:HASH`. Plain values: the command line fills them from the log.
public struct LogHead: Sendable, Equatable {
    /// The sequence number of the last record (0 for an empty log).
    public let sequence: UInt64
    /// Its chain hash, 64 lower-case hexadecimal digits.
    public let hash: String
    /// The fingerprint (16 hex digits) of the key of the newest signed checkpoint; nil when the
    /// log has no signed checkpoint.
    public let keyFingerprint: String?

    public init(sequence: UInt64, hash: String, keyFingerprint: String?) {
        self.sequence = sequence
        self.hash = hash
        self.keyFingerprint = keyFingerprint
    }

    /// `SEQ:HASH`, exactly as `chengxin verify --anchor` reads it.
    public var anchor: String { "\(sequence):\(hash)" }

    /// The rows of the block: label, value, and whether the value is set as code (a number or
    /// hex digits to be copied exactly; only letters, digits and colons are).
    func rows(_ l: Language) -> [(label: String, value: String, code: Bool)] {
        func code(_ text: String) -> Bool { !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == ":") } }
        let fingerprint = keyFingerprint ?? l.pick("未签名", "not signed")
        return [(l.pick("记录序号", "Sequence number"), "\(sequence)", true),
                (l.pick("链头哈希", "Head hash"), hash, code(hash)),
                (l.pick("锚点", "Anchor"), anchor, code(anchor)),
                (l.pick("签名密钥指纹", "Signing key fingerprint"), fingerprint, keyFingerprint.map(code) ?? false)]
    }

    func heading(_ l: Language) -> String { l.pick("日志链头", "Log head") }

    /// The sentence on how to check the paper, before and after the command
    /// `chengxin verify --anchor SEQ:HASH` (which each format sets as code).
    func howToCheck(_ l: Language) -> (before: String, after: String) {
        (l.pick("以上是打印时事件日志的最后一条记录及其哈希。任何人日后都可以在存有日志的电脑上运行 ",
                "This is the event log's last record and its hash when this was printed. Anyone can later check it on the computer that keeps the log with "),
         l.pick(" 核对：日志若被回滚、删改或整体重写，核对就会失败。", ": if the log was rolled back, altered or rewritten, the check fails."))
    }

    var command: String { "chengxin verify --anchor \(anchor)" }

    /// The block in HTML: a small section, the numbers and hex digits in `code`.
    func html(_ l: Language) -> String {
        var out = "<section class=\"head\">\n<h2>\(Markup.html(heading(l)))</h2>\n<dl class=\"figures\">"
        for row in rows(l) {
            let value = row.code ? "<code>\(Markup.html(row.value))</code>" : Markup.html(row.value)
            out += "<dt>\(Markup.html(row.label))</dt><dd>\(value)</dd>"
        }
        let (before, after) = howToCheck(l)
        return out + "</dl>\n<p class=\"note\">\(Markup.html(before))<code>\(Markup.html(command))</code>\(Markup.html(after))</p>\n</section>\n"
    }

    /// The block in Markdown: the hex values as code spans, so that they are copied as they are.
    func md(_ l: Language) -> String {
        var out = "\n## \(Markup.md(heading(l)))\n\n| \(l.pick("项目", "Item")) | \(l.pick("内容", "Value")) |\n| --- | --- |\n"
        for row in rows(l) {
            out += "| \(Markup.md(row.label)) | \(row.code ? "`" + row.value + "`" : Markup.md(row.value)) |\n"
        }
        let (before, after) = howToCheck(l)
        let command = rows(l)[2].code ? "`\(command)`" : Markup.md(command)
        return out + "\n" + Markup.md(before) + command + Markup.md(after) + "\n"
    }
}

/// The public notice (公示) of the member shops' ratings, one section per branch: the shops, their
/// plates, stars, pledges, guarantees and replies. No personal data (no owner names).
public enum PublicNotice {
    /// `asOf` is the date the ratings are computed for (normally today).
    /// `head`, when given, is printed at the end ("日志链头 / Log head"), so that the paper anchors the log.
    public static func render(_ market: MarketState, asOf: SimpleDate, format: ReportFormat, language: Language = .zh, head: LogHead? = nil) -> String {
        let year = asOf.year
        let l = language
        let marketName = market.committee?.marketName ?? l.pick("眼镜城", "the market")
        let title = l.pick("\(marketName)党员经营户诚信星级公示（\(year) 年度）", "\(marketName): integrity star ratings of member shops (\(year))")
        let published = market.ratingsPublished[year]?.value.date
        let rules = market.rules(on: asOf)?.value
        let window = rules?.appeal.fileWithinWorkingDays ?? 10
        let subtitle = l.pick("评定截至 \(asOf)", "ratings as of \(asOf)")
            + (published.map { l.pick("，\($0) 公示", "; published \($0)") } ?? "")
        let note = l.pick(
            "星级按《诚信经营守则》和评星规则（第 \(rules?.version ?? 1) 版）由检查、投诉和贡献记录计算，每项可查。对评定有异议的商户，可在公示之日起 \(window) 个工作日内向市场管理方申请复核；复核期间标注“复核中”。商户回应与星级一同公示。欢迎消费者监督，投诉请到市场服务台。",
            "Stars are computed from inspections, complaints and contributions under the code of conduct and the rating rules (version \(rules?.version ?? 1)); every point can be traced. A shop may appeal to the market management within \(window) working days of publication; meanwhile its rating is marked \"under review\". Shops' replies are published beside their stars. Complaints: the service desk in the market hall.")
        var sections: [(branch: Branch, shops: [(Merchant, RatingStatus, Bool, String?)])] = []
        for branch in market.branches {
            let shops = market.merchantsByShopNumber.filter { $0.branch == branch.number }.map { m in
                (m, market.rating(of: m, today: asOf), market.isUnderReview(m.shopNumber, year: year), market.replies[m.shopNumber]?[year]?.value.text)
            }
            sections.append((branch, shops))
        }
        func starsText(_ status: RatingStatus, _ review: Bool) -> String {
            status.label(l) + (review ? l.pick("（复核中）", " (under review)") : "")
        }
        func summary(_ shops: [(Merchant, RatingStatus, Bool, String?)]) -> String {
            let stars = shops.compactMap { $0.1.stars }
            let average = stars.isEmpty ? "—" : Markup.one(Double(stars.reduce(0, +)) / Double(stars.count))
            let five = stars.filter { $0 == 5 }.count
            return l.pick("共 \(shops.count) 户，已评定 \(stars.count) 户，平均 \(average) 星，五星 \(five) 户",
                          "\(shops.count) shops, \(stars.count) rated, average \(average) stars, \(five) with five stars")
        }
        let headers = [l.pick("店铺号", "Shop"), l.pick("店铺名称", "Name"), l.pick("挂牌", "Plate"), l.pick("星级", "Stars"),
                       l.pick("承诺（亮承诺）", "Pledges"), l.pick("保障", "Guarantees"), l.pick("商户回应", "Reply")]
        switch format {
        case .html:
            var body = "<header><h1>\(Markup.html(title))</h1><p class=\"sub\">\(Markup.html(subtitle))</p></header>\n"
            for (i, section) in sections.enumerated() {
                body += "<section class=\"branch\(i == 0 ? " first" : "")\">\n"
                body += "<h2>\(Markup.html(section.branch.name))</h2>\n"
                body += "<p>\(Markup.html(l.pick("支部书记：", "Secretary: ") + section.branch.secretary + "　" + summary(section.shops)))</p>\n"
                body += "<table class=\"notice\">\n<colgroup>" + ["shop", "name", "plate", "stars", "pledges", "guarantees", "reply"].map { "<col class=\"\($0)\"/>" }.joined() + "</colgroup>\n"
                body += "<thead><tr>" + headers.map { "<th>\(Markup.html($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for (m, status, review, reply) in section.shops {
                    let pledges = m.pledges.isEmpty ? "—" : "<ul>" + m.pledges.map { "<li>\(Markup.html("[" + $0.integrity.name(l) + "] " + $0.text))</li>" }.joined() + "</ul>"
                    let guarantees = m.guarantees.isEmpty ? "—" : "<ul>" + m.guarantees.map { "<li>\(Markup.html($0))</li>" }.joined() + "</ul>"
                    body += "<tr><td>\(Markup.html(m.shopNumber))</td><td>\(Markup.html(m.name))</td><td>\(Markup.html(m.plate.name(l)))</td>"
                    body += "<td class=\"stars\">\(Markup.html(status.label(l)))" + (review ? "<br/><span class=\"mark\">\(Markup.html(l.pick("复核中", "under review")))</span>" : "") + "</td>"
                    body += "<td>\(pledges)</td><td>\(guarantees)</td><td>\(Markup.html(reply ?? "—"))</td></tr>\n"
                }
                body += "</tbody>\n</table>\n"
                body += "<footer><p>\(Markup.html(note))</p><p>\(Markup.html(market.committee?.name ?? ""))　\(Markup.html(published?.description ?? asOf.description))</p></footer>\n"
                body += "</section>\n"
            }
            if let head { body += head.html(l) }
            return Markup.page(title: title, language: l, body: body)
        case .md:
            var out = "# \(Markup.md(title))\n\n\(Markup.md(subtitle))\n"
            for section in sections {
                out += "\n## \(Markup.md(section.branch.name))\n\n"
                out += Markup.md(l.pick("支部书记：", "Secretary: ") + section.branch.secretary + "；" + summary(section.shops)) + "\n\n"
                out += "| " + headers.map(Markup.md).joined(separator: " | ") + " |\n"
                out += "|" + String(repeating: " --- |", count: headers.count) + "\n"
                for (m, status, review, reply) in section.shops {
                    let cells = [m.shopNumber, m.name, m.plate.name(l), starsText(status, review),
                                 m.pledges.map { "[" + $0.integrity.name(l) + "] " + $0.text }.joined(separator: "；"),
                                 m.guarantees.joined(separator: "；"), reply ?? "—"]
                    out += "| " + cells.map { Markup.md($0.isEmpty ? "—" : $0) }.joined(separator: " | ") + " |\n"
                }
            }
            out += "\n" + Markup.md(note) + "\n"
            if let head { out += head.md(l) }
            return out
        }
    }
}

/// A calendar month, as `--month YYYY-MM` names it.
public struct ReportMonth: Sendable, Equatable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var first: SimpleDate { SimpleDate(year: year, month: month, day: 1) ?? SimpleDate(dayNumber: 0) }
    public var last: SimpleDate { SimpleDate(year: year, month: month, day: SimpleDate.daysIn(month: month, year: year)) ?? first }
    public var previous: ReportMonth { month == 1 ? ReportMonth(year: year - 1, month: 12) ?? self : ReportMonth(year: year, month: month - 1) ?? self }
    public var description: String { String(format: "%04d-%02d", year, month) }

    public func contains(_ date: SimpleDate) -> Bool { date.year == year && date.month == month }
}

/// The month's figures, computed once for both the HTML and the Markdown report (and for tests).
public struct MonthlyFigures: Sendable {
    public struct BranchRow: Sendable, Equatable {
        public var branch: Branch
        public var members: Int
        public var rated: Int
        public var averageStars: Double?
        public var complaints: Int
        public var followUps: Int
        public var satisfied: Int
        public var inspections: Int
        public var openRectifications: Int
    }

    public struct StarChange: Sendable, Equatable {
        public var merchant: Merchant
        public var before: RatingStatus
        public var after: RatingStatus
    }

    public var month: ReportMonth
    /// The day figures are taken at: the month's last day, or today while the month runs.
    public var asOf: SimpleDate
    public var complaintsFiled: Int
    public var previousComplaintsFiled: Int
    public var byIntegrity: [(Integrity, Int)]
    /// States of the month's complaints on `asOf`.
    public var byState: [(ComplaintState, Int)]
    /// Working days from filing to resolution (resolve, forward or terminate) of the cases settled this month.
    public var daysToSettle: [Int]
    public var followUps: [ComplaintAction.Satisfaction: Int]
    public var previousSatisfaction: Double?
    public var inspections: Int
    public var shopsInspected: Int
    public var itemsFailed: Int
    public var rectificationsOpened: Int
    public var rectificationsClosed: Int
    public var rectificationsOverdue: Int
    public var starChanges: [StarChange]
    /// Shops per star count on `asOf` (index 0 = awaiting rating).
    public var starDistribution: [Int]
    public var branches: [BranchRow]
    /// Complaints filed in each of the twelve months ending with this one.
    public var trend: [(year: Int, month: Int, count: Int)]
    /// Set when a figure counted working days in a year the calendar does not officially cover
    /// (rectification deadlines, time to settle): those figures may be wrong.
    public var calendarWarning: LocalizedMessage?

    public var satisfaction: Double? {
        let total = followUps.values.reduce(0, +)
        return total == 0 ? nil : Double(followUps[.satisfied] ?? 0) / Double(total)
    }

    public var medianDaysToSettle: Double? {
        let sorted = daysToSettle.sorted()
        guard !sorted.isEmpty else { return nil }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }

    public init(_ market: MarketState, month: ReportMonth, today: SimpleDate) {
        self.month = month
        let asOf = min(month.last, today)
        self.asOf = asOf
        let cases = market.complaints.values
        let filed = cases.filter { month.contains($0.filed.date) }
        complaintsFiled = filed.count
        previousComplaintsFiled = cases.filter { month.previous.contains($0.filed.date) }.count
        byIntegrity = Integrity.allCases.map { i in (i, filed.filter { $0.filed.integrity == i }.count) }
        var states: [ComplaintState: Int] = [:]
        for c in filed {
            let state = c.history.last(where: { $0.date <= asOf })?.state ?? .filed
            states[state, default: 0] += 1
        }
        byState = ComplaintState.allCases.compactMap { s in states[s].map { (s, $0) } }
        var days: [Int] = []
        var counted: [Deadline] = []
        var satisfaction: [ComplaintAction.Satisfaction: Int] = [:]
        var previous: [ComplaintAction.Satisfaction: Int] = [:]
        for c in cases {
            if let settled = c.history.first(where: { entry in
                switch entry.action {
                case .resolve?, .forward?, .terminate?: return true
                default: return false
                }
            }), month.contains(settled.date), settled.date <= asOf {
                days.append(settled.date <= c.filed.date ? 0 : market.calendar.workingDays(after: c.filed.date, through: settled.date))
                counted.append(market.calendar.deadline(from: c.filed.date, to: settled.date))
            }
            for entry in c.history {
                if case .followUp(let s)? = entry.action {
                    if month.contains(entry.date) && entry.date <= asOf { satisfaction[s, default: 0] += 1 }
                    if month.previous.contains(entry.date) { previous[s, default: 0] += 1 }
                }
            }
        }
        daysToSettle = days
        followUps = satisfaction
        let previousTotal = previous.values.reduce(0, +)
        previousSatisfaction = previousTotal == 0 ? nil : Double(previous[.satisfied] ?? 0) / Double(previousTotal)

        var count = 0, shops = Set<String>(), failed = 0, opened = 0, closed = 0, overdue = 0
        var openByShop: [String: Int] = [:]
        var inspectionsByShop: [String: Int] = [:]
        for (shop, list) in market.inspections.byShop {
            let ordered = list.sorted { ($0.value.date, $0.sequence) < ($1.value.date, $1.sequence) }
            for i in ordered where month.contains(i.value.date) && i.value.date <= asOf {
                count += 1
                shops.insert(shop)
                failed += i.value.failures.count
                inspectionsByShop[shop, default: 0] += 1
            }
            for r in market.rectifications(of: shop, through: asOf) {
                if month.contains(r.openedOn) || r.closedOn == nil { counted.append(market.calendar.deadline(from: r.openedOn, to: r.deadline)) }
                if month.contains(r.openedOn) { opened += 1 }
                if let on = r.closedOn, month.contains(on) { closed += 1 }
                if r.closedOn == nil {
                    openByShop[shop, default: 0] += 1
                    if r.deadline < asOf { overdue += 1 }
                }
            }
        }
        inspections = count
        shopsInspected = shops.count
        itemsFailed = failed
        rectificationsOpened = opened
        rectificationsClosed = closed
        rectificationsOverdue = overdue
        calendarWarning = Deadline.warning(for: counted)

        let before = month.previous.last
        var changes: [StarChange] = []
        var distribution = Array(repeating: 0, count: 6)
        var ratings: [String: RatingStatus] = [:]
        for m in market.merchantsByShopNumber {
            let now = market.rating(of: m, today: asOf)
            let then = market.rating(of: m, today: before)
            ratings[m.shopNumber] = now
            distribution[now.stars ?? 0] += 1
            if now.stars != then.stars { changes.append(StarChange(merchant: m, before: then, after: now)) }
        }
        starChanges = changes
        starDistribution = distribution
        branches = market.branches.map { branch in
            let members = market.merchants.filter { $0.branch == branch.number }
            let numbers = Set(members.map(\.shopNumber))
            let stars = members.compactMap { ratings[$0.shopNumber]?.stars }
            let theirs = cases.filter { $0.filed.shop.map(numbers.contains) ?? false }
            var follow = 0, happy = 0
            for c in theirs {
                for entry in c.history {
                    if case .followUp(let s)? = entry.action, month.contains(entry.date), entry.date <= asOf {
                        follow += 1
                        if s == .satisfied { happy += 1 }
                    }
                }
            }
            return BranchRow(branch: branch, members: members.count, rated: stars.count,
                             averageStars: stars.isEmpty ? nil : Double(stars.reduce(0, +)) / Double(stars.count),
                             complaints: theirs.filter { month.contains($0.filed.date) }.count, followUps: follow, satisfied: happy,
                             inspections: members.reduce(0) { $0 + (inspectionsByShop[$1.shopNumber] ?? 0) },
                             openRectifications: members.reduce(0) { $0 + (openByShop[$1.shopNumber] ?? 0) })
        }
        trend = market.monthlyComplaints(today: month.last)
    }
}

/// The monthly report (月报): the month's complaints, how fast they were settled, satisfaction,
/// inspections and rectifications, star changes and the branches side by side.
public enum MonthlyReport {
    /// The calendar's warning, said of the figures it concerns.
    static func calendarNote(_ warning: LocalizedMessage, _ l: Language) -> String {
        l.pick("注意：整改期限与办理用时按工作日计算，", "Note: rectification deadlines and times to settle count working days; ") + warning.text(l)
    }

    /// `head`, when given, is printed at the end ("日志链头 / Log head"), so that the paper anchors the log.
    public static func render(_ market: MarketState, month: ReportMonth, today: SimpleDate, format: ReportFormat, language: Language = .zh, head: LogHead? = nil) -> String {
        let f = MonthlyFigures(market, month: month, today: today)
        let l = language
        let marketName = market.committee?.marketName ?? l.pick("眼镜城", "the market")
        let title = l.pick("\(marketName)诚信党建月报 \(month.year) 年 \(month.month) 月", "\(marketName): integrity programme, monthly report \(month)")
        let subtitle = l.pick("统计期 \(month.first) 至 \(f.asOf)", "period \(month.first) to \(f.asOf)")
            + (f.asOf < month.last ? l.pick("（本月尚未结束）", " (the month is not over)") : "")
        let settleMedian = f.medianDaysToSettle.map(Markup.one) ?? "—"
        let settleMax = f.daysToSettle.max().map(String.init) ?? "—"
        let sameDay = f.daysToSettle.filter { $0 == 0 }.count
        let up = f.starChanges.filter { ($0.after.stars ?? 0) > ($0.before.stars ?? 0) }.count
        let down = f.starChanges.count - up
        let followTotal = f.followUps.values.reduce(0, +)
        // Appeals not decided within the rules' working days (15): flagged by shop and deadline.
        let late = market.overdueAppeals(on: f.asOf)
        let overdueAppeals = late.isEmpty ? l.pick("无", "none")
            : late.map { l.pick("\($0.filed.shop)（应于 \(market.decisionDeadline(of: $0)) 前）", "\($0.filed.shop) (due \(market.decisionDeadline(of: $0)))") }.joined(separator: l.pick("、", ", "))

        let keyFigures: [(String, String)] = [
            (l.pick("本月投诉", "complaints filed"), "\(f.complaintsFiled)" + l.pick("（上月 \(f.previousComplaintsFiled)）", " (last month \(f.previousComplaintsFiled))")),
            (l.pick("办结（调解/转交/终止）", "settled"), "\(f.daysToSettle.count)"),
            (l.pick("办理用时中位数", "median time to settle"), l.pick("\(settleMedian) 个工作日", "\(settleMedian) working days")),
            (l.pick("当天办结", "settled the same day"), "\(sameDay)"),
            (l.pick("回访满意率", "satisfaction"), Markup.percent(f.satisfaction) + l.pick("（\(followTotal) 次回访；上月 \(Markup.percent(f.previousSatisfaction))）", " (\(followTotal) follow-ups; last month \(Markup.percent(f.previousSatisfaction)))")),
            (l.pick("检查", "inspections"), l.pick("\(f.inspections) 次，\(f.shopsInspected) 户", "\(f.inspections) (\(f.shopsInspected) shops)")),
            (l.pick("不合格项", "failed items"), "\(f.itemsFailed)"),
            (l.pick("整改 新开/完成/逾期未改", "rectifications opened/closed/overdue"), "\(f.rectificationsOpened) / \(f.rectificationsClosed) / \(f.rectificationsOverdue)"),
            (l.pick("星级变化", "star changes"), l.pick("升 \(up) 户，降 \(down) 户", "\(up) up, \(down) down")),
            (l.pick("复核逾期未决", "appeals undecided past their deadline"), overdueAppeals),
        ]
        let integrityBars = f.byIntegrity.map { SVGChart.Bar(label: $0.0.name(l), value: Double($0.1), text: "\($0.1)") }
        let stateBars = f.byState.map { SVGChart.Bar(label: $0.0.name(l), value: Double($0.1), text: "\($0.1)") }
        let buckets: [(String, ClosedRange<Int>)] = [(l.pick("当天", "same day"), 0...0), (l.pick("1–3 个工作日", "1–3 working days"), 1...3),
                                                      (l.pick("4–7 个工作日", "4–7 working days"), 4...7), (l.pick("8–15 个工作日", "8–15 working days"), 8...15),
                                                      (l.pick("16 个工作日以上", "16+ working days"), 16...Int.max)]
        let settleBars = buckets.map { name, range in
            let n = f.daysToSettle.filter { range.contains($0) }.count
            return SVGChart.Bar(label: name, value: Double(n), text: "\(n)")
        }
        let satisfactionBars = ComplaintAction.Satisfaction.allCases.map { s in
            SVGChart.Bar(label: s.name(l), value: Double(f.followUps[s] ?? 0), text: "\(f.followUps[s] ?? 0)")
        }
        let inspectionBars = [
            SVGChart.Bar(label: l.pick("检查次数", "inspections"), value: Double(f.inspections), text: "\(f.inspections)"),
            SVGChart.Bar(label: l.pick("不合格项", "failed items"), value: Double(f.itemsFailed), text: "\(f.itemsFailed)"),
            SVGChart.Bar(label: l.pick("新开整改", "rectifications opened"), value: Double(f.rectificationsOpened), text: "\(f.rectificationsOpened)"),
            SVGChart.Bar(label: l.pick("完成整改", "rectifications closed"), value: Double(f.rectificationsClosed), text: "\(f.rectificationsClosed)"),
            SVGChart.Bar(label: l.pick("逾期未整改", "overdue, still open"), value: Double(f.rectificationsOverdue), text: "\(f.rectificationsOverdue)"),
        ]
        let distributionBars = (0...5).reversed().map { stars in
            SVGChart.Bar(label: stars == 0 ? l.pick("待评定", "awaiting") : l.pick("\(stars) 星", "\(stars) stars"),
                         value: Double(f.starDistribution[stars]), text: "\(f.starDistribution[stars])")
        }
        let branchBars = f.branches.map { row in
            SVGChart.Bar(label: row.branch.shortName, value: row.averageStars ?? 0, text: row.averageStars.map(Markup.one) ?? "—")
        }
        let trendBars = f.trend.map { SVGChart.Bar(label: "\($0.month)" + l.pick("月", ""), value: Double($0.count), text: "\($0.count)") }
        let branchHeaders = [l.pick("支部", "Branch"), l.pick("户数", "Shops"), l.pick("平均星级", "Avg stars"), l.pick("本月投诉", "Complaints"),
                             l.pick("回访满意", "Satisfied"), l.pick("本月检查", "Inspections"), l.pick("未完成整改", "Open rectifications")]
        let branchRows = f.branches.map { row in
            [row.branch.shortName, "\(row.members)", row.averageStars.map(Markup.one) ?? "—", "\(row.complaints)",
             row.followUps == 0 ? "—" : "\(row.satisfied)/\(row.followUps)", "\(row.inspections)", "\(row.openRectifications)"]
        }
        let changeHeaders = [l.pick("店铺号", "Shop"), l.pick("店铺名称", "Name"), l.pick("支部", "Branch"), l.pick("上月末", "End of last month"), l.pick("本月", "This month")]
        let changeRows = f.starChanges.map { c in
            [c.merchant.shopNumber, c.merchant.name, market.branch(c.merchant.branch)?.shortName ?? String(c.merchant.branch), c.before.label(l), c.after.label(l)]
        }

        switch format {
        case .html:
            func figure(_ caption: String, _ svg: String) -> String {
                "<figure><figcaption>\(Markup.html(caption))</figcaption>\(svg)</figure>\n"
            }
            func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
                var out = "<table>\n<thead><tr>" + headers.enumerated().map { "<th\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(Markup.html($0.element))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for row in rows {
                    out += "<tr>" + row.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(Markup.html($0.element))</td>" }.joined() + "</tr>\n"
                }
                if rows.isEmpty { out += "<tr><td colspan=\"\(headers.count)\">\(Markup.html(l.pick("无", "none")))</td></tr>\n" }
                return out + "</tbody>\n</table>\n"
            }
            var body = "<header><h1>\(Markup.html(title))</h1><p class=\"sub\">\(Markup.html(subtitle))</p></header>\n"
            body += "<h2>\(Markup.html(l.pick("本月要点", "Key figures")))</h2>\n<dl class=\"figures\">"
            body += keyFigures.map { "<dt>\(Markup.html($0.0))</dt><dd>\(Markup.html($0.1))</dd>" }.joined() + "</dl>\n"
            if let warning = f.calendarWarning { body += "<p class=\"note\"><strong>\(Markup.html(calendarNote(warning, l)))</strong></p>\n" }
            body += "<h2>\(Markup.html(l.pick("投诉", "Complaints")))</h2>\n<div class=\"grid\">\n"
            body += "<div>" + figure(l.pick("按诚信类别", "By integrity"), SVGChart.bars(integrityBars, title: l.pick("按诚信类别", "By integrity"), width: 320)) + "</div>"
            body += "<div>" + figure(l.pick("按目前状态", "By state"), SVGChart.bars(stateBars, title: l.pick("按目前状态", "By state"), width: 320)) + "</div>\n</div>\n"
            body += figure(l.pick("近 12 个月投诉数", "Complaints, last 12 months"), SVGChart.columns(trendBars, title: l.pick("近 12 个月投诉数", "Complaints, last 12 months")))
            body += "<div class=\"grid\">\n<div>" + figure(l.pick("办理用时（登记到办结，工作日）", "Time to settle (working days from filing)"), SVGChart.bars(settleBars, title: l.pick("办理用时", "Time to settle"), width: 320)) + "</div>"
            body += "<div>" + figure(l.pick("回访满意度", "Satisfaction at follow-up"), SVGChart.bars(satisfactionBars, title: l.pick("回访满意度", "Satisfaction"), width: 320)) + "</div>\n</div>\n"
            body += "<p class=\"note\">\(Markup.html(l.pick("办理用时中位数 \(settleMedian) 个工作日，最长 \(settleMax) 个工作日；按中国法定节假日与调休日历计算。", "Median \(settleMedian) working days, longest \(settleMax); counted on the Chinese working-day calendar.")))</p>\n"
            body += "<h2>\(Markup.html(l.pick("检查与整改", "Inspections and rectifications")))</h2>\n"
            body += figure(l.pick("本月检查与整改", "This month's inspections and rectifications"), SVGChart.bars(inspectionBars, title: l.pick("检查与整改", "Inspections and rectifications")))
            body += "<h2>\(Markup.html(l.pick("星级", "Stars")))</h2>\n"
            body += figure(l.pick("月末星级分布", "Stars at the end of the month"), SVGChart.bars(distributionBars, title: l.pick("星级分布", "Star distribution")))
            body += "<h3>\(Markup.html(l.pick("星级变化（与上月末相比）", "Changes since the end of last month")))</h3>\n"
            body += table(changeHeaders, changeRows)
            body += "<h2>\(Markup.html(l.pick("支部比较", "Branches compared")))</h2>\n"
            body += figure(l.pick("平均星级", "Average stars"), SVGChart.bars(branchBars, title: l.pick("各支部平均星级", "Average stars by branch"), maximum: 5))
            body += table(branchHeaders, branchRows, numeric: [1, 2, 3, 4, 5, 6])
            if let head { body += head.html(l) }
            body += "<footer><p>\(Markup.html(l.pick("数据来自事件日志，每个数字都可追溯到记录；本报告不含个人信息。", "Figures come from the event log and can be traced to its records; no personal data.")))</p></footer>\n"
            return Markup.page(title: title, language: l, body: body)
        case .md:
            func table(_ headers: [String], _ rows: [[String]]) -> String {
                var out = "| " + headers.map(Markup.md).joined(separator: " | ") + " |\n|" + String(repeating: " --- |", count: headers.count) + "\n"
                for row in rows { out += "| " + row.map(Markup.md).joined(separator: " | ") + " |\n" }
                if rows.isEmpty { out += "| " + ([l.pick("无", "none")] + Array(repeating: "", count: headers.count - 1)).joined(separator: " | ") + " |\n" }
                return out
            }
            func barsTable(_ caption: String, _ bars: [SVGChart.Bar]) -> String {
                "\n### \(Markup.md(caption))\n\n" + table([l.pick("项目", "Item"), l.pick("数量", "Count")], bars.map { [$0.label, $0.text] })
            }
            var out = "# \(Markup.md(title))\n\n\(Markup.md(subtitle))\n\n## \(l.pick("本月要点", "Key figures"))\n\n"
            out += table([l.pick("指标", "Figure"), l.pick("数值", "Value")], keyFigures.map { [$0.0, $0.1] })
            if let warning = f.calendarWarning { out += "\n**\(Markup.md(calendarNote(warning, l)))**\n" }
            out += "\n## \(l.pick("投诉", "Complaints"))\n"
            out += barsTable(l.pick("按诚信类别", "By integrity"), integrityBars)
            out += barsTable(l.pick("按目前状态", "By state"), stateBars)
            out += barsTable(l.pick("近 12 个月投诉数", "Complaints, last 12 months"), f.trend.map { SVGChart.Bar(label: String(format: "%04d-%02d", $0.year, $0.month), value: Double($0.count), text: "\($0.count)") })
            out += barsTable(l.pick("办理用时（工作日）", "Time to settle (working days)"), settleBars)
            out += barsTable(l.pick("回访满意度", "Satisfaction"), satisfactionBars)
            out += "\n## \(l.pick("检查与整改", "Inspections and rectifications"))\n"
            out += barsTable(l.pick("本月检查与整改", "This month"), inspectionBars)
            out += "\n## \(l.pick("星级", "Stars"))\n"
            out += barsTable(l.pick("月末星级分布", "Stars at the end of the month"), distributionBars)
            out += "\n### \(l.pick("星级变化（与上月末相比）", "Changes since the end of last month"))\n\n" + table(changeHeaders, changeRows)
            out += "\n## \(l.pick("支部比较", "Branches compared"))\n\n" + table(branchHeaders, branchRows)
            if let head { out += head.md(l) }
            return out
        }
    }
}
