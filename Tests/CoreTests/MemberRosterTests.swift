import Foundation
import Testing
@testable import Core
import Reports

@Suite("Members as people: the roster, the gate, ordinary shops")
struct MemberRosterTests {
    @Test func theShippedMembersOwnZeroOneOrTwoShopsAndEverySecretaryOwnsOne() throws {
        let roster = try SeedLoader.load(files: try shippedSeedFiles())
        let state = MarketState(events: roster.events(actor: "system", at: "2026-01-01T00:00:00Z"))
        #expect(state.members.count == roster.members.count)
        for branch in state.branches {
            let members = state.membersInOrder.filter { $0.branch == branch.number }
            let secretary = try #require(members.first { $0.role == .secretary })
            #expect(secretary.name == branch.secretary)
            #expect(secretary.shops.count == 1 && state.merchant(shopNumber: secretary.shops[0])?.branch == branch.number)
            #expect(members.filter(\.shops.isEmpty).count == 2, "two members of branch \(branch.number) own no shop")
            #expect(members.contains { $0.role == .committee })
        }
        #expect(state.membersInOrder.contains { $0.shops.count == 2 })
        #expect(state.merchants.contains { state.memberOwners(of: $0.shopNumber).count == 2 })
        let ordinary = state.merchants.filter { $0.plate == .none }
        #expect(ordinary.count == 4 && ordinary.allSatisfy { state.memberOwners(of: $0.shopNumber).isEmpty })
        #expect(state.ownershipMismatches.isEmpty)
        #expect(roster.members.allSatisfy { $0.user == nil }, "no account exists at init")
    }

    @Test func badMemberRowsNameTheirLineColumnAndValue() throws {
        var files = try shippedSeedFiles()
        files["members.csv"] = """
        党员编号,姓名,支部编号,入党日期,支部职务,店铺号,用户名,离开日期
        D1-01,顾逸飞,1,2011-03-09,支部书记,A105,,
        D2-01,顾晨阳,2,2010-02-30,支部书记,B109,,
        D3 01,潘涛,3,2001-01-01,书记,C109,,
        D4-01,邱嘉怡,4,2001-01-01,支部书记,Z999,,
        D5-01,张德明,9,2001-01-01,支部书记,F106,zhang,
        D1-02,高娟,1,2001-01-01,党员,A101,,2000-01-01
        D1-02,重复,1,2001-01-01,党员,,,
        """
        do {
            _ = try SeedLoader.load(files: files)
            Issue.record("bad rows must be refused")
        } catch {
            let text = error.text(.zh)
            #expect(text.contains("members.csv 第 3 行：“入党日期”“2010-02-30”不是有效日期"))
            #expect(text.contains("members.csv 第 4 行：“支部职务”应为支部书记、支委委员或党员，现为“书记”"))
            #expect(text.contains("members.csv 第 5 行：店铺号“Z999”不存在"))
            #expect(text.contains("members.csv 第 6 行：支部编号“9”不存在"))
            #expect(text.contains("members.csv 第 6 行：“用户名”“zhang”：建立数据目录时还没有任何账户"))
            #expect(text.contains("members.csv 第 7 行：离开日期 2000-01-01 早于入党日期 2001-01-01"))
            #expect(text.contains("members.csv 第 8 行：党员编号 D1-02 与第 7 行重复"))
            #expect(text.contains("挂“党员经营户”牌，但没有在册的党员经营者"), "A102 and the rest lost their owners")
            #expect(text.contains("members.csv：第 3 支部书记 潘涛 不在党员名册中"))
        }
    }

    @Test func anOrdinaryShopWithAMemberOwnerIsRefusedInTheSeeds() throws {
        var files = try shippedSeedFiles()
        files["members.csv"] = (files["members.csv"] ?? "") + "D1-99,柏文涛,1,2020-07-01,党员,A209,,\n"
        do {
            _ = try SeedLoader.load(files: files)
            Issue.record("an ordinary shop with a member owner must be refused in the seeds")
        } catch {
            #expect(error.text(.zh).contains("A209 是普通商户，却有 1 位党员经营者"))
        }
    }

    // MARK: The gate

    func scenario() throws -> (Scenario, Member, UInt64) {
        let s = try Scenario()
        let state = s.state
        let member = try #require(state.member(id: "D1-04"))
        let record = try #require(state.currentMemberRecord(of: "D1-04"))
        return (s, member, record)
    }

