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
        table.notice col.stars { width: 11%; } table.notice col.pledges { width: 24%; } table.notice col.duties { width: 12%; }
        table.notice col.guarantees { width: 11%; } table.notice col.reply { width: 10%; }
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
