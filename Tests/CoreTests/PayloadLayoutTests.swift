import Foundation
import Testing
@testable import Codec
@testable import Core

/// Each event's payload layout is described once: by its type's `Codable` conformance, which
/// `JSONEncoder` and `JSONDecoder` follow (docs/log-format.md). Everything else that reads or
/// writes payloads is checked against that description here, by one test for every kind of event:
/// the hand-written writers (`EventJSONWriter` for the bulk types, `FastJSONWriter` for all), the
/// fast reader (`FastJSON`, behind `EventCodec.decode`), the replay's reader of canonical bytes
/// (`CanonicalPayloadReader`, which must take every bulk payload in place and fold it into the
/// state `apply` gives), and the snapshot, which must give back the state each event left.
@Suite("Payload layouts: every writer and reader against the Codable description")
struct PayloadLayoutTests {
    /// The kinds of event. `kind(of:)` switches over `EventBody` without a default, so a new case
    /// does not compile until it has a kind here, and the test fails until it has samples.
    enum Kind: CaseIterable {
        case committeeRegistered, branchRegistered, merchantRegistered, rulesPublished, checklistPublished, calendarPublished
        case calendarYearAdded, userRegistered, inspectionRecorded, vetoConfirmed, vetoSeconded, withdrawalSeconded
        case contributionRecorded, contributionApproved, complaintFiled, complaintStep, complaintDeductionConfirmed, complaintLinked
        case ratingsPublished, appealFiled, appealDecided, replyPublished, conductPublished, pledgeMade, pledgeWithdrawn, merchantCorrected, memberRegistered, memberCorrected, withdrawn
        case panelNamed, pointsDeducted, pointsContributed, pointsAppraised, pointsApproved
        case recordCorrected, logTailCut, authFailed, dataDisclosed, trainingMarked, unknown
    }

    static func kind(of body: EventBody) -> Kind {
        switch body {
        case .committeeRegistered: return .committeeRegistered
        case .branchRegistered: return .branchRegistered
        case .merchantRegistered: return .merchantRegistered
        case .rulesPublished: return .rulesPublished
        case .checklistPublished: return .checklistPublished
        case .calendarPublished: return .calendarPublished
        case .calendarYearAdded: return .calendarYearAdded
        case .userRegistered: return .userRegistered
        case .inspectionRecorded: return .inspectionRecorded
        case .vetoConfirmed: return .vetoConfirmed
        case .vetoSeconded: return .vetoSeconded
        case .withdrawalSeconded: return .withdrawalSeconded
        case .contributionRecorded: return .contributionRecorded
        case .contributionApproved: return .contributionApproved
        case .complaintFiled: return .complaintFiled
        case .complaintStep: return .complaintStep
        case .complaintDeductionConfirmed: return .complaintDeductionConfirmed
        case .complaintLinked: return .complaintLinked
        case .ratingsPublished: return .ratingsPublished
        case .appealFiled: return .appealFiled
        case .appealDecided: return .appealDecided
        case .replyPublished: return .replyPublished
        case .conductPublished: return .conductPublished
        case .pledgeMade: return .pledgeMade
        case .pledgeWithdrawn: return .pledgeWithdrawn
        case .merchantCorrected: return .merchantCorrected
        case .memberRegistered: return .memberRegistered
        case .memberCorrected: return .memberCorrected
        case .panelNamed: return .panelNamed
        case .pointsDeducted: return .pointsDeducted
        case .pointsContributed: return .pointsContributed
        case .pointsAppraised: return .pointsAppraised
        case .pointsApproved: return .pointsApproved
        case .withdrawn: return .withdrawn
        case .recordCorrected: return .recordCorrected
        case .logTailCut: return .logTailCut
        case .authFailed: return .authFailed
        case .dataDisclosed: return .dataDisclosed
        case .trainingMarked: return .trainingMarked
        case .unknown: return .unknown
        }
    }

    /// The kinds the replay reads in place (docs/log-format.md, "Replaying every record").
    static let readInPlace: Set<Kind> = [.inspectionRecorded, .complaintFiled, .complaintStep, .contributionRecorded, .contributionApproved]

