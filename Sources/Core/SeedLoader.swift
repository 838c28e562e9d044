import Foundation

/// Every problem found in the seed files, each naming its file and line.
public struct SeedProblems: Error, Sendable, Equatable {
    public var problems: [LocalizedMessage]

    public func text(_ language: Language) -> String {
        problems.map { $0.text(language) }.joined(separator: "\n")
    }
}

/// Reads the shipped roster (the files in `seeds/`) into a `Roster`, validating every row.
/// Pure: the caller reads the files and passes their text.
public enum SeedLoader {
    public static let fileNames = [
        "committee.csv", "branches.csv", "merchants.csv", "members.csv", "pledges.csv", "duties.csv",
        "guarantees.csv", "checklist.csv", "rules.json", "calendar.csv", "calendar-years.csv", "code-of-conduct.txt",
    ]

    /// The pattern of a shop number: area letter, floor digit, two digits (A101).
    public static func isValidShopNumber(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count == 4, let area = chars.first, area.isASCII, area.isUppercase else { return false }
        return chars.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func load(files: [String: String]) throws(SeedProblems) -> Roster {
        var problems: [LocalizedMessage] = []
        func problem(_ file: String, _ line: Int, _ zh: String, _ en: String) {
            problems.append(LocalizedMessage(zh: "\(file) 第 \(line) 行：\(zh)", en: "\(file) line \(line): \(en)"))
        }
        func table(_ name: String, _ columns: [String]) -> (CSVTable, [String: Int])? {
            guard let text = files[name] else {
                problems.append(LocalizedMessage(zh: "缺少文件 \(name)", en: "missing file \(name)"))
                return nil
            }
            do {
                let table = try CSVTable.parse(text)
                let index = try table.columns(columns, file: name)
                return (table, index)
            } catch {
                problems.append(LocalizedMessage(zh: "\(name)：\(error.zh)", en: "\(name): \(error.en)"))
                return nil
            }
        }
        func field(_ row: CSVTable.Row, _ index: [String: Int], _ column: String, _ file: String) -> String? {
            guard let i = index[column], i < row.fields.count else {
                problem(file, row.line, "缺少“\(column)”一栏", "missing column \"\(column)\"")
                return nil
            }
            let value = row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty {
                problem(file, row.line, "“\(column)”不能为空", "\"\(column)\" must not be empty")
                return nil
            }
            return value
        }

        // Committee
        var committee: Committee?
        if let (t, ix) = table("committee.csv", ["市场名称", "党委名称", "党委书记"]) {
            if let row = t.rows.first,
               let market = field(row, ix, "市场名称", "committee.csv"),
               let name = field(row, ix, "党委名称", "committee.csv"),
               let secretary = field(row, ix, "党委书记", "committee.csv") {
                committee = Committee(marketName: market, name: name, secretary: secretary)
            } else if t.rows.isEmpty {
                problems.append(LocalizedMessage(zh: "committee.csv：没有数据行", en: "committee.csv: no data row"))
            }
        }

        // Branches
        var branches: [Branch] = []
        if let (t, ix) = table("branches.csv", ["支部编号", "支部名称", "支部书记"]) {
            for row in t.rows {
                guard let numberText = field(row, ix, "支部编号", "branches.csv"),
                      let name = field(row, ix, "支部名称", "branches.csv"),
                      let secretary = field(row, ix, "支部书记", "branches.csv") else { continue }
                guard let number = Int(numberText), number >= 1 else {
                    problem("branches.csv", row.line, "支部编号“\(numberText)”应为正整数", "branch number \"\(numberText)\" must be a positive integer")
                    continue
                }
                if branches.contains(where: { $0.number == number }) {
                    problem("branches.csv", row.line, "支部编号 \(number) 重复", "duplicate branch number \(number)")
                    continue
                }
                branches.append(Branch(number: number, name: name, secretary: secretary))
            }
        }

        // Merchants
        var merchants: [Merchant] = []
        var merchantIndex: [String: Int] = [:]
        if let (t, ix) = table("merchants.csv", ["店铺号", "店铺名称", "经营者", "支部编号", "挂牌类型", "统一社会信用代码", "主营"]) {
            for row in t.rows {
                let file = "merchants.csv"
                guard let shop = field(row, ix, "店铺号", file),
                      let name = field(row, ix, "店铺名称", file),
                      let owner = field(row, ix, "经营者", file),
                      let branchText = field(row, ix, "支部编号", file),
                      let plateText = field(row, ix, "挂牌类型", file),
                      let code = field(row, ix, "统一社会信用代码", file),
                      let business = field(row, ix, "主营", file) else { continue }
                var ok = true
                if !isValidShopNumber(shop) {
                    problem(file, row.line, "店铺号“\(shop)”格式不对，应为一个大写字母加三位数字，如 A101", "shop number \"\(shop)\" must be a capital letter and three digits, like A101")
                    ok = false
                }
                if merchantIndex[shop] != nil {
                    problem(file, row.line, "店铺号 \(shop) 重复", "duplicate shop number \(shop)")
                    ok = false
                }
                let branch = Int(branchText)
                if branch == nil || !branches.contains(where: { $0.number == branch }) {
                    problem(file, row.line, "支部编号“\(branchText)”不存在", "branch \"\(branchText)\" does not exist")
                    ok = false
                }
                let plate = PlateType(text: plateText)
                if plate == nil {
                    problem(file, row.line, "挂牌类型应为\(PlateType.allowedText.zh)，现为“\(plateText)”", "plate type must be \(PlateType.allowedText.en), is \"\(plateText)\"")
                    ok = false
                }
                if let codeProblem = CreditCode.problem(code) {
                    problem(file, row.line, codeProblem.zh, codeProblem.en)
                    ok = false
                }
                guard ok, let branch, let plate else { continue }
                merchantIndex[shop] = merchants.count
                merchants.append(Merchant(shopNumber: shop, name: name, owner: owner, branch: branch, plate: plate, creditCode: code, business: business))
            }
        }

        // Members: each row checked by MemberTable (format) and Member.problems (the rules); no
        // account exists at init, so 用户名 stays empty (linked later by `chengxin import members`).
        var members: [Member] = []
        if let text = files["members.csv"] {
            let file = "members.csv"
            do {
                let table = try CSVTable.parse(text)
                let index = try MemberTable.index(table.header)
                var seen: [String: Int] = [:]
                for row in table.rows {
                    let (parsed, rowProblems) = MemberTable.member { column in
                        guard let i = index[column], i < row.fields.count else { return "" }
                        return row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    for message in rowProblems { problem(file, row.line, message.zh, message.en) }
                    guard let member = parsed else { continue }
                    var ok = true
                    for message in member.problems(branchExists: { b in branches.contains { $0.number == b } },
                                                   shopExists: { merchantIndex[$0] != nil }, today: nil) {
                        problem(file, row.line, message.zh, message.en)
                        ok = false
                    }
                    if let user = member.user {
                        problem(file, row.line, "“用户名”“\(user)”：建立数据目录时还没有任何账户，请留空；账户建立后用 chengxin import members 关联",
                                "\"用户名\" \"\(user)\": no account exists when the data directory is made; leave it empty and link it later with chengxin import members")
                        ok = false
                    }
                    if let first = seen[member.id] {
                        problem(file, row.line, "党员编号 \(member.id) 与第 \(first) 行重复", "member number \(member.id) repeats line \(first)")
                        ok = false
                    }
                    seen[member.id] = seen[member.id] ?? row.line
                    if ok { members.append(member) }
                }
            } catch {
                problems.append(LocalizedMessage(zh: "\(file)：\(error.zh)", en: "\(file): \(error.en)"))
            }
        } else {
            problems.append(LocalizedMessage(zh: "缺少文件 members.csv", en: "missing file members.csv"))
        }
        // Every plate has a member owner and no ordinary shop has one (in a market this is only
        // reported: a member leaving makes it happen; the seeds start consistent).
        for merchant in merchants {
            let owners = members.filter { $0.left == nil && $0.shops.contains(merchant.shopNumber) }.count
            if let message = merchant.plate.ownershipProblem(shop: merchant.shopNumber, memberOwners: owners) {
                problems.append(LocalizedMessage(zh: "merchants.csv / members.csv：\(message.zh)", en: "merchants.csv / members.csv: \(message.en)"))
            }
        }
        // Each branch's secretary (branches.csv) is a member of it with the role of secretary.
        for branch in branches where !members.contains(where: { $0.branch == branch.number && $0.role == .secretary && $0.name == branch.secretary }) {
            problems.append(LocalizedMessage(zh: "members.csv：第 \(branch.number) 支部书记 \(branch.secretary) 不在党员名册中（支部职务应为支部书记）",
                                             en: "members.csv: the secretary of branch \(branch.number), \(branch.secretary), is not in the members' roster as 支部书记"))
        }

        // Pledges, duties, guarantees
        func attach(_ file: String, _ column: String, _ apply: (inout Merchant, String, CSVTable.Row) -> Void) {
            guard let (t, ix) = table(file, ["店铺号", column]) else { return }
            for row in t.rows {
                guard let shop = field(row, ix, "店铺号", file), let value = field(row, ix, column, file) else { continue }
                guard let i = merchantIndex[shop] else {
                    problem(file, row.line, "店铺号 \(shop) 不在 merchants.csv 中", "shop \(shop) is not in merchants.csv")
                    continue
                }
                apply(&merchants[i], value, row)
            }
        }
        if let (t, ix) = table("pledges.csv", ["店铺号", "诚信类别", "承诺内容"]) {
            for row in t.rows {
                let file = "pledges.csv"
                guard let shop = field(row, ix, "店铺号", file),
                      let kind = field(row, ix, "诚信类别", file),
                      let text = field(row, ix, "承诺内容", file) else { continue }
                guard let integrity = Integrity(text: kind) else {
                    problem(file, row.line, "诚信类别应为消费诚信、价格诚信、纳税诚信或质量诚信，现为“\(kind)”", "integrity must be one of 消费诚信/价格诚信/纳税诚信/质量诚信, is \"\(kind)\"")
                    continue
                }
                guard let i = merchantIndex[shop] else {
                    problem(file, row.line, "店铺号 \(shop) 不在 merchants.csv 中", "shop \(shop) is not in merchants.csv")
                    continue
                }
                merchants[i].pledges.append(Pledge(integrity: integrity, text: text))
            }
        }
        attach("duties.csv", "职责") { merchant, value, _ in merchant.duties.append(value) }
        attach("guarantees.csv", "保障") { merchant, value, _ in merchant.guarantees.append(value) }

        // Checklist
        var checklist: [ChecklistItem] = []
        if let text = files["checklist.csv"] {
            let parsed = parseChecklist(text)
            checklist = parsed.items
            problems += parsed.problems
        } else {
            problems.append(LocalizedMessage(zh: "缺少文件 checklist.csv", en: "missing file checklist.csv"))
        }

        // Rules
        // One object (one version) or a list of versions, oldest first: each later version with a
        // higher number and a later effective date, so that the years rated under the earlier
        // ones keep them (docs/domain-model.md, "The rating").
        var rules: [RatingRules]?
        if let text = files["rules.json"] {
            do { rules = try parseRules(text) } catch { problems.append(error) }
        } else {
            problems.append(LocalizedMessage(zh: "缺少文件 rules.json", en: "missing file rules.json"))
        }

        // Working-day calendar
        var calendar: WorkingCalendar?
        if let days = files["calendar.csv"], let years = files["calendar-years.csv"] {
            do {
                calendar = try WorkingCalendar.parse(days: days, years: years)
            } catch {
                problems += error.problems
            }
        } else {
            problems.append(LocalizedMessage(zh: "缺少文件 calendar.csv 或 calendar-years.csv", en: "missing file calendar.csv or calendar-years.csv"))
        }

        var conduct: CodeOfConduct?
        if let text = files["code-of-conduct.txt"] {
            do { conduct = try CodeOfConduct.parse(text) } catch { problems += error.problems }
        } else {
            problems.append(LocalizedMessage(zh: "缺少文件 code-of-conduct.txt", en: "missing file code-of-conduct.txt"))
        }

        if let conduct, let item = checklist.first(where: { ($0.article ?? 0) > conduct.articles.count }) {
            problems.append(LocalizedMessage(zh: "checklist.csv：检查项 \(item.id) 引用守则第 \(item.article ?? 0) 条，守则只有 \(conduct.articles.count) 条",
                                             en: "checklist.csv: item \(item.id) cites article \(item.article ?? 0); the code of conduct has \(conduct.articles.count)"))
        }
        if branches.isEmpty { problems.append(LocalizedMessage(zh: "branches.csv 没有支部", en: "branches.csv has no branch")) }
        if merchants.isEmpty { problems.append(LocalizedMessage(zh: "merchants.csv 没有商户", en: "merchants.csv has no shop")) }
        guard problems.isEmpty, let committee, let rules, let calendar, let conduct else {
            throw SeedProblems(problems: problems)
        }
        return Roster(committee: committee, branches: branches, merchants: merchants, ruleVersions: rules, checklist: checklist, calendar: calendar, conduct: conduct,
                      members: members)
    }
}
