import Core
import Foundation

/// A deterministic decade of market records for the benchmark: the shipped roster, the demo year
/// (2026, through the domain validators) with the later rules and the members' points as
/// `init --demo` records them, then years from 2027 on until `count` events exist.
/// Every event type appears, with Chinese text; the same count always gives the same events.
///
/// The bulk years are generated directly (not through every validator, which would make
/// generating a million events slower than what it measures), but they keep the state's
/// invariants: complaint steps follow the workflow, approvals and appeal decisions target real
/// records by a different person, corrections target merchant records, a withdrawal targets a
/// shop registered for the purpose.
enum BenchHistory {
    static func events(count: Int, seeds: String) throws -> [Event] {
        var files: [String: String] = [:]
        for name in SeedLoader.fileNames {
            if let data = FileManager.default.contents(atPath: seeds + "/" + name) {
                files[name] = String(decoding: data, as: UTF8.self)
            }
        }
        let roster = try SeedLoader.load(files: files)
        let rosterEvents = roster.events(actor: "system", at: "2026-01-01T00:00:00Z")
        var salt: UInt8 = 0
        let demo = try DemoHistory.events(after: rosterEvents) { pin in
            salt &+= 1
            return try PINHash.make(pin: pin, salt: Array(repeating: salt, count: 16), rounds: 1024)
        }
        // As `init --demo` records it: the roster, the demo year, the rules announced for the years
        // to come (version 2 from 2027: the integrity scheme and the members' points), the demo's
        // members' points.
        let later = roster.laterRuleEvents(actor: "system", at: "2026-11-26T02:00:00Z")
        var out = rosterEvents + demo + later
        out += DemoMemberPoints.events(after: out)
        if out.count >= count { return Array(out.prefix(count)) }
        var bulk = Bulk(state: MarketState(events: out), roster: roster, first: out.count)
        bulk.generate(until: count, into: &out)
        return out
    }

    struct Bulk {
        var state: MarketState
        let roster: Roster
        var rng = SplitMix64(seed: 9)
        var sequence: UInt64
        var shops: [Merchant]
        var users: [User]
        var secretaries: [Int: String] = [:]
        var openComplaints: [(receipt: String, shop: String?, steps: [ComplaintAction], next: Int)] = []
        var closedReceipts: [String] = []
        var pendingContributions: [(sequence: UInt64, by: String)] = []
        /// Members' points entries waiting for their panel's votes: the panel members still to vote.
        var pendingLedger: [(sequence: UInt64, voters: [String])] = []
        /// This year's 考评小组 of each branch (first members by role), and the members it rates.
        var panels: [Int: (panel: [String], rated: [String])] = [:]
        var appeals: [(sequence: UInt64, by: String)] = []
        var merchantRecord: [String: UInt64] = [:]
        var day: Int
        var keyNumber = 0

        init(state: MarketState, roster: Roster, first: Int) {
            self.state = state
            self.roster = roster
            sequence = UInt64(first)
            shops = state.merchantsByShopNumber
            users = state.users.values.sorted { $0.name < $1.name }
            for user in users { if case .secretary(let b) = user.role { secretaries[b] = user.name } }
            day = SimpleDate(year: 2027, month: 1, day: 4)!.dayNumber
        }

        static let complaintTexts = [
            "配的眼镜度数不对，戴着头晕，要求重新验光", "标价与结账价格不一致，多收了八十元", "镜架一周就断了，要求免费维修",
            "说好七天可退，店家不认账", "没有开发票，店家说要加税点", "宣传的进口镜片实为国产，要求退款",
            "验光师态度差，不愿解释检查结果", "隐形眼镜包装破损，疑似过期", "儿童防控镜片效果与宣传不符", "网上下单的太阳镜与样品不同",
        ]
        static let notes = ["现场核实，店主配合整改", "价签已更换，复查合格", "已约谈经营者，限期整改", "消费者对处理结果表示认可",
                            "调取收银记录核对金额", "联系厂家确认镜片批次"]
        static let evidence = ["义务验光服务社区老人", "调解邻户消费纠纷", "带动新商户诚信经营", "参加市场消防演练", "捐赠助学眼镜",
                               "为环卫工人免费配镜", "组织诚信经营经验交流会"]
        static let outcomes = ["退款并道歉", "免费重配镜片", "更换镜架", "部分退款", "赠送清洗护理一年"]

        var date: SimpleDate { SimpleDate(dayNumber: day) }

        mutating func at() -> String {
            let d = date
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                          Int.random(in: 1...9, using: &rng), Int.random(in: 0..<60, using: &rng), Int.random(in: 0..<60, using: &rng))
        }

