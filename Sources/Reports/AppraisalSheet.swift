import Core
import Foundation

/// The appraisal sheet (民主评议党员积分表) of a branch for a year: every member's points — base,
/// deductions, contributions by kind (比发展/比服务/比和谐), the appraisal's share where the rules
/// give one — the total, the grade, entries still waiting for the panel, the member's own 一票否决;
/// the panel, the rules and the places to sign. It is for the branch's meeting, not for the public
/// board: it names members (docs/reports.md).
public enum AppraisalSheet {
    public static func render(_ market: MarketState, branch number: Int, year: Int, today: SimpleDate, format: ReportFormat,
                              language: Language = .zh, head: LogHead? = nil) -> String {
        let l = language
        let branch = market.branch(number)
        let branchName = branch?.name ?? l.pick("第 \(number) 支部", "branch \(number)")
        let title = l.pick("\(branchName) \(year) 年度党员积分及民主评议表", "\(branchName): members' points and democratic appraisal, \(year)")
        let members = market.ledgerMembers(branch: number, year: year, today: today)
        let ledgers = members.map { market.memberLedger($0, year: year) }
        let rules = ledgers.first?.rules ?? market.memberPointsRules(year: year)
        let panel = market.memberPoints.panel(branch: number, year: year)
        let share = rules?.value.appraisalShare ?? 0
        let asOf = min(today, SimpleDate(year: year, month: 12, day: 31) ?? today)
        let subtitle = l.pick("积分截至 \(asOf)", "points as of \(asOf)")
        let panelText = panel.map { p in
            l.pick("考评小组（记录 #\(p.sequence)）：", "assessment panel (record #\(p.sequence)): ")
                + p.value.members.map { id in market.members[id].map { "\($0.name)（\(id)）" } ?? id }.joined(separator: l.pick("、", ", "))
        } ?? l.pick("考评小组：尚未组建（积分都待审批）", "assessment panel: not named yet (every entry waits)")
        let ruleText = rules.map { r in
            let grades = r.value.grades.sorted { $0.minScore > $1.minScore }.map { "\($0.grade.name(l)) ≥\($0.minScore)" }.joined(separator: l.pick("，", ", "))
            return l.pick("积分规则（记录 #\(r.sequence)）：基础分 \(r.value.basePoints)（只扣不加，每项扣分有年度上限）＋贡献分（比发展、比服务、比和谐合计不超过 \(r.value.contributionCap)）"
                          + (share > 0 ? "＋民主评议 \(share) 分" : "") + "；每条积分经考评小组过半数同意后计入；等次：\(grades)，其余不合格；本人经营的店铺被一票否决的，当年评为不合格。",
                          "rules (record \(r.sequence)): base \(r.value.basePoints) (deductions only, each item capped a year) + contribution points (development, service and harmony together at most \(r.value.contributionCap))"
                          + (share > 0 ? " + the appraisal's \(share)" : "") + "; an entry counts once a majority of the panel approved it; grades: \(grades), otherwise unqualified; a member whose shop was vetoed is unqualified for the year.")
        } ?? l.pick("已发布的规则都没有党员积分的规定：不记分。", "no published rules have members' points: nothing is scored.")
        var headers = [l.pick("编号", "No."), l.pick("姓名", "Name"), l.pick("职务", "Role"), l.pick("基础分", "Base"), l.pick("扣分", "Deducted"),
                       ContributionKind.development.name(l), ContributionKind.service.name(l), ContributionKind.harmony.name(l)]
        if share > 0 { headers.append(l.pick("民主评议", "Appraisal")) }
        headers += [l.pick("合计", "Total"), l.pick("等次", "Grade"), l.pick("待审批", "Waiting"), l.pick("评议意见", "Remarks")]
        func cells(_ ledger: MemberLedger) -> [String] {
            var row = [ledger.member.id, ledger.member.name, ledger.member.role.name(l), String(ledger.base), ledger.deducted == 0 ? "0" : "−\(ledger.deducted)"]
            row += ContributionKind.allCases.map { String(ledger.contributionsByKind[$0] ?? 0) }
            if share > 0 { row.append(String(ledger.appraisal)) }
            let veto = ledger.vetoes.isEmpty ? "" : l.pick("（一票否决）", " (veto)")
            row += [String(ledger.total), (ledger.grade?.name(l) ?? "—") + veto, ledger.pending == 0 ? "" : String(ledger.pending), ""]
            return row
        }
        // The points, the total and the number waiting are right-aligned; the grade and the remarks are not.
        let numeric = Set(3..<(headers.count - 3)).union([headers.count - 2])
        let counts = MemberGrade.allCases.map { grade in (grade, ledgers.filter { $0.grade == grade }.count) }
        let summary = l.pick("在册党员 \(members.count) 人：", "\(members.count) members: ")
            + counts.map { "\($0.0.name(l)) \($0.1)" }.joined(separator: l.pick("，", ", "))
            + l.pick("；待审批的积分 \(ledgers.reduce(0) { $0 + $1.pending }) 条（不计入）", "; \(ledgers.reduce(0) { $0 + $1.pending }) entries waiting (not counted)")
        let signatures = [l.pick("考评小组成员签字：", "Panel members' signatures:"), l.pick("支部书记签字：", "Branch secretary's signature:"), l.pick("日期：", "Date:")]
        switch format {
        case .html:
            var body = "<header><h1>\(Markup.html(title))</h1><p class=\"sub\">\(Markup.html(subtitle))</p></header>\n"
            body += "<section class=\"branch first\">\n"
            body += "<p>\(Markup.html(panelText))</p>\n<p>\(Markup.html(summary))</p>\n"
            if members.isEmpty {
                body += "<p>\(Markup.html(l.pick("本支部尚无在册党员。", "the branch has no members on record.")))</p>\n"
            } else {
                body += "<table class=\"appraisal\">\n<thead><tr>" + headers.enumerated().map { "<th\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(Markup.html($0.element))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for ledger in ledgers {
                    body += "<tr>" + cells(ledger).enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(Markup.html($0.element))</td>" }.joined() + "</tr>\n"
                }
                body += "</tbody>\n</table>\n"
            }
            body += "<p class=\"note\">\(Markup.html(ruleText))</p>\n"
            body += "<footer>" + signatures.map { "<p>\(Markup.html($0))</p>" }.joined() + "</footer>\n</section>\n"
            if let head { body += head.html(l) }
            return Markup.page(title: title, language: l, body: body)
        case .md:
            var out = "# \(Markup.md(title))\n\n\(Markup.md(subtitle))\n\n\(Markup.md(panelText))\n\n\(Markup.md(summary))\n\n"
            if members.isEmpty {
                out += Markup.md(l.pick("本支部尚无在册党员。", "the branch has no members on record.")) + "\n"
            } else {
                out += "| " + headers.map(Markup.md).joined(separator: " | ") + " |\n"
                out += "|" + headers.indices.map { numeric.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
                for ledger in ledgers {
                    out += "| " + cells(ledger).map { Markup.md($0) }.joined(separator: " | ") + " |\n"
                }
            }
            out += "\n" + Markup.md(ruleText) + "\n\n" + signatures.map { Markup.md($0) }.joined(separator: "\n\n") + "\n"
            if let head { out += head.md(l) }
            return out
        }
    }
}
