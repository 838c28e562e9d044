/// A deterministic pseudo-random generator (SplitMix64) for the demo history.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `chengxin init --demo`: a year (2026) of generated, clearly fictional history over the shipped
/// roster — inspections with failures and re-inspections, contribution points (approved and
/// pending), complaints in every state, a confirmed deduction, a veto, published ratings, an
/// appeal, replies and a correction. Every command goes through the same validation as real
/// input. The same roster always gives the same history.
public enum DemoHistory {
    /// The demo users and their published demo PINs.
    public static let users: [(name: String, display: String, role: Role, pin: String)] = [
        ("zhuren", "李主任（演示）", .manager, "111111"),
        ("fuzhuren", "周副主任（演示）", .manager, "111112"),
        ("shuji1", "第一支部书记（演示）", .secretary(branch: 1), "200001"),
        ("shuji2", "第二支部书记（演示）", .secretary(branch: 2), "200002"),
        ("shuji3", "第三支部书记（演示）", .secretary(branch: 3), "200003"),
        ("shuji4", "第四支部书记（演示）", .secretary(branch: 4), "200004"),
        ("shuji5", "第五支部书记（演示）", .secretary(branch: 5), "200005"),
        ("fuwutai", "服务台（演示）", .kiosk, "300000"),
    ]

    public struct Skipped: Error, Sendable { public let messages: [String] }

