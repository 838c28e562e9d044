import Core
import Foundation

/// The monthly report (月报): the month's complaints, how fast they were settled, satisfaction,
/// inspections and rectifications, star changes and the branches side by side.
public enum MonthlyReport {
    /// The calendar's warning, said of the figures it concerns.
    static func calendarNote(_ warning: LocalizedMessage, _ l: Language) -> String {
        l.pick("注意：整改期限与办理用时按工作日计算，", "Note: rectification deadlines and times to settle count working days; ") + warning.text(l)
    }

    static func competitionRecordsTitle(_ l: Language) -> String {
        l.pick("每个数字背后的记录（投诉按受理编号，其余按记录号；全部列出：chengxin compare --records）",
               "The records behind each figure (complaints by receipt, others by record number; in full: chengxin compare --records)")
    }

    static func competitionRecordHeaders(_ l: Language) -> [String] {
        [l.pick("类别", "Kind"), l.pick("支部", "Branch"), l.pick("指标", "Measure"), l.pick("数值", "Figure"), l.pick("记录", "Records")]
    }

    /// One row per figure that has records behind it, in the tables' order.
    static func competitionRecordRows(_ standing: CompetitionStanding, _ l: Language) -> [[String]] {
        standing.rankings.flatMap { ranking in
            ranking.rows.flatMap { row in
                zip(ranking.measures, row.figures).compactMap { entry, figure -> [String]? in
                    guard !figure.records.isEmpty else { return nil }
                    return [ranking.kind.chineseName, row.name, entry.measure.name(l), figure.text(l), CompetitionTables.records(figure, l)]
                }
            }
        }
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
        // Appeals not decided within the rules' working days (15): flagged by shop and deadline.
        let late = market.overdueAppeals(on: f.asOf)
        let overdueAppeals = late.isEmpty ? l.pick("无", "none")
            : late.map { l.pick("\($0.filed.shop)（应于 \(market.decisionDeadline(of: $0)) 前）", "\($0.filed.shop) (due \(market.decisionDeadline(of: $0)))") }.joined(separator: l.pick("、", ", "))

        let keyFigures: [(String, String)] = [
            (l.pick("本月投诉", "complaints filed"), "\(f.complaintsFiled)" + l.pick("（上月 \(f.previousComplaintsFiled)）", " (last month \(f.previousComplaintsFiled))")),
            (l.pick("办结（调解/转交/终止）", "settled"), "\(f.daysToSettle.count)"),
            (l.pick("办理用时中位数", "median time to settle"), l.pick("\(settleMedian) 个工作日", "\(settleMedian) working days")),
            (l.pick("当天办结", "settled the same day"), "\(sameDay)"),
            (l.pick("回访满意率", "satisfaction"), Markup.percent(f.satisfaction.rate) + l.pick("（\(f.satisfaction.definition(l))；上月 \(Markup.percent(f.previousSatisfaction.rate))）", " (\(f.satisfaction.definition(l)); last month \(Markup.percent(f.previousSatisfaction.rate)))")),
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
            SVGChart.Bar(label: s.name(l), value: Double(f.satisfaction[s]), text: "\(f.satisfaction[s])")
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
                             l.pick("满意率", "Satisfaction"), l.pick("本月检查", "Inspections"), l.pick("未完成整改", "Open rectifications")]
        let branchRows = f.branches.map { row in
            [row.branch.shortName, "\(row.members)", row.averageStars.map(Markup.one) ?? "—", "\(row.complaints)",
             row.satisfaction.rate.map { Markup.percent($0) + "（\(row.satisfaction.counted)/\(row.satisfaction.followUps)）" } ?? "—", "\(row.inspections)", "\(row.openRectifications)"]
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
            body += "<p class=\"note\">\(Markup.html(SatisfactionRate.definition(l)))</p>\n"
            body += "<h2>\(Markup.html(l.pick("比发展 · 比服务 · 比和谐", "Development, service, harmony")))</h2>\n"
            body += "<p class=\"note\">\(Markup.html(f.competition.methodLine(l)))</p>\n"
            for ranking in f.competition.rankings {
                body += "<h3>\(Markup.html(CompetitionTables.caption(f.competition, ranking.kind, l)))</h3>\n"
                let headers = CompetitionTables.headers(ranking, scope: f.competition.scope, l)
                body += table(headers, CompetitionTables.rows(ranking, scope: f.competition.scope, l), numeric: Set(2..<headers.count))
            }
            body += "<ul class=\"note\">" + CompetitionTables.definitions(f.competition, l).map { "<li>\(Markup.html($0))</li>" }.joined() + "</ul>\n"
            body += "<h3>\(Markup.html(competitionRecordsTitle(l)))</h3>\n"
            body += table(competitionRecordHeaders(l), competitionRecordRows(f.competition, l))
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
            out += "\n\(Markup.md(SatisfactionRate.definition(l)))\n"
            out += "\n## \(l.pick("比发展 · 比服务 · 比和谐", "Development, service, harmony"))\n\n\(Markup.md(f.competition.methodLine(l)))\n"
            for ranking in f.competition.rankings {
                out += "\n### \(Markup.md(CompetitionTables.caption(f.competition, ranking.kind, l)))\n\n"
                out += table(CompetitionTables.headers(ranking, scope: f.competition.scope, l), CompetitionTables.rows(ranking, scope: f.competition.scope, l))
            }
            out += "\n" + CompetitionTables.definitions(f.competition, l).map { "- " + Markup.md($0) }.joined(separator: "\n") + "\n"
            out += "\n### \(Markup.md(competitionRecordsTitle(l)))\n\n" + table(competitionRecordHeaders(l), competitionRecordRows(f.competition, l))
            if let head { out += head.md(l) }
            return out
        }
    }
}