    @Test func onlyAManagerRegistersOrCorrectsMembers() throws {
        let (s, member, record) = try scenario()
        var fixed = member
        fixed.name = "魏晓林"
        let body = EventBody.memberCorrected(MemberCorrection(target: record, reason: "姓名录入有误", member: fixed))
        #expect(refusal(s, body, by: s.secretary1, today: "2026-06-01") == "只有市场管理方可以登记或更正党员（第 1 支部书记不可以）")
        #expect(refusal(s, body, by: s.manager, today: "2026-06-01") == nil)
    }

    @Test func aRegistrationIsRefusedForEachBrokenRule() throws {
        let (s, _, _) = try scenario()
        let good = Member(id: "D1-50", name: "新党员", branch: 1, joined: date("2020-07-01"), role: .member, shops: ["A106"])
        func refused(_ change: (inout Member) -> Void) -> String? {
            var member = good
            change(&member)
            return refusal(s, .memberRegistered(member), by: s.manager, today: "2026-06-01")
        }
        #expect(refused { _ in } == nil)
        #expect(refused { $0.id = "D1 50" }?.hasPrefix("党员编号“D1 50”格式不对") == true)
        #expect(refused { $0.name = "  " } == "党员 D1-50 的姓名不能为空")
        #expect(refused { $0.branch = 9 } == "支部编号“9”不存在")
        #expect(refused { $0.joined = date("2026-06-02") } == "入党日期 2026-06-02 晚于今天（2026-06-01）")
        #expect(refused { $0.shops = ["A106", "Z999"] } == "店铺号“Z999”不存在")
        #expect(refused { $0.shops = ["A106", "A106"] } == "店铺号 A106 重复列出")
        #expect(refused { $0.user = "nobody" } == "用户 nobody 不存在（先用 chengxin user add 建立账户）")
        #expect(refused { $0.left = date("2019-01-01") } == "离开日期 2019-01-01 早于入党日期 2020-07-01")
        #expect(refused { $0.id = "D1-04" } == "党员编号 D1-04 已登记（第 \(s.state.currentMemberRecord(of: "D1-04") ?? 0) 条），请更正该记录而不是再次登记")
    }

    @Test func aUserIsLinkedToOneCurrentMemberOnly() throws {
        var (s, member, record) = try scenario()
        var linked = member
        linked.user = "wang"
        s.add(.memberCorrected(MemberCorrection(target: record, reason: "关联账户", member: linked)), by: "li")
        let other = Member(id: "D1-50", name: "新党员", branch: 1, joined: date("2020-07-01"), role: .member, user: "wang")
        #expect(refusal(s, .memberRegistered(other), by: s.manager, today: "2026-06-01") == "用户 wang 已关联党员 D1-04（魏晓琳）")
        var former = other
        former.left = date("2026-05-01")
        #expect(refusal(s, .memberRegistered(former), by: s.manager, today: "2026-06-01") == nil, "a former member's record may name the account")
    }

