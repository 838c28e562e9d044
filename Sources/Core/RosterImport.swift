import Foundation
import TextSafety

/// The text encodings a roster file may come in: what Excel writes on a Chinese Windows
/// ("CSV UTF-8" with a byte-order mark, or plain "CSV" in the ANSI code page, i.e. GBK, read as
/// its superset GB18030) and UTF-8 without a mark.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// Foundation's GB18030 (CFStringEncoding kCFStringEncodingGB_18030_2000 = 0x0632, as an
    /// NSStringEncoding 0x80000632); swift-corelibs-foundation converts it through ICU on Linux.
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Decodes a file's bytes. With no encoding given: a UTF-8 byte-order mark or valid UTF-8
    /// means UTF-8, anything else is tried as GB18030. Returns the text (without a mark) and the
    /// encoding used; a file that is neither says where the first bad byte is.
    public static func decode(_ bytes: [UInt8], as requested: TextEncoding? = nil) throws(LocalizedMessage) -> (text: String, encoding: TextEncoding, byteOrderMark: Bool) {
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let gbBOM = bytes.starts(with: [0x84, 0x31, 0x95, 0x33])
        switch requested {
        case .utf8?:
            let body = bom ? Array(bytes.dropFirst(3)) : bytes
            guard let text = String(validating: body, as: UTF8.self) else {
                let (line, offset) = firstInvalidUTF8(body)
                throw LocalizedMessage(zh: "文件不是有效的 UTF-8：第 \(line) 行（字节偏移 \(offset + (bom ? 3 : 0))）有无法识别的字节。若是 Excel 另存的“CSV（逗号分隔）”，请用 --encoding gb18030",
                                       en: "the file is not valid UTF-8: line \(line) (byte offset \(offset + (bom ? 3 : 0))) has bytes that cannot be read. If Excel saved it as plain \"CSV (Comma delimited)\", use --encoding gb18030")
            }
            return (text, .utf8, bom)
        case .gb18030?:
            if bom {
                throw LocalizedMessage(zh: "文件以 UTF-8 的字节顺序标记开头，却指定了 --encoding gb18030；请改用 --encoding utf-8 或不指定编码",
                                       en: "the file starts with a UTF-8 byte-order mark but --encoding gb18030 was given; use --encoding utf-8 or leave the encoding out")
            }
            return (try decodeGB18030(gbBOM ? Array(bytes.dropFirst(4)) : bytes), .gb18030, gbBOM)
        case nil:
            if bom { return try decode(bytes, as: .utf8) }
            if gbBOM { return try decode(bytes, as: .gb18030) }
            if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8, false) }
            do {
                return (try decodeGB18030(bytes), .gb18030, false)
            } catch {
                let (line, offset) = firstInvalidUTF8(bytes)
                throw LocalizedMessage(zh: "无法识别文件的编码：既不是 UTF-8（第 \(line) 行、字节偏移 \(offset) 处出错），也不是 GB18030。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                       en: "cannot tell the file's encoding: it is not UTF-8 (line \(line), byte offset \(offset)) nor GB18030. Save it from Excel as \"CSV UTF-8 (Comma delimited)\"")
            }
        }
    }

    static func decodeGB18030(_ bytes: [UInt8]) throws(LocalizedMessage) -> String {
        if bytes.isEmpty { return "" }
        guard let text = String(data: Data(bytes), encoding: foundationGB18030) else {
            throw LocalizedMessage(zh: "文件不是有效的 GB18030 文本（可能是 UTF-8 或其他编码），请检查 --encoding",
                                   en: "the file is not valid GB18030 text (perhaps UTF-8 or another encoding); check --encoding")
        }
        return text
    }

    /// Encodes text as GB18030 (for tests and for saving what Excel on a Chinese Windows reads).
    public static func gb18030Bytes(_ text: String) -> [UInt8]? {
        text.data(using: foundationGB18030).map(Array.init)
    }

    /// The line (1-based) and byte offset of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, offset: Int) {
        var i = 0
        scan: while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: break scan
            }
            guard i + length <= bytes.count else { break }
            for k in 1..<max(1, length) where bytes[i + k] & 0xC0 != 0x80 { break scan }
            if length == 3, (b == 0xE0 && bytes[i + 1] < 0xA0) || (b == 0xED && bytes[i + 1] > 0x9F) { break }
            if length == 4, (b == 0xF0 && bytes[i + 1] < 0x90) || (b == 0xF4 && bytes[i + 1] > 0x8F) { break }
            i += length
        }
        return (bytes[0..<i].filter { $0 == 0x0A }.count + 1, i)
    }
}

