import Core
import Foundation

/// The public notice (公示) of the member shops' ratings, one section per branch: the shops, their
/// plates, stars, pledges, duties, guarantees and replies. No personal data (no owner names).
public enum PublicNotice {
    /// `asOf` is the date the ratings are computed for (normally today).
    /// `head`, when given, is printed at the end ("日志链头 / Log head"), so that the paper anchors the log.
    public static func render(_ market: MarketState, asOf: SimpleDate, format: ReportFormat, language: Language = .zh, head: LogHead? = nil) -> String {
        let year = asOf.year
        let l = language
        let marketName = market.committee?.marketName ?? l.pick("眼镜城", "the market")
        let title = l.pick("\(marketName)商户诚信星级公示（\(year) 年度）", "\(marketName): integrity star ratings of its shops (\(year))")
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
                       l.pick("承诺（亮承诺）", "Pledges"), l.pick("职责（亮职责）", "Duties"), l.pick("保障", "Guarantees"), l.pick("商户回应", "Reply")]
        func list(_ items: [String]) -> String {
            items.isEmpty ? "—" : "<ul>" + items.map { "<li>\(Markup.html($0))</li>" }.joined() + "</ul>"
        }
        switch format {
        case .html:
            var body = "<header><h1>\(Markup.html(title))</h1><p class=\"sub\">\(Markup.html(subtitle))</p></header>\n"
            for (i, section) in sections.enumerated() {
                body += "<section class=\"branch\(i == 0 ? " first" : "")\">\n"
                body += "<h2>\(Markup.html(section.branch.name))</h2>\n"
                body += "<p>\(Markup.html(l.pick("支部书记：", "Secretary: ") + section.branch.secretary + "　" + summary(section.shops)))</p>\n"
                body += "<table class=\"notice\">\n<colgroup>" + ["shop", "name", "plate", "stars", "pledges", "duties", "guarantees", "reply"].map { "<col class=\"\($0)\"/>" }.joined() + "</colgroup>\n"
                body += "<thead><tr>" + headers.map { "<th>\(Markup.html($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for (m, status, review, reply) in section.shops {
                    let pledges = list(market.standingPledges(of: m.shopNumber).map { $0.label(l) })
                    let duties = list(m.duties)
                    let guarantees = list(m.guarantees)
                    body += "<tr><td>\(Markup.html(m.shopNumber))</td><td>\(Markup.html(m.name))</td><td>\(Markup.html(m.plate.name(l)))</td>"
                    body += "<td class=\"stars\">\(Markup.html(status.label(l)))" + (review ? "<br/><span class=\"mark\">\(Markup.html(l.pick("复核中", "under review")))</span>" : "") + "</td>"
                    body += "<td>\(pledges)</td><td>\(duties)</td><td>\(guarantees)</td><td>\(Markup.html(reply ?? "—"))</td></tr>\n"
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
                                 market.standingPledges(of: m.shopNumber).map { $0.label(l) }.joined(separator: "；"),
                                 m.duties.joined(separator: "；"), m.guarantees.joined(separator: "；"), reply ?? "—"]
                    out += "| " + cells.map { Markup.md($0.isEmpty ? "—" : $0) }.joined(separator: " | ") + " |\n"
                }
            }
            out += "\n" + Markup.md(note) + "\n"
            if let head { out += head.md(l) }
            return out
        }
    }
}