    @Test func aCorrectionNamesTheCurrentRecordKeepsTheNumberAndChangesSomething() throws {
        var (s, member, record) = try scenario()
        var moved = member
        moved.id = "D1-77"
        func correct(_ target: UInt64, _ m: Member, reason: String = "更正") -> EventBody {
            .memberCorrected(MemberCorrection(target: target, reason: reason, member: m))
        }
        #expect(refusal(s, correct(record, moved), by: s.manager, today: "2026-06-01")
                == "更正不能改变党员编号（第 \(record) 条是 D1-04 的记录，更正写的是 D1-77）")
        #expect(refusal(s, correct(record, member), by: s.manager, today: "2026-06-01") == "更正与 D1-04 的现行记录完全相同，没有可更正之处")
        #expect(refusal(s, correct(1, member), by: s.manager, today: "2026-06-01") == "第 1 条记录不是党员登记")
        var leaving = member
        leaving.left = date("2026-05-31")
        #expect(refusal(s, correct(record, leaving, reason: " "), by: s.manager, today: "2026-06-01") == "更正党员记录必须写明原因")
        s.add(correct(record, leaving), by: "li")
        #expect(refusal(s, correct(record, member), by: s.manager, today: "2026-06-01")
                == "第 \(record) 条不是 D1-04 的现行记录（现行记录是第 \(s.events.count) 条）")
        var early = leaving
        early.left = date("1990-01-01")
        #expect(refusal(s, correct(UInt64(s.events.count), early), by: s.manager, today: "2026-06-01") == "离开日期 1990-01-01 早于入党日期 \(member.joined)")
    }

    @Test func aMemberLeavingIsReportedNotRefused() throws {
        var (s, member, record) = try scenario()
        var leaving = member
        leaving.left = date("2026-05-31")
        #expect(refusal(s, .memberCorrected(MemberCorrection(target: record, reason: "组织关系转出", member: leaving)), by: s.manager, today: "2026-06-01") == nil)
        s.add(.memberCorrected(MemberCorrection(target: record, reason: "组织关系转出", member: leaving)), by: "li")
        let state = s.state
        #expect(state.memberOwners(of: "A102").isEmpty && state.memberOwners(of: "A102", includingFormer: true).map(\.id) == ["D1-04"])
        #expect(state.ownershipMismatches.map(\.shop) == ["A102"])
        #expect(state.ownershipMismatches.first?.problem.zh == "A102 挂“党员经营户”牌，但没有在册的党员经营者（应改为普通商户或补登党员）")
    }

    // MARK: Ordinary shops at an inspection

    @Test func theIdentityItemsDoNotApplyAtAnOrdinaryShop() throws {
        let s = try Scenario()
        let items = s.state.checklist?.items ?? []
        let all = items.map { ItemOutcome(item: $0.id, result: .pass) }
        let inspection = Inspection(shop: "A209", date: date("2026-06-01"), inspector: "li", checklistVersion: 1, outcomes: all)
        #expect(refusal(s, .inspectionRecorded(inspection), by: s.manager, today: "2026-06-01")
                == "A209 是普通商户（无党员挂牌），亮身份检查项 ID-1 不适用，应记为不适用")
        let shop = try #require(s.state.merchant(shopNumber: "A209"))
        var fitting = inspection
        fitting.outcomes = items.map { $0.defaultOutcome(at: shop) }
        #expect(fitting.outcomes.filter { $0.result == .notApplicable }.count == items.filter { $0.category == .identity }.count)
        #expect(refusal(s, .inspectionRecorded(fitting), by: s.manager, today: "2026-06-01") == nil)
        #expect(refusal(s, .inspectionRecorded(Inspection(shop: "A101", date: date("2026-06-01"), inspector: "li", checklistVersion: 1, outcomes: all)),
                        by: s.manager, today: "2026-06-01") == nil, "a member shop is checked on every item")
    }
}

@Suite("Demo: secretaries linked to their member records")
struct DemoSecretaryTests {
    @Test func aDemoSecretaryIsRefusedOnTheirOwnShopAndAllowedOnAnotherOfTheBranch() throws {
        let roster = try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let history = try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 5, count: 16), rounds: 1024) }
        let state = MarketState(events: roster + history)
        for number in 1...5 {
            let user = try #require(state.users["shuji\(number)"])
            let member = try #require(state.member(of: user))
            #expect(member.role == .secretary && member.branch == number)
            // Refused as the member's own shop, whatever the account's `person` says.
            var anonymous = user
            anonymous.person = "某人"
            let own = try #require(member.shops.first)
            #expect(state.owns(anonymous, shop: own))
            let today = date("2026-11-26")
            let items = state.checklist?.items ?? []
            func inspection(_ shop: String) -> Inspection {
                Inspection(shop: shop, date: today, inspector: user.name, checklistVersion: 1, outcomes: items.map { $0.defaultOutcome(at: state.merchant(shopNumber: shop)) })
            }
            do {
                try state.validate(.inspectionRecorded(inspection(own)), by: user, today: today)
                Issue.record("shuji\(number) inspected their own shop \(own)")
            } catch {
                #expect(error.zh.contains("是 \(own) 的经营者，不能检查自己的店铺（利益冲突）"))
            }
            let entry = ContributionRecorded(shop: own, kind: .service, points: 10, date: today, evidence: "义务验光")
            #expect(throws: LocalizedMessage.self) { try state.validate(.contributionRecorded(entry), by: user, today: today) }
            let other = try #require(state.merchantsByShopNumber.first { $0.branch == number && !member.shops.contains($0.shopNumber) && $0.shopNumber != "A209" })
            let sameDay = state.inspections[other.shopNumber]?.contains { $0.value.date == today && $0.value.inspector == user.name } ?? false
            if !sameDay { try state.validate(.inspectionRecorded(inspection(other.shopNumber)), by: user, today: today) }
        }
    }
}

@Suite("Members: import and export")
struct MemberImportTests {
    func export(_ market: MarketState, personal: Bool = true) -> String {
        String(decoding: Exports.render(.members, market: market, today: date("2026-06-01"), options: ExportOptions(format: .csv, withPersonalData: personal)), as: UTF8.self)
    }