        @discardableResult
        mutating func emit(_ body: EventBody, by actor: String, into out: inout [Event]) -> UInt64 {
            keyNumber += 1
            let event = Event(actor: actor, at: at(), key: "bench:\(keyNumber)", body: body)
            sequence += 1
            state.apply(event, sequence: sequence)
            out.append(event)
            return sequence
        }

        func secretary(_ shop: Merchant) -> String { secretaries[shop.branch] ?? "zhuren" }

        mutating func generate(until count: Int, into out: inout [Event]) {
            let checklist = state.checklist?.items ?? []
            let perDay = max(1, (count - out.count) / 2600)
            var today = 0
            var year = date.year
            let categories = ComplaintCodes.categories.keys.sorted()
            namePanels(year: year, into: &out)
            while out.count < count {
                today += 1
                if today >= perDay {
                    today = 0
                    day += 1
                    if SimpleDate(dayNumber: day).dayNumber % 7 == 2 { day += 2 } // skip the weekend
                    if date.year != year {
                        yearEnd(year: year, into: &out)
                        year = date.year
                        namePanels(year: year, into: &out)
                    }
                }
                let roll = Int.random(in: 0..<100, using: &rng)
                let shop = shops[Int.random(in: 0..<shops.count, using: &rng)]
                switch roll {
                case 0..<30:
                    // An inspection, now and then with failures.
                    var outcomes = checklist.map { ItemOutcome(item: $0.id, result: .pass) }
                    if Int.random(in: 0..<4, using: &rng) == 0, !outcomes.isEmpty {
                        let i = Int.random(in: 0..<outcomes.count, using: &rng)
                        outcomes[i] = ItemOutcome(item: outcomes[i].item, result: .fail, severity: Bool.random(using: &rng) ? .minor : .serious,
                                                  note: Self.notes[Int.random(in: 0..<Self.notes.count, using: &rng)])
                    }
                    let inspection = Inspection(shop: shop.shopNumber, date: date, inspector: secretary(shop), checklistVersion: 1, outcomes: outcomes)
                    emit(.inspectionRecorded(inspection), by: secretary(shop), into: &out)
                case 30..<38:
                    // A complaint filed at the desk; its steps follow over the next events.
                    let receipt = ReceiptCode.make(using: &rng)
                    guard state.complaints[receipt] == nil else { continue }
                    let n = Int.random(in: 0..<1000, using: &rng)
                    let withShop = n % 9 != 8
                    let filed = ComplaintFiled(
                        receipt: receipt, shop: withShop ? shop.shopNumber : nil, category: categories[n % categories.count],
                        integrity: [Integrity.consumer, .price, .tax, .quality][n % 4], text: Self.complaintTexts[n % Self.complaintTexts.count],
                        amountFen: 1_000 * Int.random(in: 1...300, using: &rng), wants: [["refund"], ["exchange"], ["repair"], ["apology"], ["compensation", "apology"]][n % 5],
                        consumerName: n % 3 == 0 ? nil : "顾客\(n)", consumerPhone: n % 3 == 0 ? nil : String(format: "1390000%04d", n),
                        consentToContact: n % 3 != 0, date: date)
                    emit(.complaintFiled(filed), by: "fuwutai", into: &out)
                    let steps: [ComplaintAction]
                    switch n % 8 {
                    case 0: steps = [.reject(reason: "no-evidence")]
                    case 1: steps = [.accept, .mediate, .resolve(outcome: Self.outcomes[n % Self.outcomes.count], amountFen: filed.amountFen, upheld: true), .followUp(satisfaction: .satisfied), .close]
                    case 2: steps = [.accept, .forward(department: "market-regulator"), .followUp(satisfaction: .partly), .close]
                    case 3: steps = [.accept, .mediate, .terminate(reason: "no-agreement"), .followUp(satisfaction: .dissatisfied), .close]
                    case 4: steps = [.accept, .mediate, .terminate(reason: "consumer-withdrew"), .followUp(satisfaction: .partly), .close]
                    case 5: steps = [.accept, .resolve(outcome: "免费重配镜片", amountFen: 0, upheld: true), .followUp(satisfaction: .satisfied), .close]
                    case 6: steps = [.accept, .forward(department: "tax-office"), .followUp(satisfaction: .satisfied), .close]
                    default: steps = [.accept, .mediate, .resolve(outcome: "部分退款", amountFen: 5_000, upheld: false), .followUp(satisfaction: .partly), .close]
                    }
                    openComplaints.append((receipt, filed.shop, steps, 0))
                case 38..<72:
                    // The next step of an open complaint, by its branch's secretary.
                    guard !openComplaints.isEmpty else { continue }
                    let i = Int.random(in: 0..<openComplaints.count, using: &rng)
                    var entry = openComplaints[i]
                    let handler = entry.shop.flatMap { s in shops.first { $0.shopNumber == s } }.map(secretary) ?? "zhuren"
                    let note = Int.random(in: 0..<3, using: &rng) == 0 ? Self.notes[Int.random(in: 0..<Self.notes.count, using: &rng)] : nil
                    emit(.complaintStep(ComplaintStep(receipt: entry.receipt, action: entry.steps[entry.next], date: date, note: note)), by: handler, into: &out)
                    entry.next += 1
                    if entry.next == entry.steps.count {
                        openComplaints.remove(at: i)
                        if entry.shop != nil { closedReceipts.append(entry.receipt) }
                        if closedReceipts.count > 200 { closedReceipts.removeFirst(100) }
                        if Int.random(in: 0..<6, using: &rng) == 0 {
                            emit(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: entry.receipt, severity: .minor, date: date)), by: "zhuren", into: &out)
                        }
                    } else {
                        openComplaints[i] = entry
                    }
                case 72..<74:
                    // A members' points entry (党员积分): a deduction or a contribution for a member of
                    // the shop's branch, entered by a manager; two of the three panel members approve it.
                    // About 2 % of the records: some 20 entries a member a year, generous for a
                    // ledger of missed meetings, late dues and contributions with evidence.
                    guard let branch = panels[shop.branch], !branch.rated.isEmpty,
                          let items = state.memberPointsRules(year: year)?.value.deductionItems, !items.isEmpty else { continue }
                    let member = branch.rated[Int.random(in: 0..<branch.rated.count, using: &rng)]
                    let body: EventBody = roll % 2 == 0
                        ? .pointsDeducted(MemberDeduction(member: member, item: items[roll % items.count].code, date: date, reason: Self.absences[roll % Self.absences.count]))
                        : .pointsContributed(MemberContribution(member: member, kind: [ContributionKind.development, .service, .harmony][roll % 3],
                                                                points: [2, 4, 5, 8, 10][roll % 5], date: date,
                                                                evidence: Self.evidence[Int.random(in: 0..<Self.evidence.count, using: &rng)]))
                    let seq = emit(body, by: "zhuren", into: &out)
                    pendingLedger.append((seq, Array(branch.panel.prefix(2))))
                case 74..<83:
                    // Contribution points entered by the secretary, approved by a manager below: as many
                    // approvals as entries (with fewer, the pending ones pile up for a decade: 19,000 at
                    // 1M when the members' points took 2 % from these and 4 % from the approvals).
                    let entry = ContributionRecorded(shop: shop.shopNumber, kind: [ContributionKind.development, .service, .harmony][roll % 3],
                                                     points: [10, 20, 25, 30, 40][roll % 5], date: date,
                                                     evidence: Self.evidence[Int.random(in: 0..<Self.evidence.count, using: &rng)])
                    let seq = emit(.contributionRecorded(entry), by: secretary(shop), into: &out)
                    pendingContributions.append((seq, secretary(shop)))
                case 83..<87 where !pendingLedger.isEmpty:
                    // A panel member's vote on a waiting members' points entry, recorded by the manager.
                    let voter = pendingLedger[0].voters.removeFirst()
                    emit(.pointsApproved(PointsApproved(target: pendingLedger[0].sequence, member: voter)), by: "fuzhuren", into: &out)
                    if pendingLedger[0].voters.isEmpty { pendingLedger.removeFirst() }
                case 83..<96:
                    // A contribution approved (9 %: the votes' slots too when no vote waits).
                    guard !pendingContributions.isEmpty else { continue }
                    let pending = pendingContributions.removeFirst()
                    emit(.contributionApproved(ContributionApproved(target: pending.sequence)), by: Bool.random(using: &rng) ? "zhuren" : "fuzhuren", into: &out)
                case 96:
                    guard closedReceipts.count >= 2 else { continue }
                    let a = closedReceipts.removeLast(), b = closedReceipts.removeLast()
                    emit(.complaintLinked(ComplaintLinked(receipt: a, duplicateOf: b)), by: "zhuren", into: &out)
                case 97:
                    if Int.random(in: 0..<20, using: &rng) == 0 {
                        emit(.vetoConfirmed(VetoConfirmed(shop: shop.shopNumber, kind: "counterfeit", date: date, reason: "查实销售假冒品牌镜架")), by: "zhuren", into: &out)
                    }
                case 98:
                    // A correction of a shop's record (business scope), or a shop registered and withdrawn.
                    if Bool.random(using: &rng) {
                        guard let target = merchantRecord[shop.shopNumber] ?? firstRecord(of: shop.shopNumber, in: out), state.amendments[target] == nil,
                              var fixed = state.merchant(shopNumber: shop.shopNumber) else { continue }
                        fixed.business = ["验光配镜", "验光配镜、太阳镜", "隐形眼镜、护理液", "镜架批发、验光配镜"][Int.random(in: 0..<4, using: &rng)]
                        let seq = emit(.merchantCorrected(MerchantCorrection(target: target, reason: "主营范围登记有误", merchant: fixed)), by: "zhuren", into: &out)
                        merchantRecord[shop.shopNumber] = seq
                    } else {
                        var temporary = shop
                        temporary.shopNumber = "Z\(keyNumber)"
                        temporary.name = "临时登记\(keyNumber)号铺"
                        let seq = emit(.merchantRegistered(temporary), by: "zhuren", into: &out)
                        emit(.withdrawn(Withdrawal(target: seq, reason: "误登记，撤回")), by: "fuzhuren", into: &out)
                    }
                default:
                    // Set-up that comes back now and then: a user, a branch's secretary, the committee.
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0:
                        guard let template = users.first(where: { $0.name == "fuzhuren" }) else { continue }
                        let user = User(name: "bench\(keyNumber)", displayName: "值班员\(keyNumber)", role: .kiosk, pin: template.pin)
                        emit(.userRegistered(user), by: "zhuren", into: &out)
                    case 1:
                        if let branch = state.branches.randomElement(using: &rng) { emit(.branchRegistered(branch), by: "zhuren", into: &out) }
                    default:
                        if let committee = state.committee { emit(.committeeRegistered(committee), by: "zhuren", into: &out) }
                    }
                }
            }
            if out.count > count { out.removeLast(out.count - count) }
        }

        static let absences = ["十月支部党员大会无故缺席", "主题党日未请假缺席", "第三季度党费逾期缴纳", "专题学习未按时完成"]

        /// Each branch's 考评小组 for the year: its first three current members, secretary and
        /// committee first; the others are the members its entries are about.
        mutating func namePanels(year: Int, into out: inout [Event]) {
            guard let minimum = state.memberPointsRules(year: year)?.value.panelMinimum else { return }
            let rank: [MemberRole: Int] = [.secretary: 0, .committee: 1, .member: 2]
            pendingLedger = []
            for branch in state.branches {
                let members = state.membersInOrder.filter { $0.branch == branch.number && $0.left == nil }
                    .sorted { (rank[$0.role] ?? 3, $0.id) < (rank[$1.role] ?? 3, $1.id) }
                guard members.count > minimum else { continue }
                let panel = members.prefix(minimum).map(\.id)
                emit(.panelNamed(PanelNamed(branch: branch.number, year: year, members: panel)), by: "zhuren", into: &out)
                panels[branch.number] = (panel, members.dropFirst(minimum).map(\.id))
            }
        }

        func firstRecord(of shop: String, in events: [Event]) -> UInt64? {
            for (i, event) in events.enumerated() {
                if case .merchantRegistered(let m) = event.body, m.shopNumber == shop { return UInt64(i + 1) }
            }
            return nil
        }

        /// The end of a year: ratings published, appeals and their decisions, replies, next year's
        /// rules, checklist, code of conduct and calendar.
        mutating func yearEnd(year: Int, into out: inout [Event]) {
            emit(.ratingsPublished(RatingsPublished(year: year, date: date)), by: "zhuren", into: &out)
            for shop in shops.prefix(3) {
                let appeal = AppealFiled(shop: shop.shopNumber, year: year, reason: "认为检查时标价签已更新，申请复核", date: date)
                let seq = emit(.appealFiled(appeal), by: secretary(shop), into: &out)
                emit(.appealDecided(AppealDecided(target: seq, outcome: .upheld, reason: "检查记录与照片一致，维持原评定", date: date)), by: "fuzhuren", into: &out)
                emit(.replyPublished(ReplyPublished(shop: shop.shopNumber, year: year, text: "感谢监督，问题已全部整改，欢迎顾客回访。")), by: "zhuren", into: &out)
            }
            if var rules = state.rules {
                rules.version += 1
                rules.effectiveFrom = String(format: "%04d-01-01", year + 1)
                emit(.rulesPublished(rules), by: "zhuren", into: &out)
            }
            if let checklist = state.checklist {
                emit(.checklistPublished(checklist), by: "zhuren", into: &out)
            }
            if let conduct = state.conduct?.value {
                emit(.conductPublished(conduct), by: "zhuren", into: &out)
            }
            emit(.calendarPublished(state.calendar), by: "zhuren", into: &out)
        }
    }
}