    /// Events to append after the roster's. `hashPIN` turns a PIN into its stored hash (slow; the
    /// caller supplies the salt policy). Throws if any generated command fails validation (a bug).
    public static func events(after roster: [Event], seed: UInt64 = 2026, hashPIN: (String) throws -> PINHash) throws -> [Event] {
        var state = MarketState(events: roster)
        var sequence = UInt64(roster.count)
        var out: [Event] = []
        var skipped: [String] = []
        var rng = SplitMix64(seed: seed)
        func at(_ day: SimpleDate, _ hour: Int) -> String {
            String(format: "%04d-%02d-%02dT%02d:%02d:00Z", day.year, day.month, day.day, max(0, hour - 8), Int.random(in: 0..<60, using: &rng))
        }
        /// `time`: a fixed time, for the records added after the history was first generated
        /// (members, ordinary shops), which leave the generator's draws to the rest.
        @discardableResult
        func emit(_ body: EventBody, by actor: String, on day: SimpleDate, time: String? = nil) -> UInt64 {
            let stamp = time.map { String(format: "%04d-%02d-%02dT%@Z", day.year, day.month, day.day, $0) } ?? at(day, Int.random(in: 9...17, using: &rng))
            let event = Event(actor: actor, at: stamp, key: "demo:\(out.count)", body: body)
            sequence += 1
            state.apply(event, sequence: sequence)
            out.append(event)
            return sequence
        }
        func check(_ what: String, _ body: () throws(LocalizedMessage) -> Void) -> Bool {
            do { try body(); return true } catch { skipped.append("\(what): \(error.zh)"); return false }
        }
        guard let first = SimpleDate(year: 2026, month: 1, day: 5) else { return [] }
        let calendar = state.calendar
        func workday(_ offset: Int) -> SimpleDate { calendar.addingWorkingDays(offset, to: first) }

        var users: [String: User] = [:]
        for u in users_() {
            let user = User(name: u.name, displayName: u.display, role: u.role, pin: try hashPIN(u.pin))
            users[u.name] = user
            emit(.userRegistered(user), by: "system", on: first)
        }
        let manager = users["zhuren"]!, deputy = users["fuzhuren"]!, desk = users["fuwutai"]!
        /// The branch's secretary acts for its shops — but not for their own (a conflict of
        /// interest, refused by the validators): a market manager does.
        func secretary(of shop: Merchant) -> User {
            guard let secretary = users["shuji\(shop.branch)"], !state.owns(secretary, shop: shop.shopNumber) else { return manager }
            return secretary
        }
        let checklist = state.checklist?.items ?? []
        let today = SimpleDate(year: 2026, month: 11, day: 26)!

        // Each branch's secretary account is linked to the secretary's member record (a market
        // manager's correction, through the gate): their own shop is then theirs by the record.
        for branch in state.branches {
            guard let account = users["shuji\(branch.number)"],
                  let member = state.membersInOrder.first(where: { $0.branch == branch.number && $0.role == .secretary && $0.left == nil }),
                  let target = state.currentMemberRecord(of: member.id) else { continue }
            var linked = member
            linked.user = account.name
            let body = EventBody.memberCorrected(MemberCorrection(target: target, reason: "演示：关联支部书记的账户 \(account.name)", member: linked))
            if check("link \(account.name)", { () throws(LocalizedMessage) in try state.validate(body, by: manager, today: first) }) {
                emit(body, by: manager.name, on: first, time: "01:30:00")
            }
        }

        // Inspections: every member shop once or twice in the year, some with failures and re-inspections.
        let shops = state.merchantsByShopNumber.filter(\.plate.isMemberPlate)
        for (i, shop) in shops.enumerated() {
            let inspector = secretary(of: shop)
            let day = workday(10 + (i * 2) % 150 + Int.random(in: 0...8, using: &rng))
            var fails: [ItemOutcome] = []
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 30, let item = checklist.randomElement(using: &rng) {
                fails.append(ItemOutcome(item: item.id, result: .fail, severity: roll < 8 ? .serious : .minor, note: "演示：现场发现问题"))
            }
            if roll < 10, let item = checklist.filter({ $0.id != fails.first?.item }).randomElement(using: &rng) {
                fails.append(ItemOutcome(item: item.id, result: .fail, severity: .minor, note: "演示：第二处问题"))
            }
            let failed = Set(fails.map(\.item))
            let outcomes = fails + checklist.filter { !failed.contains($0.id) }.map { ItemOutcome(item: $0.id, result: .pass) }
            let inspection = Inspection(shop: shop.shopNumber, date: day, inspector: inspector.name, checklistVersion: 1, outcomes: outcomes)
            // Each record is checked as if entered on its own day.
            if check("inspection \(shop.shopNumber)", { () throws(LocalizedMessage) in try state.validate(inspection, by: inspector, today: day) }) {
                emit(.inspectionRecorded(inspection), by: inspector.name, on: day)
            }
            if !fails.isEmpty {
                // Re-inspection: mostly in time, sometimes late, a few never.
                let late = Int.random(in: 0..<10, using: &rng)
                if late < 9 {
                    let again = calendar.addingWorkingDays(late < 6 ? 3 : 14, to: day)
                    let recheck = Inspection(shop: shop.shopNumber, date: again, inspector: inspector.name, checklistVersion: 1,
                                             outcomes: fails.map { ItemOutcome(item: $0.item, result: .pass) })
                    if check("re-inspection \(shop.shopNumber)", { () throws(LocalizedMessage) in try state.validate(recheck, by: inspector, today: again) }) {
                        emit(.inspectionRecorded(recheck), by: inspector.name, on: again)
                    }
                }
            }
            // Contribution points: entered by the secretary, approved by a manager (a few pending).
            let points = [0, 10, 20, 25, 30, 35, 40, 40, 40][Int.random(in: 0..<9, using: &rng)]
            if points > 0 {
                let kind = ContributionKind.allCases.randomElement(using: &rng) ?? .service
                let evidence = ["义务验光服务社区老人", "调解邻户消费纠纷", "带动新商户诚信经营", "参加市场消防演练", "捐赠助学眼镜"].randomElement(using: &rng) ?? "服务"
                let entryDay = calendar.addingWorkingDays(5, to: day)
                let entry = ContributionRecorded(shop: shop.shopNumber, kind: kind, points: points, date: entryDay, evidence: "演示：\(evidence)")
                if check("points \(shop.shopNumber)", { () throws(LocalizedMessage) in try state.validate(entry, by: inspector, today: entryDay) }) {
                    let seq = emit(.contributionRecorded(entry), by: inspector.name, on: entryDay)
                    if Int.random(in: 0..<10, using: &rng) < 8 {
                        let picked = Bool.random(using: &rng) ? manager : deputy
                        let approver = picked.name == inspector.name ? (picked == manager ? deputy : manager) : picked
                        if check("approve \(seq)", { () throws(LocalizedMessage) in try state.validateApproval(of: seq, by: approver) }) {
                            emit(.contributionApproved(ContributionApproved(target: seq)), by: approver.name, on: calendar.addingWorkingDays(2, to: entryDay))
                        }
                    }
                }
            }
        }

        // The ordinary shops (no member owner, no plate): inspected once by their branch's
        // secretary, the 亮身份 items not applicable; clean. At fixed times, so that the member
        // shops' history above and below stays as it was before ordinary shops were added.
        for (i, shop) in state.merchantsByShopNumber.filter({ !$0.plate.isMemberPlate }).enumerated() {
            let inspector = secretary(of: shop)
            let day = workday(40 + i * 20)
            let inspection = Inspection(shop: shop.shopNumber, date: day, inspector: inspector.name, checklistVersion: 1,
                                        outcomes: checklist.map { $0.defaultOutcome(at: shop) })
            if check("inspection \(shop.shopNumber)", { () throws(LocalizedMessage) in try state.validate(inspection, by: inspector, today: day) }) {
                emit(.inspectionRecorded(inspection), by: inspector.name, on: day, time: "02:15:00")
            }
        }

        // Complaints across the year, in every state of the workflow.
        let categories = ComplaintCodes.categories.keys.sorted()
        let texts = ["配的眼镜度数不对，戴着头晕", "标价与结账价格不一致", "镜架一周就断了，要求维修", "说好七天可退，店家不认",
                     "没有开发票", "宣传的进口镜片实为国产", "验光师态度差", "隐形眼镜包装破损"]
        var receipts: [String] = []
        for n in 0..<64 {
            let day = workday(5 + n * 3 + Int.random(in: 0...2, using: &rng))
            if day > today { break }
            let shop = n % 9 == 8 ? nil : shops.randomElement(using: &rng)
            let receipt = ReceiptCode.make(using: &rng)
            let filed = ComplaintFiled(
                receipt: receipt, shop: shop?.shopNumber, category: categories[n % categories.count],
                integrity: Integrity.allCases[n % 4], text: "演示：" + texts[n % texts.count], amountFen: 10_000 * Int.random(in: 1...30, using: &rng),
                wants: [["refund"], ["exchange"], ["repair"], ["apology"], ["compensation", "apology"]][n % 5],
                consumerName: n % 3 == 0 ? nil : "演示顾客\(n)", consumerPhone: n % 3 == 0 ? nil : String(format: "1380000%04d", n),
                consentToContact: n % 3 != 0, date: day)
            guard check("complaint \(n)", { () throws(LocalizedMessage) in try state.validate(filed, today: day) }) else { continue }
            emit(.complaintFiled(filed), by: desk.name, on: day)
            receipts.append(receipt)
            let handler = shop.map(secretary(of:)) ?? manager
            var steps: [ComplaintAction] = []
            switch n % 12 {
            case 0: steps = [.reject(reason: "no-evidence")]
            case 1: steps = [.accept, .mediate, .resolve(outcome: "退款并道歉", amountFen: filed.amountFen, upheld: true), .followUp(satisfaction: .satisfied), .close]
            case 2: steps = [.accept, .forward(department: "market-regulator"), .followUp(satisfaction: .partly)]
            case 3: steps = [.accept, .mediate, .terminate(reason: "no-agreement"), .followUp(satisfaction: .dissatisfied), .close]
            case 4: steps = [.accept, .mediate]
            case 5: steps = [.accept, .resolve(outcome: "免费重配镜片", amountFen: 0, upheld: true), .followUp(satisfaction: .satisfied), .close]
            case 6: steps = []
            case 7: steps = [.accept]
            case 8: steps = [.accept, .forward(department: "tax-office")]
            case 9: steps = [.accept, .mediate, .resolve(outcome: "更换镜架", amountFen: 0, upheld: true)]
            case 10: steps = [.accept, .mediate, .terminate(reason: "consumer-withdrew")]
            // Not every complaint is true: these are found 不属实, the shop refunding part out of goodwill.
            default: steps = [.accept, .mediate, .resolve(outcome: "商户出于善意部分退款", amountFen: 5_000, upheld: false), .followUp(satisfaction: .partly)]
            }
            if day > calendar.addingWorkingDays(-1, to: today) { steps = [] }
            var stepDay = day
            for action in steps {
                stepDay = min(today, calendar.addingWorkingDays(Int.random(in: 0...3, using: &rng), to: stepDay))
                let step = ComplaintStep(receipt: receipt, action: action, date: stepDay, note: nil)
                guard check("step \(receipt)", { () throws(LocalizedMessage) in try state.validate(step, by: handler, today: stepDay) }) else { break }
                emit(.complaintStep(step), by: handler.name, on: stepDay)
            }
            if n % 12 == 5 || n % 12 == 9, shop != nil {
                let deduction = ComplaintDeductionConfirmed(receipt: receipt, severity: .minor, date: stepDay)
                // Confirmed by a manager other than whoever handled the case.
                let confirmer = handler.name == manager.name ? deputy : manager
                if check("deduction \(receipt)", { () throws(LocalizedMessage) in try state.validate(deduction, by: confirmer, today: stepDay) }) {
                    emit(.complaintDeductionConfirmed(deduction), by: confirmer.name, on: stepDay)
                }
            }
        }
        // A duplicate: the first later complaint about the same shop as an earlier one.
        let pair = receipts.indices.lazy.compactMap { later -> (String, String)? in
            guard let shop = state.complaints[receipts[later]]?.filed.shop,
                  let earlier = receipts[..<later].first(where: { state.complaints[$0]?.filed.shop == shop }) else { return nil }
            return (receipts[later], earlier)
        }.first
        if let (duplicate, original) = pair {
            let link = ComplaintLinked(receipt: duplicate, duplicateOf: original)
            if check("link", { () throws(LocalizedMessage) in try state.validate(link, by: manager) }) { emit(.complaintLinked(link), by: manager.name, on: today) }
        }

        // A veto, the published ratings, an appeal decided by an uninvolved manager, replies, a correction.
        // The veto: found by an inspection of the shop, confirmed by one manager, seconded by the other.
        if let vetoShop = shops.dropFirst(40).first, let found = state.inspections[vetoShop.shopNumber]?.last {
            let veto = VetoConfirmed(shop: vetoShop.shopNumber, kind: "counterfeit", date: workday(180), reason: "演示：查实销售假冒品牌镜架", evidence: found.sequence)
            if check("veto", { () throws(LocalizedMessage) in try state.validate(veto, by: manager, today: veto.date) }) {
                let seq = emit(.vetoConfirmed(veto), by: manager.name, on: veto.date)
                if check("veto second", { () throws(LocalizedMessage) in try state.validate(VetoSeconded(target: seq), by: deputy) }) {
                    emit(.vetoSeconded(VetoSeconded(target: seq)), by: deputy.name, on: veto.date)
                }
            }
        }
        let published = SimpleDate(year: 2026, month: 11, day: 2)!
        emit(.ratingsPublished(RatingsPublished(year: 2026, date: published)), by: manager.name, on: published)
        if let appealShop = shops.dropFirst(5).first {
            let appeal = AppealFiled(shop: appealShop.shopNumber, year: 2026, reason: "演示：认为检查时标价签已更新", date: calendar.addingWorkingDays(3, to: published))
            let filer = secretary(of: appealShop)
            if check("appeal", { () throws(LocalizedMessage) in try state.validate(appeal, by: filer, today: appeal.date) }) {
                let seq = emit(.appealFiled(appeal), by: filer.name, on: appeal.date)
                let decision = AppealDecided(target: seq, outcome: .upheld, reason: "演示：检查记录与照片一致，维持原评定", date: calendar.addingWorkingDays(6, to: appeal.date))
                // Decided by a manager who took no part in the shop's rating.
                let involved = state.involvement(in: appealShop.shopNumber, year: 2026)
                let decider = [deputy, manager].first { involved[$0.name] == nil && $0.name != filer.name } ?? deputy
                if check("decision", { () throws(LocalizedMessage) in try state.validateDecision(decision, by: decider, today: decision.date) }) {
                    emit(.appealDecided(decision), by: decider.name, on: decision.date)
                }
            }
        }
        if let pendingShop = shops.dropFirst(60).first {
            let appeal = AppealFiled(shop: pendingShop.shopNumber, year: 2026, reason: "演示：对投诉扣分有异议", date: calendar.addingWorkingDays(5, to: published))
            let filer = secretary(of: pendingShop)
            if check("appeal 2", { () throws(LocalizedMessage) in try state.validate(appeal, by: filer, today: appeal.date) }) {
                emit(.appealFiled(appeal), by: filer.name, on: appeal.date)
            }
        }
        for shop in shops.prefix(3) {
            emit(.replyPublished(ReplyPublished(shop: shop.shopNumber, year: 2026, text: "演示：感谢监督，问题已全部整改，欢迎顾客回访。")), by: manager.name, on: published)
        }
        if let shop = shops.dropFirst(7).first, let record = (1...sequence).first(where: { seq in
            if case .merchantRegistered(let m) = (roster + out)[Int(seq) - 1].body { return m.shopNumber == shop.shopNumber }
            return false
        }) {
            var fixed = shop
            fixed.business += "、太阳镜"
            emit(.merchantCorrected(MerchantCorrection(target: record, reason: "演示：主营范围登记不全", merchant: fixed)), by: manager.name, on: workday(30))
        }
        if !skipped.isEmpty { throw Skipped(messages: skipped) }
        return out
    }

    private static func users_() -> [(name: String, display: String, role: Role, pin: String)] { users }

}
