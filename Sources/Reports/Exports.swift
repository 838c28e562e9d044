import Core
import Foundation
import TextSafety

/// What `chengxin export` can hand to others.
public enum ExportKind: String, Sendable, CaseIterable {
    case merchants, complaints, inspections, members
}

public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json
}

/// How an export is made.
public struct ExportOptions: Sendable, Equatable {
    public var format: ExportFormat
    /// Consumers' names and phones and shop owners' names in full (only for a role allowed to; the
    /// caller checks `Action.exportPersonalData`). Otherwise they are masked (138****1234, 张**).
    public var withPersonalData: Bool
    /// Starts a CSV file with a UTF-8 byte-order mark, so that Excel opens Chinese correctly.
    public var byteOrderMark: Bool
    /// Header language of a CSV file (JSON keys are always English).
    public var language: Language

    public init(format: ExportFormat, withPersonalData: Bool = false, byteOrderMark: Bool = false, language: Language = .zh) {
        self.format = format
        self.withPersonalData = withPersonalData
        self.byteOrderMark = byteOrderMark
        self.language = language
    }
}

/// One cell of an export, typed so that JSON keeps numbers and lists as such.
public enum ExportValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([String])
    case none

    /// The text of the cell in a CSV file (lists one entry per line; yes/no in the header's language).
    func csvText(_ language: Language) -> String {
        switch self {
        case .text(let s): return s
        case .number(let n): return String(n)
        case .flag(let b): return b ? language.pick("是", "yes") : language.pick("否", "no")
        case .list(let items): return items.joined(separator: "\n")
        case .none: return ""
        }
    }
}

/// A column of an export: its Chinese header, its English key (the JSON key and the English header).
public struct ExportColumn: Sendable, Equatable {
    public var zh: String
    public var key: String
    /// Whether the column holds personal data (masked unless asked for).
    public var personal: Bool

    public init(_ zh: String, _ key: String, personal: Bool = false) {
        self.zh = zh
        self.key = key
        self.personal = personal
    }
}

