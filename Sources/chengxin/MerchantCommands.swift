import App
import ArgumentParser
import Core
import Foundation
import Storage
import Terminal

struct MerchantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchant", abstract: localized("商户。", "Member shops."), subcommands: [MerchantList.self, MerchantShow.self])
}

struct MerchantList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: localized("列出商户。", "List member shops."))

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("输出格式：table（表格）、csv 或 json。", "table, csv or json."))
    var format: Format = .table

    @Option(name: .long, help: localized("只列第 N 支部的商户。", "Only shops of branch N."))
    var branch: Int?

    @Option(name: .long, help: localized("只列评为 N 星的商户。", "Only shops rated N stars."))
    var stars: Int?

    func validate() throws {
        if let stars, !(1...5).contains(stars) {
            throw ValidationError(common.t("--stars 应为 1 到 5", "--stars must be 1 to 5"))
        }
    }

    func run() throws {
        let store = try common.openForReading()
        var market = store.market
        if let branch, market.branch(branch) == nil {
            throw Console.fail(common.t("没有第 \(branch) 支部（现有 \(market.branches.map { String($0.number) }.joined(separator: "、"))）",
                                        "there is no branch \(branch) (there are \(market.branches.map { String($0.number) }.joined(separator: ", ")))"))
        }
        let today = MarketClock.today()
        let merchants = market.merchants.filter { merchant in
            if let branch, merchant.branch != branch { return false }
            if let stars, market.rating(of: merchant, today: today).stars != stars { return false }
            return true
        }
        market = market.restricted(to: merchants)
        switch format {
        case .table:
            let table = TableView(columns: App.Dashboard.merchantColumns(common.lang, wide: true),
                                  rows: App.Dashboard.merchantRows(market, common.lang, wide: true, today: today), position: ListPosition())
            var fitted = table
            fitted.fitColumns(available: Int.max)
            Console.out(fitted.lines().joined(separator: "\n"))
        case .csv:
            let header = ["shop_number", "name", "owner", "branch", "plate", "rating"]
            var lines = [header.joined(separator: ",")]
            for merchant in market.merchants {
                let row = [merchant.shopNumber, merchant.name, merchant.owner, String(merchant.branch),
                           merchant.plate.chineseName, market.ratingLabel(of: merchant, today: today, language: .zh)]
                lines.append(row.map(CSVField.escape).joined(separator: ","))
            }
            Console.out(lines.joined(separator: "\n"))
        case .json:
            struct Row: Encodable {
                let shopNumber: String, name: String, owner: String, branch: Int, branchName: String
                let plate: String, rating: String, stars: Int?
            }
            let rows = market.merchants.map { merchant -> Row in
                let rating = market.rating(of: merchant, today: today)
                let stars = rating.stars
                return Row(shopNumber: merchant.shopNumber, name: merchant.name, owner: merchant.owner, branch: merchant.branch,
                           branchName: market.branch(merchant.branch)?.name ?? "", plate: merchant.plate.chineseName,
                           rating: rating == .awaiting ? "awaiting" : "rated", stars: stars)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }
}

struct MerchantShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("一户商户：身份、承诺、职责、保障和星级。", "One shop: identity, pledges, duties, guarantees and rating."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Argument(help: ShopReference.help, transform: TypedCode.normalise)
    var shop: String

    @Flag(name: .long, help: localized("逐行列出星级的计算过程，每行附对应的事件。", "Print the rating arithmetic line by line, each with its event."))
    var explain = false

    func run() throws {
        let store = try common.openForReading()
        let market = store.market
        let merchant: Merchant
        do throws(LocalizedMessage) { merchant = try market.shop(typed: shop) } catch { throw common.failure(error) }
        let today = MarketClock.today()
        let result = RatingEngine.rate(merchant, in: market, year: today.year, today: today)
        let branch = market.branch(merchant.branch)
        var lines = [
            "\(merchant.shopNumber)  \(merchant.name)",
            common.t("经营者：", "owner: ") + merchant.owner,
            common.t("支部：", "branch: ") + (branch?.name ?? String(merchant.branch)),
            common.t("挂牌（亮身份）：", "plate: ") + merchant.plate.name(common.lang),
            common.t("党员经营者：", "member owners:"),
        ]
        lines += market.memberOwnerLines(of: merchant, common.lang).map { "  " + $0 }
        lines += [
            common.t("主营：", "business: ") + merchant.business,
            common.t("统一社会信用代码：", "credit code: ") + merchant.creditCode,
            common.t("承诺（亮承诺）：", "pledges:"),
        ]
        lines += market.datedPledges(of: merchant.shopNumber).map { "  " + $0.label(common.lang) }
        lines.append(common.t("职责（亮职责）：", "duties:"))
        lines += merchant.duties.map { "  " + $0 }
        lines.append(common.t("保障：", "guarantees:"))
        lines += merchant.guarantees.map { "  " + $0 }
        lines.append(common.t("\(today.year) 年度星级：", "\(today.year) rating: ") + market.ratingLabel(of: merchant, today: today, language: common.lang))
        if let reply = market.replies[merchant.shopNumber]?[today.year] {
            lines.append(common.t("商户回应：", "the shop's reply: ") + reply.value.text)
        }
        if explain {
            lines.append(common.t("评分说明：", "how the rating was reached:"))
            lines += ExplanationText.lines(result.lines, common.lang)
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

/// An explanation (a rating's, a member's points') line by line: the points, the words, the record.
enum ExplanationText {
    static func lines(_ lines: [ExplanationLine], _ language: Language) -> [String] {
        lines.map { line in
            let points = line.points.map { $0 >= 0 ? "+\($0)" : "\($0)" } ?? ""
            let source = line.sequence.map { "#\($0)" } ?? ""
            return "  " + [points.padding(toLength: 4, withPad: " ", startingAt: 0), line.text(language), source.isEmpty ? "" : "[\(source)]"].joined(separator: " ").trimmingCharacters(in: .whitespaces)
        }
    }
}

/// CSV cells as spreadsheets read them, safe against formula injection: the one rule of the
/// exports (Core/SpreadsheetCell.swift), so that `merchant list --format csv` and `export` agree.
enum CSVField {
    static func escape(_ value: String) -> String {
        SpreadsheetCell.escape(value)
    }
}