/// One change an import would make.
public struct RosterChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A shop not in the roster: recorded as `merchant.registered`.
        case add
        /// A shop whose record differs: recorded as `merchant.corrected` of its current record.
        case update(target: UInt64, before: Merchant, fields: [String])
    }

    public var line: Int
    public var merchant: Merchant
    public var kind: Kind
}

/// What an import would do, found before anything is written.
public struct RosterImportPlan: Sendable, Equatable {
    public var changes: [RosterChange]
    /// Shops whose row matches the roster already.
    public var unchanged: [String]
    /// Data rows read.
    public var rows: Int
    /// Columns of the file that the import does not read (ratings and the like from an export).
    public var ignoredColumns: [String]

    public var additions: [RosterChange] { changes.filter { $0.kind == .add } }
    public var updates: [RosterChange] { changes.filter { $0.kind != .add } }

    /// The events that carry the plan out: a registration per new shop, a correction (pointing at
    /// the shop's current record, with the file and line as its reason) per changed shop.
    public func events(actor: String, at: String, keyPrefix: String, file: String) -> [Event] {
        changes.map { change in
            let key = "\(keyPrefix):\(change.merchant.shopNumber)"
            switch change.kind {
            case .add:
                return Event(actor: actor, at: at, key: key, body: .merchantRegistered(change.merchant))
            case .update(let target, _, let fields):
                let reason = "名册导入 \(file) 第 \(change.line) 行：更新\(fields.joined(separator: "、"))"
                return Event(actor: actor, at: at, key: key, body: .merchantCorrected(MerchantCorrection(target: target, reason: reason, merchant: change.merchant)))
            }
        }
    }
}

/// Reads a roster CSV (as `chengxin export merchants` writes it, or as seeds/merchants.csv is laid
/// out) and checks every row against the market before anything is written. Pure.
public enum RosterImport {
    /// The columns an import needs (Chinese header, or the English key of the export).
    static let required: [(zh: String, en: String)] = [
        ("店铺号", "shopNumber"), ("店铺名称", "name"), ("经营者", "owner"), ("支部编号", "branch"),
        ("挂牌类型", "plate"), ("统一社会信用代码", "creditCode"), ("主营", "business"),
    ]
    /// Read when present (a cell replaces the list: one entry per line; an empty cell empties it);
    /// when the column is absent the shop keeps what it has.
    static let optional: [(zh: String, en: String)] = [("承诺", "pledges"), ("职责", "duties"), ("保障", "guarantees")]

    /// Kept for reference; the limit itself is `TextLimits.table[.rosterField]` (500 characters, 1,500 bytes).
    static let maxFieldLength = 500