/// JSON text written by hand so that keys keep the column order and every scalar unsafe for a
/// terminal is a \u escape (the data stay exact).
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                let v = scalar.value
                if UnsafeText.isUnsafe(scalar) || v == 0x2028 || v == 0x2029 {
                    out += String(format: "\\u%04x", v)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func value(_ v: ExportValue) -> String {
        switch v {
        case .text(let s): return string(s)
        case .number(let n): return String(n)
        case .flag(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(string).joined(separator: ", ") + "]"
        case .none: return "null"
        }
    }
}

/// An export made a slice at a time, so that a screen can show its progress between slices and
/// stay responsive (`advance` is cheap to call from a tick). Pure: it only builds bytes; the
/// caller writes them.
///
///     var job = ExportJob(kind: .complaints, market: market, today: today, options: ExportOptions(format: .csv))
///     while !job.isFinished { job.advance(rows: 500); show(job.done, job.total) }
///     write(job.bytes)
public struct ExportJob: Sendable {
    public let kind: ExportKind
    public let options: ExportOptions
    public let columns: [ExportColumn]
    /// Rows to write in all, and rows written so far.
    public let total: Int
    public private(set) var done = 0
    private let market: MarketState
    private let today: SimpleDate
    private let items: [Item]
    private var text = ""

    enum Item: Sendable {
        case merchant(Merchant)
        case complaint(ComplaintCase)
        case inspection(Sequenced<Inspection>, Merchant?, [Rectification])
        case member(Member)
    }

    public init(kind: ExportKind, market: MarketState, today: SimpleDate, options: ExportOptions) {
        self.kind = kind
        self.options = options
        self.market = market
        self.today = today
        switch kind {
        case .merchants:
            columns = Exports.merchantColumns
            items = market.merchantsByShopNumber.map { .merchant($0) }
        case .complaints:
            columns = Exports.complaintColumns
            items = market.complaints.values.sorted { ($0.filed.date, $0.filedSequence) < ($1.filed.date, $1.filedSequence) }.map { .complaint($0) }
        case .inspections:
            columns = Exports.inspectionColumns
            var list: [(Sequenced<Inspection>, Merchant?, [Rectification])] = []
            for (shop, inspections) in market.inspections.byShop {
                let rectifications = market.rectifications(of: shop)
                let merchant = market.merchant(shopNumber: shop)
                for inspection in inspections { list.append((inspection, merchant, rectifications.filter { $0.openedBy == inspection.sequence })) }
            }
            items = list.sorted { ($0.0.value.date, $0.0.sequence) < ($1.0.value.date, $1.0.sequence) }.map { .inspection($0.0, $0.1, $0.2) }
        case .members:
            columns = Exports.memberColumns
            items = market.membersInOrder.map { .member($0) }
        }
        total = items.count
        switch options.format {
        case .csv:
            text = columns.map { SpreadsheetCell.escape(options.language.pick($0.zh, $0.key)) }.joined(separator: ",") + "\r\n"
        case .json:
            text = "["
        }
    }

    public var isFinished: Bool { done >= total }

    /// Share of the rows written, 0…1.
    public var fraction: Double { total == 0 ? 1 : Double(done) / Double(total) }

    /// Writes up to `rows` more rows.
    public mutating func advance(rows: Int) {
        let end = min(total, done + max(1, rows))
        while done < end {
            let values = Exports.values(of: items[done], market: market, today: today, personal: options.withPersonalData)
            switch options.format {
            case .csv:
                text += values.map { SpreadsheetCell.escape($0.csvText(options.language)) }.joined(separator: ",") + "\r\n"
            case .json:
                let fields = zip(columns, values).map { "    " + JSONText.string($0.key) + ": " + JSONText.value($1) }
                text += (done == 0 ? "\n" : ",\n") + "  {\n" + fields.joined(separator: ",\n") + "\n  }"
            }
            done += 1
        }
    }

    /// The finished file (call once `isFinished`): UTF-8, CSV lines ending CR LF as Excel writes them.
    public var bytes: [UInt8] {
        var out: [UInt8] = options.format == .csv && options.byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        out += Array(text.utf8)
        if options.format == .json { out += Array((total == 0 ? "]\n" : "\n]\n").utf8) }
        return out
    }
}

/// The contents of each export.
public enum Exports {
    /// The whole export at once; `progress(done, total)` is called every `slice` rows.
    public static func render(_ kind: ExportKind, market: MarketState, today: SimpleDate, options: ExportOptions,
                              slice: Int = 500, progress: (Int, Int) -> Void = { _, _ in }) -> [UInt8] {
        var job = ExportJob(kind: kind, market: market, today: today, options: options)
        progress(0, job.total)
        while !job.isFinished {
            job.advance(rows: slice)
            progress(job.done, job.total)
        }
        return job.bytes
    }

    /// The columns of the merchant export; its first seven are those of seeds/merchants.csv, and
    /// `chengxin import roster` reads the file back (the columns after 保障 are for reading only).
    public static let merchantColumns: [ExportColumn] = [
        ExportColumn("店铺号", "shopNumber"), ExportColumn("店铺名称", "name"), ExportColumn("经营者", "owner", personal: true),
        ExportColumn("支部编号", "branch"), ExportColumn("挂牌类型", "plate"), ExportColumn("统一社会信用代码", "creditCode"),
        ExportColumn("主营", "business"), ExportColumn("承诺", "pledges"), ExportColumn("职责", "duties"), ExportColumn("保障", "guarantees"),
        ExportColumn("支部名称", "branchName"), ExportColumn("星级", "stars"), ExportColumn("得分", "score"),
        ExportColumn("评定", "rating"), ExportColumn("一票否决", "vetoed"), ExportColumn("复核中", "underReview"), ExportColumn("商户回应", "reply"),
    ]

    /// The columns of the member export: those of seeds/members.csv (MemberTable), which
    /// `chengxin import members` reads back; names are personal data, masked unless asked for.
    public static let memberColumns: [ExportColumn] = MemberTable.columns.map { ExportColumn($0.zh, $0.en, personal: $0.en == "name") }

    public static let complaintColumns: [ExportColumn] = [
        ExportColumn("受理编号", "receipt"), ExportColumn("登记日期", "filedOn"), ExportColumn("店铺号", "shopNumber"),
        ExportColumn("店铺名称", "shopName"), ExportColumn("支部编号", "branch"), ExportColumn("类别", "category"),
        ExportColumn("诚信类别", "integrity"), ExportColumn("投诉内容", "text"), ExportColumn("涉及金额（元）", "amountYuan"),
        ExportColumn("诉求", "wants"), ExportColumn("投诉人", "consumerName", personal: true), ExportColumn("联系电话", "consumerPhone", personal: true),
        ExportColumn("同意联系", "consentToContact"), ExportColumn("状态", "state"), ExportColumn("受理日期", "acceptedOn"),
        ExportColumn("办理人", "handler"), ExportColumn("当前期限", "deadline"), ExportColumn("逾期", "overdue"),
        ExportColumn("调解结果", "outcome"), ExportColumn("是否属实", "upheld"), ExportColumn("调解金额（元）", "settledYuan"), ExportColumn("转交部门", "forwardedTo"),
        ExportColumn("满意度", "satisfaction"), ExportColumn("办结日期", "closedOn"), ExportColumn("重复于", "duplicateOf"),
        ExportColumn("确认扣分", "deduction"),
    ]

    public static let inspectionColumns: [ExportColumn] = [
        ExportColumn("记录号", "record"), ExportColumn("检查日期", "date"), ExportColumn("店铺号", "shopNumber"),
        ExportColumn("店铺名称", "shopName"), ExportColumn("支部编号", "branch"), ExportColumn("检查人", "inspector"),
        ExportColumn("清单版本", "checklistVersion"), ExportColumn("合格", "passed"), ExportColumn("不合格", "failed"),
        ExportColumn("不适用", "notApplicable"), ExportColumn("不合格项", "failures"), ExportColumn("整改", "rectifications"),
    ]

    /// Yuan from fen, as 680.50.
    static func yuan(_ fen: Int) -> String {
        String(format: "%d.%02d", fen / 100, fen % 100)
    }

    /// "价格诚信：一货一签" — the way a pledge is written in one line of the 承诺 cell.
    public static func pledgeLine(_ pledge: Pledge) -> String {
        "\(pledge.integrity.chineseName)：\(pledge.text)"
    }

    static func values(of item: ExportJob.Item, market: MarketState, today: SimpleDate, personal: Bool) -> [ExportValue] {
        func optional(_ s: String?) -> ExportValue { s.map { .text($0) } ?? .none }
        switch item {
        case .merchant(let m):
            let rating = market.rating(of: m, today: today)
            var score: ExportValue = .none
            var vetoed = false
            if case .rated(_, let s, let v) = rating { score = .number(s); vetoed = v }
            return [
                .text(m.shopNumber), .text(m.name), .text(personal ? m.owner : PersonalData.maskName(m.owner)),
                .number(m.branch), .text(m.plate.chineseName), .text(m.creditCode), .text(m.business),
                .list(m.pledges.map(pledgeLine)), .list(m.duties), .list(m.guarantees),
                optional(market.branch(m.branch)?.name), rating.stars.map { .number($0) } ?? .none, score,
                .text(rating.label(.zh)), .flag(vetoed), .flag(market.isUnderReview(m.shopNumber, year: today.year)),
                optional(market.replies[m.shopNumber]?[today.year]?.value.text),
            ]
        case .complaint(let c):
            let f = c.filed
            let merchant = f.shop.flatMap { market.merchant(shopNumber: $0) }
            let rules = market.rules(on: today)?.value
            var outcome: String?, upheld: Bool?, settled: Int?, department: String?, satisfaction: String?, closed: SimpleDate?
            for entry in c.history {
                switch entry.action {
                case .resolve(let o, let amount, let found)?: outcome = o; settled = amount; upheld = found
                case .forward(let d)?: department = ComplaintCodes.departments[d] ?? d
                case .reject(let r)?: outcome = ComplaintCodes.rejectReasons[r] ?? r
                case .terminate(let r)?: outcome = ComplaintCodes.terminateReasons[r] ?? r
                case .followUp(let s)?: satisfaction = s.chineseName
                case .close?: closed = entry.date
                default: break
                }
            }
            let name = f.consumerName.map { personal ? $0 : PersonalData.maskName($0) }
            let phone = f.consumerPhone.map { personal ? $0 : PersonalData.maskPhone($0) }
            return [
                .text(f.receipt), .text(f.date.description), optional(f.shop), optional(merchant?.name), merchant.map { .number($0.branch) } ?? .none,
                .text(ComplaintCodes.categories[f.category] ?? f.category), .text(f.integrity.chineseName), .text(f.text),
                optional(f.amountFen.map(yuan)), .list(f.wants.map { ComplaintCodes.wants[$0] ?? $0 }), optional(name), optional(phone),
                .flag(f.consentToContact), .text(c.state.chineseName), optional(c.acceptedOn?.description), optional(c.handler),
                optional(rules.flatMap { c.deadline(rules: $0, calendar: market.calendar)?.description }),
                .flag(rules.map { c.isOverdue(today: today, rules: $0, calendar: market.calendar) } ?? false),
                optional(outcome), upheld.map { .flag($0) } ?? .none, optional(settled.map(yuan)), optional(department), optional(satisfaction), optional(closed?.description),
                optional(c.duplicateOf), optional(market.complaintDeductions[f.receipt]?.value.severity.chineseName),
            ]
        case .member(let member):
            // The table's own cells, so that the file reads back exactly; the branch a number for JSON.
            return zip(MemberTable.columns, MemberTable.row(member, maskName: !personal)).map { column, cell in
                column.en == "branch" ? .number(member.branch) : (cell.isEmpty ? .none : .text(cell))
            }
        case .inspection(let inspection, let merchant, let rectifications):
            let i = inspection.value
            let failures = i.failures.map { failure in
                "\(failure.item) \((failure.severity ?? .minor).chineseName)" + (failure.note.map { "：\($0)" } ?? "")
            }
            let fixes = rectifications.map { r -> String in
                let state: String
                if let closedOn = r.closedOn {
                    state = "\(closedOn) 复查合格（第 \(r.closedBy.map(String.init) ?? "?") 条）" + (closedOn > r.deadline ? "，逾期" : "")
                } else {
                    state = r.isOverdue(on: today) ? "逾期未整改" : "整改中"
                }
                return "\(r.item) 期限 \(r.deadline)：\(state)"
            }
            return [
                .number(Int(inspection.sequence)), .text(i.date.description), .text(i.shop), optional(merchant?.name),
                merchant.map { .number($0.branch) } ?? .none, .text(i.inspector), .number(i.checklistVersion),
                .number(i.outcomes.filter { $0.result == .pass }.count), .number(i.failures.count),
                .number(i.outcomes.filter { $0.result == .notApplicable }.count), .list(failures), .list(fixes),
            ]
        }
    }
}