    @Test func exportThenImportChangesNothing() throws {
        let s = try Scenario()
        let market = s.state
        let plan = try MemberImport.plan(text: export(market), market: market, today: date("2026-06-01"))
        #expect(plan.changes.isEmpty && plan.unchanged.count == market.members.count && plan.notInFile.isEmpty)
        #expect(plan.ignoredColumns.isEmpty && plan.mismatchesAfter.isEmpty)
        #expect(try CSVTable.parse(export(market)).header == MemberTable.header, "the columns of seeds/members.csv")
        // Masked names (an export without personal data) are refused, not imported.
        do {
            _ = try MemberImport.plan(text: export(market, personal: false), market: market, today: date("2026-06-01"))
            Issue.record("masked names imported")
        } catch {
            #expect(error.problems.first?.zh.hasPrefix("第 2 行：姓名“顾**”是打码后的姓名") == true)
        }
    }

    @Test func newMembersAreRegisteredChangedOnesCorrectedMissingOnesReportedAndARetryAddsNothing() throws {
        var s = try Scenario()
        let market = s.state
        let table = try CSVTable.parse(export(market))
        // D1-04 leaves (A102 keeps no member owner: reported), D1-05 is renamed, D1-99 is new, D2-01's row is dropped.
        var lines = [MemberTable.header.joined(separator: ",")]
        for row in table.rows {
            var cells = row.fields
            switch cells[0] {
            case "D1-04": cells[7] = "2026-05-31"
            case "D1-05": cells[1] = "改名"
            case "D2-01": continue
            default: break
            }
            lines.append(cells.joined(separator: ","))
        }
        lines.append("D1-99,新党员,1,2021-07-01,党员,A106,gu,")
        let text = lines.joined(separator: "\n") + "\n"
        let plan = try MemberImport.plan(text: text, market: market, today: date("2026-06-01"))
        #expect(plan.registrations.map(\.member.id) == ["D1-99"])
        #expect(plan.corrections.map(\.member.id) == ["D1-04", "D1-05"])
        #expect(plan.corrections.first.map { if case .correct(_, _, let fields) = $0.kind { return fields } else { return [] } } == ["离开日期"])
        #expect(plan.notInFile.map(\.id) == ["D2-01"], "reported, not erased")
        #expect(plan.mismatchesAfter.map(\.zh) == ["A102 挂“党员经营户”牌，但没有在册的党员经营者（应改为普通商户或补登党员）"])
        let events = plan.events(actor: "li", at: "2026-06-01T00:00:00Z", keyPrefix: "member-import:r1", file: "members.csv")
        for event in events {
            #expect(refusal(s, event.body, by: s.manager, today: "2026-06-01") == nil, "the gate accepts what the plan found")
            s.events.append(event)
        }
        let after = s.state
        #expect(after.member(id: "D2-01") != nil && after.member(id: "D1-04")?.left == date("2026-05-31"))
        #expect(after.member(id: "D1-99")?.user == "gu" && after.owns(s.secretary1, shop: "A106"), "the linked account owns the member's shop")
        if case .memberCorrected(let correction) = events[0].body {
            #expect(correction.reason == "党员名册导入 members.csv 第 5 行：更新离开日期")
        }
        let again = try MemberImport.plan(text: text, market: after, today: date("2026-06-01"))
        #expect(again.changes.isEmpty, "idempotent")
    }

    @Test func badRowsAreRefusedWithLineColumnAndValue() throws {
        let market = try Scenario().state
        let text = """
        党员编号,姓名,支部编号,入党日期,支部职务,店铺号,用户名,离开日期
        D1-90,甲,1,2021-13-01,党员,,,
        D1-91,乙,1,2021-01-01,党员,Z999,,
        D1-92,丙,1,2021-01-01,党员,,gu,
        D1-93,丁,1,2021-01-01,党员,,gu,
        D1-93,戊,1,2021-01-01,党员,,,

        """
        do {
            _ = try MemberImport.plan(text: text, market: market, today: date("2026-06-01"))
            Issue.record("planned despite problems")
        } catch {
            let lines = error.problems.map(\.zh)
            #expect(lines == ["第 2 行：“入党日期”“2021-13-01”不是有效日期（应为 YYYY-MM-DD，如 2015-07-01）", "第 3 行：店铺号“Z999”不存在",
                              "第 5 行：用户名 gu 与第 4 行重复", "第 6 行：党员编号 D1-93 与第 5 行重复"], "\(lines)")
        }
        #expect(throws: SeedProblems.self) { try MemberImport.plan(text: "党员编号,姓名\nD1-01,x\n", market: market, today: date("2026-06-01")) }
    }
}
