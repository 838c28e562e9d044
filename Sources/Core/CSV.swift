/// A small RFC 4180 reader that keeps the line number of every row, so that every problem
/// in a file a person edited can be reported where it is.
///
/// Written by hand (not SwiftCSV) because roster import needs the source line of each row,
/// a byte-order mark stripped, and CR LF as Excel writes it.
public struct CSVTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// 1-based line of the file on which the row starts.
        public let line: Int
        public let fields: [String]
    }

    public let header: [String]
    public let rows: [Row]

    /// Parses text (a leading BOM is dropped). The first row is the header; blank lines are skipped.
    public static func parse(_ text: String) throws(LocalizedMessage) -> CSVTable {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var index = scalars.startIndex

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            let blank = fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted
            if !blank { records.append(Row(line: rowStart, fields: fields)) }
            fields = []
            fieldWasQuoted = false
        }

        while index < scalars.endIndex {
            let c = scalars[index]
            index = scalars.index(after: index)
            if inQuotes {
                if c == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if field.isEmpty && !fieldWasQuoted {
                    inQuotes = true
                    fieldWasQuoted = true
                } else {
                    throw LocalizedMessage(
                        zh: "第 \(line) 行：引号位置不对（字段中间出现了引号，应写成两个引号）",
                        en: "line \(line): misplaced quote (a quote inside a field must be doubled)")
                }
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                fieldWasQuoted = false
            case "\r":
                if index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
                endRecord()
                line += 1
                rowStart = line
            case "\n":
                endRecord()
                line += 1
                rowStart = line
            default:
                if fieldWasQuoted {
                    throw LocalizedMessage(
                        zh: "第 \(line) 行：引号结束后还有多余的字符",
                        en: "line \(line): characters after a closing quote")
                }
                field.append(c)
            }
        }
        if inQuotes {
            throw LocalizedMessage(
                zh: "第 \(rowStart) 行：引号没有闭合", en: "line \(rowStart): unterminated quoted field")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        guard let first = records.first else {
            throw LocalizedMessage(zh: "文件是空的，缺少表头", en: "the file is empty: no header row")
        }
        return CSVTable(header: first.fields.map { $0.trimmingCharacters(in: .whitespaces) }, rows: Array(records.dropFirst()))
    }

    /// The index of each required column, or a message naming the missing ones.
    public func columns(_ required: [String], file: String) throws(LocalizedMessage) -> [String: Int] {
        var result: [String: Int] = [:]
        var missing: [String] = []
        for name in required {
            if let i = header.firstIndex(of: name) { result[name] = i } else { missing.append(name) }
        }
        if !missing.isEmpty {
            let list = missing.joined(separator: "、")
            throw LocalizedMessage(zh: "\(file)：表头缺少列 \(list)", en: "\(file): header lacks column(s) \(missing.joined(separator: ", "))")
        }
        return result
    }
}