    public static func plan(text: String, market: MarketState) throws(SeedProblems) -> RosterImportPlan {
        let table: CSVTable
        do {
            table = try CSVTable.parse(text)
        } catch {
            throw SeedProblems(problems: [error])
        }
        var problems: [LocalizedMessage] = []
        func problem(_ line: Int, _ zh: String, _ en: String) {
            problems.append(LocalizedMessage(zh: "第 \(line) 行：\(zh)", en: "line \(line): \(en)"))
        }
        var index: [String: Int] = [:]
        var missing: [String] = []
        for column in required + optional {
            if let i = table.header.firstIndex(where: { $0 == column.zh || $0 == column.en }) {
                index[column.zh] = i
            } else if required.contains(where: { $0.zh == column.zh }) {
                missing.append(column.zh)
            }
        }
        if !missing.isEmpty {
            throw SeedProblems(problems: [LocalizedMessage(
                zh: "第 1 行（表头）缺少列：\(missing.joined(separator: "、"))（需要 \(required.map(\.zh).joined(separator: ",")) ，可另有 承诺,职责,保障）",
                en: "line 1 (the header) lacks column(s) \(missing.joined(separator: ", ")) (needed: \(required.map(\.zh).joined(separator: ",")), optionally 承诺,职责,保障)")])
        }
        let used = Set(index.values)
        let ignored = table.header.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
        var seen: [String: Int] = [:]
        var changes: [RosterChange] = []
        var unchanged: [String] = []
        let records = market.currentMerchantRecords
        let branchNumbers = market.branches.map { String($0.number) }.joined(separator: "、")

        for row in table.rows {
            let line = row.line
            if row.fields.count > table.header.count, row.fields[table.header.count...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                problem(line, "比表头多出 \(row.fields.count - table.header.count) 个字段（是否有未加引号的逗号？）",
                        "\(row.fields.count - table.header.count) field(s) more than the header (an unquoted comma?)")
                continue
            }
            func cell(_ column: String) -> String? {
                guard let i = index[column] else { return nil }
                let raw = i < row.fields.count ? row.fields[i] : ""
                return SpreadsheetCell.unescape(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            var ok = true
            func text(_ column: String) -> String {
                let value = cell(column) ?? ""
                if value.isEmpty {
                    problem(line, "“\(column)”不能为空", "\"\(column)\" must not be empty")
                    ok = false
                } else if value.unicodeScalars.contains(where: UnsafeText.isUnsafe) {
                    problem(line, "“\(column)”含有换行或控制字符", "\"\(column)\" contains a line break or a control character")
                    ok = false
                } else if let limit = TextLimits.problem(value, .rosterField) {
                    problem(line, "“\(column)”：\(limit.zh)", "\"\(column)\": \(limit.en)")
                    ok = false
                }
                return value
            }
            let shop = text("店铺号"), name = text("店铺名称"), owner = text("经营者"), branchText = text("支部编号")
            let plateText = text("挂牌类型"), code = text("统一社会信用代码"), business = text("主营")
            if !shop.isEmpty && !SeedLoader.isValidShopNumber(shop) {
                problem(line, "店铺号“\(shop)”格式不对，应为一个大写字母加三位数字，如 A101", "shop number \"\(shop)\" must be a capital letter and three digits, like A101")
                ok = false
            }
            if !shop.isEmpty, let first = seen[shop] {
                problem(line, "店铺号 \(shop) 与第 \(first) 行重复", "shop number \(shop) repeats line \(first)")
                ok = false
            } else if !shop.isEmpty {
                seen[shop] = line
            }
            let branch = Int(branchText)
            if !branchText.isEmpty && (branch == nil || market.branch(branch ?? 0) == nil) {
                problem(line, "支部编号“\(branchText)”不存在（现有 \(branchNumbers)）", "branch \"\(branchText)\" does not exist (there are \(branchNumbers))")
                ok = false
            }
            let plate = PlateType(text: plateText)
            if !plateText.isEmpty && plate == nil {
                problem(line, "挂牌类型应为\(PlateType.allowedText.zh)，现为“\(plateText)”", "plate type must be \(PlateType.allowedText.en), is \"\(plateText)\"")
                ok = false
            }
            if !code.isEmpty, let codeProblem = CreditCode.problem(code) {
                let looksNumeric = code.contains("E+") || code.contains("e+") || code.allSatisfy { $0.isNumber || $0 == "." }
                let hint = looksNumeric ? ("（像是被 Excel 当成了数字：请把该列设为“文本”后重新输入）", " (it looks as if Excel turned it into a number: format the column as Text and type it again)") : ("", "")
                problem(line, codeProblem.zh + hint.0, codeProblem.en + hint.1)
                ok = false
            }
            if owner.count >= 2, owner.dropFirst().allSatisfy({ $0 == "*" }) {
                problem(line, "经营者“\(owner)”是打码后的姓名（来自不含个人信息的导出）；请用 --with-personal-data 导出后再导入",
                        "owner \"\(owner)\" is a masked name (from an export without personal data); export with --with-personal-data and import that")
                ok = false
            }
            func lines(_ column: String) -> [String]? {
                guard let value = cell(column) else { return nil }
                let entries = value.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                for entry in entries where entry.unicodeScalars.contains(where: SpreadsheetCell.isUnsafe) || TextLimits.problem(entry, .rosterField) != nil {
                    problem(line, "“\(column)”中的“\(entry.prefix(20))”含有控制字符或过长", "an entry of \"\(column)\" contains a control character or is too long")
                    ok = false
                }
                return entries
            }
            var pledges: [Pledge]?
            if let entries = lines("承诺") {
                pledges = []
                for entry in entries {
                    let parts = entry.split(maxSplits: 1, whereSeparator: { $0 == "：" || $0 == ":" }).map(String.init)
                    if parts.count == 2, let integrity = Integrity(text: parts[0]), !parts[1].trimmingCharacters(in: .whitespaces).isEmpty {
                        pledges?.append(Pledge(integrity: integrity, text: parts[1].trimmingCharacters(in: .whitespaces)))
                    } else {
                        problem(line, "承诺“\(entry.prefix(30))”应写成“诚信类别：内容”，类别为消费诚信、价格诚信、纳税诚信或质量诚信",
                                "pledge \"\(entry.prefix(30))\" must read \"integrity：text\" with one of 消费诚信/价格诚信/纳税诚信/质量诚信")
                        ok = false
                    }
                }
            }
            let duties = lines("职责"), guarantees = lines("保障")
            guard ok, let branch, let plate else { continue }
            let existing = market.merchant(shopNumber: shop)
            let merchant = Merchant(shopNumber: shop, name: name, owner: owner, branch: branch, plate: plate, creditCode: code, business: business,
                                    pledges: pledges ?? existing?.pledges ?? [], duties: duties ?? existing?.duties ?? [],
                                    guarantees: guarantees ?? existing?.guarantees ?? [])
            if let existing {
                if existing == merchant {
                    unchanged.append(shop)
                } else if let target = records[shop] {
                    changes.append(RosterChange(line: line, merchant: merchant, kind: .update(target: target, before: existing, fields: changedFields(existing, merchant))))
                } else {
                    problem(line, "找不到 \(shop) 的现行登记记录，无法更正", "cannot find the current record of \(shop) to correct")
                }
            } else {
                changes.append(RosterChange(line: line, merchant: merchant, kind: .add))
            }
        }
        if table.rows.isEmpty {
            problems.append(LocalizedMessage(zh: "文件只有表头，没有商户", en: "the file has a header but no shop"))
        }
        if !problems.isEmpty { throw SeedProblems(problems: problems) }
        return RosterImportPlan(changes: changes, unchanged: unchanged, rows: table.rows.count, ignoredColumns: ignored)
    }

    /// The Chinese names of the fields that differ.
    static func changedFields(_ a: Merchant, _ b: Merchant) -> [String] {
        var fields: [String] = []
        if a.name != b.name { fields.append("店铺名称") }
        if a.owner != b.owner { fields.append("经营者") }
        if a.branch != b.branch { fields.append("支部编号") }
        if a.plate != b.plate { fields.append("挂牌类型") }
        if a.creditCode != b.creditCode { fields.append("统一社会信用代码") }
        if a.business != b.business { fields.append("主营") }
        if a.pledges != b.pledges { fields.append("承诺") }
        if a.duties != b.duties { fields.append("职责") }
        if a.guarantees != b.guarantees { fields.append("保障") }
        return fields
    }
}