    /// A small market's history in which every kind of event occurs, with each optional member
    /// present and absent and each variant of the bodies that have them, in an order that lets
    /// the fold act on them (steps follow the workflow, seconds follow what they second).
    static func samples() throws -> [Event] {
        var roster = try SeedLoader.load(files: try shippedSeedFiles())
        roster.merchants = Array(roster.merchants.prefix(3))
        roster.members = roster.members.filter { $0.shops.allSatisfy { shop in roster.merchants.contains { $0.shopNumber == shop } } }
        var events = roster.events(actor: "system", at: "2026-01-01T00:00:00Z")
        let shop = roster.merchants[0].shopNumber, other = roster.merchants[1].shopNumber
        let items = roster.checklist.map(\.id)
        @discardableResult
        func add(_ actor: String, _ body: EventBody, key: String? = nil, keyed: Bool = true) -> UInt64 {
            events.append(Event(actor: actor, at: "2026-03-\(10 + events.count % 15)T02:00:00Z", key: keyed ? key ?? "layout:\(events.count)" : nil, body: body))
            return UInt64(events.count)
        }
        let d = SimpleDate(dayNumber: 20_527)  // 2026-03-15
        let pin = try PINHash.make(pin: "123456", salt: Array(repeating: 3, count: 16), rounds: 1024)
        add("system", .userRegistered(User(name: "li", displayName: "李主任", role: .manager, pin: pin)))
        add("system", .userRegistered(User(name: "zhou", displayName: "周副主任", role: .manager, pin: pin, person: "周敏")))
        add("li", .userRegistered(User(name: "gu", displayName: "顾书记", role: .secretary(branch: 1), pin: pin)))
        let kioskUser = add("li", .userRegistered(User(name: "desk1", displayName: "服务台", role: .kiosk, pin: pin)))
        add("system", .trainingMarked(TrainingMarked(purpose: "training")), key: "init:training")

        // Inspections: all plain passes (twice: read whole the second time), and every kind of outcome.
        let passes = items.map { ItemOutcome(item: $0, result: .pass) }
        add("gu", .inspectionRecorded(Inspection(shop: shop, date: d, inspector: "gu", checklistVersion: 1, outcomes: passes)))
        add("gu", .inspectionRecorded(Inspection(shop: other, date: d, inspector: "gu", checklistVersion: 1, outcomes: passes)))
        let failed = add("li", .inspectionRecorded(Inspection(shop: shop, date: d, inspector: "li", checklistVersion: 1, outcomes: [
            ItemOutcome(item: items[0], result: .fail, severity: .serious, note: "价签缺失"), ItemOutcome(item: items[1], result: .fail, severity: .minor),
            ItemOutcome(item: items[2], result: .notApplicable), ItemOutcome(item: items[3], result: .pass, note: "已整改\n附照片"),
            ItemOutcome(item: items[4], result: .pass, severity: .minor, note: ""),
        ])))
        add("li", .inspectionRecorded(Inspection(shop: other, date: d, inspector: "li", checklistVersion: 2, outcomes: [])))

        // Vetoes, with and without the record that found them, and the second manager's confirmation.
        let veto = add("li", .vetoConfirmed(VetoConfirmed(shop: shop, kind: "counterfeit", date: d, reason: "查实售假", evidence: failed)))
        add("li", .vetoConfirmed(VetoConfirmed(shop: other, kind: "fraud", date: d, reason: "早年的否决")))
        add("zhou", .vetoSeconded(VetoSeconded(target: veto)))

        // Points of every kind, approved by another person (and once, in vain, by the one who entered them).
        let service = add("gu", .contributionRecorded(ContributionRecorded(shop: shop, kind: .service, points: 20, date: d, evidence: "义务验光")))
        add("gu", .contributionRecorded(ContributionRecorded(shop: other, kind: .development, points: -5, date: d, evidence: "扣回")))
        let harmony = add("gu", .contributionRecorded(ContributionRecorded(shop: shop, kind: .harmony, points: 15, date: d, evidence: "调解\"邻里\"纠纷")))
        add("gu", .contributionApproved(ContributionApproved(target: service)))
        add("li", .contributionApproved(ContributionApproved(target: service)))
        add("li", .contributionApproved(ContributionApproved(target: harmony)), keyed: false)

        // Complaints: every optional member present and absent, every step the workflow has.
        func file(_ receipt: String, shop: String?, amount: Int?, name: String?, phone: String?, wants: [String], text: String = "镜片脱膜") {
            add("desk1", .complaintFiled(ComplaintFiled(receipt: receipt, shop: shop, category: "quality", integrity: .quality, text: text, amountFen: amount,
                                                        wants: wants, consumerName: name, consumerPhone: phone, consentToContact: name != nil, date: d)))
        }
        @discardableResult
        func step(_ receipt: String, _ action: ComplaintAction, by actor: String = "gu", note: String? = nil) -> UInt64 {
            add(actor, .complaintStep(ComplaintStep(receipt: receipt, action: action, date: d, note: note)))
        }
        file("LAYO-0001", shop: shop, amount: 12_800, name: "王女士", phone: "13900000000", wants: ["refund", "apology"])
        file("LAYO-0002", shop: nil, amount: nil, name: nil, phone: nil, wants: [], text: "")
        file("LAYO-0003", shop: other, amount: 0, name: "", phone: "", wants: ["exchange"], text: "第一行\n第二行\t😀")
        file("LAYO-0004", shop: shop, amount: -1, name: nil, phone: "13800000000", wants: ["refund"])
        file("LAYO-0005", shop: other, amount: nil, name: "赵", phone: nil, wants: [])
        step("LAYO-0001", .accept)
        step("LAYO-0001", .mediate, note: "现场调解")
        step("LAYO-0001", .resolve(outcome: "退款一半", amountFen: 6400, upheld: true), note: "双方同意")
        step("LAYO-0001", .followUp(satisfaction: .satisfied), by: "li")
        step("LAYO-0001", .close, by: "li")
        step("LAYO-0002", .reject(reason: "no-evidence"))
        step("LAYO-0003", .accept)
        step("LAYO-0003", .forward(department: "market-regulator"))
        step("LAYO-0003", .followUp(satisfaction: .dissatisfied), by: "li")
        step("LAYO-0004", .accept)
        step("LAYO-0004", .mediate)
        step("LAYO-0004", .terminate(reason: "consumer-withdrew"))
        step("LAYO-0005", .accept)
        let untrue = step("LAYO-0005", .resolve(outcome: "不属实", amountFen: nil, upheld: false))
        add("li", .complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "LAYO-0001", severity: .serious, date: d)))
        let deduction = add("li", .complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "LAYO-0004", severity: .minor, date: d)))
        let link = add("li", .complaintLinked(ComplaintLinked(receipt: "LAYO-0005", duplicateOf: "LAYO-0001")))

        // Amendments: withdrawals of each kind, seconded where that is needed; corrections of each kind.
        var corrected = roster.merchants[2]
        corrected.owner += "（更正）"
        // The plate too: the snapshot keeps the change (比发展's 示范岗 earned).
        corrected.plate = corrected.plate == .demonstrationPost ? .memberBusiness : .demonstrationPost
        let registration = events.firstIndex { $0.body == .merchantRegistered(roster.merchants[2]) }.map { UInt64($0 + 1) } ?? 0
        add("li", .merchantCorrected(MerchantCorrection(target: registration, reason: "经营者姓名录入有误", merchant: corrected)))
        let member = Member(id: "D1-90", name: "测试党员", branch: 1, joined: SimpleDate(dayNumber: 12_000), role: .member,
                            shops: [shop, other], user: "li")
        let memberRecord = add("system", .memberRegistered(member))
        add("system", .memberRegistered(Member(id: "D2-91", name: "无店党员", branch: 2, joined: SimpleDate(dayNumber: 13_000), role: .committee)))
        var leaving = member
        leaving.left = d
        add("li", .memberCorrected(MemberCorrection(target: memberRecord, reason: "组织关系转出", member: leaving)))

        // The members' points ledger: a panel (named twice), an entry of each kind, approvals, a withdrawal seconded.
        for (n, id) in ["D1-92", "D1-93", "D1-94"].enumerated() {
            add("system", .memberRegistered(Member(id: id, name: "小组成员\(n)", branch: 1, joined: SimpleDate(dayNumber: 12_500), role: n == 0 ? .secretary : .member,
                                                   shops: n == 1 ? [other] : [], user: n == 0 ? "gu" : nil)))
        }
        add("li", .panelNamed(PanelNamed(branch: 1, year: 2026, members: ["D1-92", "D1-93", "D1-94"])))
        add("li", .panelNamed(PanelNamed(branch: 1, year: 2026, members: ["D1-92", "D1-93", "D1-94", "D1-90"])))
        let deducted = add("gu", .pointsDeducted(MemberDeduction(member: "D1-93", item: "meeting-absent", date: d, reason: "三月支部大会缺席", occurrences: 2)))
        let contributed = add("li", .pointsContributed(MemberContribution(member: "D1-94", kind: .service, points: 8, date: d, evidence: "义务验光\n两次")))
        add("li", .pointsAppraised(MemberAppraisal(member: "D1-94", date: d, points: 15, evidence: "评议表")))
        add("gu", .pointsApproved(PointsApproved(target: contributed, member: "D1-92")))
        add("li", .pointsApproved(PointsApproved(target: contributed, member: "D1-93")))
        add("li", .pointsApproved(PointsApproved(target: deducted, member: "D1-94")))
        let ledgerWithdrawal = add("li", .withdrawn(Withdrawal(target: deducted, reason: "请过假")))
        add("zhou", .withdrawalSeconded(WithdrawalSeconded(target: ledgerWithdrawal)))
        let withdrawal = add("li", .withdrawn(Withdrawal(target: failed, reason: "记录有误")))
        add("zhou", .withdrawalSeconded(WithdrawalSeconded(target: withdrawal)))
        add("li", .withdrawn(Withdrawal(target: untrue, reason: "误登记")))
        add("li", .withdrawn(Withdrawal(target: link, reason: "不是同一件事")))
        add("li", .withdrawn(Withdrawal(target: kioskUser, reason: "设备停用")))
        let outcomes = [ItemOutcome(item: items[0], result: .fail, severity: .minor, note: "价签缺失")]
        let corrections: [CorrectedRecord] = [
            .inspection(Inspection(shop: shop, date: d, inspector: "li", checklistVersion: 1, outcomes: outcomes)),
            .contribution(ContributionRecorded(shop: shop, kind: .harmony, points: 5, date: d, evidence: "分值录错")),
            .veto(VetoConfirmed(shop: shop, kind: "counterfeit", date: d, reason: "更正理由", evidence: failed)),
            .deduction(ComplaintDeductionConfirmed(receipt: "LAYO-0004", severity: .serious, date: d)),
        ]
        for (record, target) in zip(corrections, [failed, harmony, veto, deduction]) {
            let correction = add("li", .recordCorrected(RecordCorrection(target: target, reason: "录错", record: record)))
            if target == harmony { add("zhou", .withdrawalSeconded(WithdrawalSeconded(target: correction))) }
        }

        // The year's notice, appeals and their decisions, a reply.
        add("li", .ratingsPublished(RatingsPublished(year: 2026, date: d)))
        let appeal = add("gu", .appealFiled(AppealFiled(shop: shop, year: 2026, reason: "证据不足", date: d)))
        add("li", .appealFiled(AppealFiled(shop: other, year: 2026, reason: "补交", date: d, lateReason: "纸面申请按时收到")))
        add("zhou", .appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "否决证据不足", date: d, withdrawsVeto: veto)))
        add("zhou", .appealDecided(AppealDecided(target: appeal + 1, outcome: .revised, reason: "r", date: d, applies: [withdrawal])))
        add("zhou", .appealDecided(AppealDecided(target: appeal, outcome: .upheld, reason: "维持", date: d)))
        add("gu", .replyPublished(ReplyPublished(shop: shop, year: 2026, text: "感谢监督，已整改。")))
        add("gu", .pledgeMade(PledgeMade(shop: shop, date: d, integrity: .price, text: "明码标价，一货一签")))
        add("gu", .pledgeWithdrawn(PledgeWithdrawn(shop: shop, date: d, text: "明码标价，一货一签", reason: "合并到新承诺")))

        // The calendar's next year, first and as a replacement; the log's and privacy's own records.
        let days = [WorkingCalendar.Entry(date: SimpleDate(dayNumber: 21_458), kind: .holiday, name: "国庆节"),
                    WorkingCalendar.Entry(date: SimpleDate(dayNumber: 21_465), kind: .adjustedWorkday, name: "国庆节调休上班")]
        add("li", .calendarYearAdded(CalendarYearAdded(year: 2028, source: "测试用虚构安排", days: days)))
        add("li", .calendarYearAdded(CalendarYearAdded(year: 2028, source: "测试用虚构安排（更正）", days: Array(days.prefix(1)), reason: "更正")))
        add("system", .logTailCut(LogTailCut(file: "cut/4096-20260315T020000Z.bin", length: 37, offset: 4096, sha256: String(repeating: "ab", count: 32))))
        add(AuthFailed.actor, .authFailed(AuthFailed(user: "li", via: .cli, command: "inspection record")))
        add(AuthFailed.actor, .authFailed(AuthFailed(user: String(repeating: "x", count: AuthFailed.maxNameLength), via: .kiosk)))
        add("li", .dataDisclosed(DataDisclosed(via: .cli, command: "log --jsonl", fields: ["consumerName", "consumerPhone", "pinHash"], from: 1,
                                              through: 120, count: 4, destination: "terminal")))
        add("li", .dataDisclosed(DataDisclosed(via: .dashboard, command: "export complaints", fields: ["consumerName"], from: nil, through: 121,
                                              count: 9, destination: "/home/li/x.csv")))
        add("li", .unknown(type: "future.thing"))
        return events
    }

    /// The payload's bytes as the `Codable` description gives them, after checking that every
    /// writer writes exactly those bytes and every reader reads them back as the event.
    func checkedPayload(_ event: Event) throws -> [UInt8] {
        let reference = try EventCodec.encodeWithFoundation(event)
        let text = String(decoding: reference, as: UTF8.self)
        #expect(try EventCodec.encodeBytes(event) == reference, "\(text)")
        #expect(try EventCodec.encodeWithFastWriter(event) == reference, "FastJSONWriter: \(text)")
        let direct = EventJSONWriter.encode(event)
        #expect((direct != nil) == Self.readInPlace.contains(Self.kind(of: event.body)), "the hand writer takes the bulk types: \(text)")
        if let direct { #expect(direct == reference, "EventJSONWriter: \(text)") }
        #expect(try EventCodec.decode(reference) == event, "FastJSON: \(text)")
        #expect(try EventCodec.decodeWithFoundation(Data(reference)) == event, "JSONDecoder: \(text)")
        #expect(EventCodec.unreadable(reference) == nil, "\(text)")
        return reference
    }

    @Test func everyKindIsWrittenReadReplayedAndSnapshottedAlike() throws {
        let events = try Self.samples()
        #expect(Set(events.map { Self.kind(of: $0.body) }) == Set(Kind.allCases), "every kind has samples")
        var payloads: [[UInt8]] = []
        var bytes: [UInt8] = []
        var places: [PayloadPlace] = []
        for (i, event) in events.enumerated() {
            let payload = try checkedPayload(event)
            payloads.append(payload)
            // The replay's reader takes a bulk payload in place unless a string holds an escape
            // (which the general decoder reads), and leaves every other kind to the general decoder.
            var scratch = ReadScratch()
            let inPlace = payload.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { CanonicalPayloadReader.read($0, count: buffer.count, &scratch) }
            }
            let bulk = Self.readInPlace.contains(Self.kind(of: event.body))
            #expect((inPlace != nil) == (bulk && !payload.contains(UInt8(ascii: "\\"))), "\(String(decoding: payload, as: UTF8.self))")

            // The state after this event: folded from the values, replayed from the bytes, and
            // read back from its snapshot.
            bytes += Array(repeating: 0xA5, count: 48)
            places.append(PayloadPlace(offset: bytes.count, length: payload.count, sequence: UInt64(i + 1)))
            bytes += payload
            let applied = MarketState(events: Array(events[...i]))
            var replayed = MarketState()
            let undecodable = bytes.withUnsafeBytes { replayed.replay($0, places[...]) }
            #expect(undecodable.isEmpty)
            #expect(replayed == applied, "replayed through \(event.type) (record \(i + 1))")
            #expect(MarketSnapshot.decode(try MarketSnapshot.encode(applied)) == applied, "snapshot after \(event.type) (record \(i + 1))")
        }
        // The fold saw the samples as meant: the steps followed the workflow, the amendments took effect.
        let state = MarketState(events: events)
        #expect(state.complaints["LAYO-0001"]?.state == .closed && state.complaints["LAYO-0004"]?.state == .terminated)
        #expect(state.complaints["LAYO-0005"]?.duplicateOf == nil && state.amendments.count >= 4)
    }

    /// The same agreement over the demo year: thousands of records of every type the demo writes.
    @Test func theDemoYearIsWrittenAndReadAlike() throws {
        for event in try FastJSONTests().demoEvents() { _ = try checkedPayload(event) }
    }
}
