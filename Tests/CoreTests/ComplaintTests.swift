import Codec
import Foundation
import Testing
@testable import Core

func filing(_ receipt: String, shop: String? = "A101", day: String = "2026-03-02") -> ComplaintFiled {
    ComplaintFiled(receipt: receipt, shop: shop, category: "quality", integrity: .quality, text: "镜片有划痕，要求换货",
                   amountFen: 68_000, wants: ["exchange"], consumerName: "张三丰", consumerPhone: "13812341234",
                   consentToContact: true, date: date(day))
}

@Suite("Complaints")
struct ComplaintTests {
    let allActions: [ComplaintAction] = [
        .accept, .reject(reason: "no-evidence"), .mediate, .resolve(outcome: "换新镜片", amountFen: 0, upheld: true), .resolve(outcome: "不属实", amountFen: nil, upheld: false),
        .forward(department: "market-regulator"), .terminate(reason: "no-agreement"),
        .followUp(satisfaction: .satisfied), .close,
    ]

    @Test func noSequenceOfCommandsReachesAnIllegalStateOrLosesHistory() throws {
        var rng = SplitMix64(seed: 42)
        let base = try Scenario()
        for run in 0..<200 {
            var s = base
            s.add(.complaintFiled(filing("R\(run)")), by: "desk1")
            var expected: ComplaintState = .filed
            var accepted = 0
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let action = allActions.randomElement(using: &rng)!
                let step = ComplaintStep(receipt: "R\(run)", action: action, date: date("2026-03-05"))
                let before = s.state
                let allowed = (try? before.validate(step, by: s.manager, today: step.date)) != nil
                #expect(allowed == (action.next(from: expected) != nil), "run \(run): \(action) from \(expected)")
                if allowed {
                    s.add(.complaintStep(step), by: "li")
                    expected = action.next(from: expected)!
                    accepted += 1
                } else {
                    // Even if a forbidden step reached the log, it would change nothing.
                    s.add(.complaintStep(step), by: "li")
                }
                let now = try #require(s.state.complaints["R\(run)"])
                #expect(now.state == expected)
                #expect(now.history.count == 1 + accepted, "every accepted step is kept")
                #expect(now.history.map(\.state).last == expected)
            }
        }
    }

    @Test func theHappyPathAndItsDeadlines() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("K7QX-9M2A")), by: "desk1")
        let rules = try #require(s.state.rules)
        var complaint = try #require(s.state.complaints["K7QX-9M2A"])
        #expect(complaint.deadline(rules: rules, calendar: s.state.calendar) == date("2026-03-11"))
        #expect(!complaint.isOverdue(today: date("2026-03-11"), rules: rules, calendar: s.state.calendar))
        #expect(complaint.isOverdue(today: date("2026-03-12"), rules: rules, calendar: s.state.calendar))
        s.add(.complaintStep(ComplaintStep(receipt: "K7QX-9M2A", action: .accept, date: date("2026-03-03"))), by: "gu")
        complaint = try #require(s.state.complaints["K7QX-9M2A"])
        #expect(complaint.handler == "gu")
        #expect(complaint.deadline(rules: rules, calendar: s.state.calendar) == s.state.calendar.addingWorkingDays(45, to: date("2026-03-03")))
        for action in [ComplaintAction.mediate, .resolve(outcome: "换新镜片", amountFen: 68_000, upheld: true), .followUp(satisfaction: .satisfied), .close] {
            s.add(.complaintStep(ComplaintStep(receipt: "K7QX-9M2A", action: action, date: date("2026-03-04"))), by: "gu")
        }
        complaint = try #require(s.state.complaints["K7QX-9M2A"])
        #expect(complaint.state == .closed)
        #expect(complaint.history.map(\.state) == [.filed, .accepted, .mediating, .resolved, .followedUp, .closed])
        #expect(complaint.deadline(rules: rules, calendar: s.state.calendar) == nil)
    }

    @Test func anUpheldComplaintDeductsOnlyOnceConfirmed() throws {
        var s = try Scenario()
        s.contribute("A101", 40)
        s.inspect("A101", "2026-03-02")
        s.add(.complaintFiled(filing("R1")), by: "desk1")
        for action in [ComplaintAction.accept, .resolve(outcome: "退款", amountFen: 68_000, upheld: true)] {
            s.add(.complaintStep(ComplaintStep(receipt: "R1", action: action, date: date("2026-03-04"))), by: "gu")
        }
        #expect(s.rate("A101").status == .rated(stars: 5, score: 100, vetoed: false), "proposed, not yet confirmed")
        let confirmation = ComplaintDeductionConfirmed(receipt: "R1", severity: .serious, date: date("2026-03-05"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(confirmation, by: s.secretary2, today: confirmation.date) }
        try s.state.validate(confirmation, by: s.manager, today: confirmation.date)
        let seq = s.add(.complaintDeductionConfirmed(confirmation), by: "li")
        let result = s.rate("A101")
        #expect(result.status == .rated(stars: 5, score: 95, vetoed: false))
        #expect(result.deductionsByIntegrity == [.quality: 5])
        #expect(result.lines.contains { $0.sequence == seq && $0.points == -5 && $0.zh.contains("投诉属实（严重，质量诚信）：受理编号 R1") })
        #expect(throws: LocalizedMessage.self) { try s.state.validate(confirmation, by: s.manager, today: confirmation.date) }
    }

    @Test func aComplaintFoundUntrueCostsTheShopNothing() throws {
        var s = try Scenario()
        s.contribute("A101", 40)
        s.inspect("A101", "2026-03-02")
        let filedSequence = s.add(.complaintFiled(filing("R1")), by: "desk1")
        s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .accept, date: date("2026-03-04"))), by: "gu")
        let resolution = s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .resolve(outcome: "经核实划痕系顾客自行造成", amountFen: nil, upheld: false),
                                                           date: date("2026-03-04"))), by: "gu")
        let complaint = try #require(s.state.complaints["R1"])
        #expect(complaint.state == .resolved && complaint.resolution?.sequence == resolution && !complaint.isUpheld)
        #expect(!s.state.complaints.isUpheld("R1"))
        // No deduction can be confirmed, by anyone, with the reason and the resolution's record named.
        let confirmation = ComplaintDeductionConfirmed(receipt: "R1", severity: .minor, date: date("2026-03-05"))
        #expect(throws: LocalizedMessage(zh: "投诉 R1 调解解决时认定不属实（记录 #\(resolution)），不能确认扣分",
                                         en: "complaint R1 was resolved as not upheld (record #\(resolution)); no deduction can be confirmed")) {
            try s.state.validate(.complaintDeductionConfirmed(confirmation), by: s.manager, today: confirmation.date)
        }
        // Nor can it be a veto's evidence.
        let veto = VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-03-05"), reason: "查实销售假冒镜架", evidence: filedSequence)
        #expect(throws: LocalizedMessage.self) { try s.state.validate(.vetoConfirmed(veto), by: s.manager, today: veto.date) }
        do { try s.state.validate(.vetoConfirmed(veto), by: s.manager, today: veto.date) } catch { #expect(error.zh.contains("认定不属实")) }
        // A confirmation that reached the log anyway (another program, an older version) counts nothing.
        s.add(.complaintDeductionConfirmed(confirmation), by: "li")
        #expect(s.state.complaintDeductions["R1"] == nil)
        #expect(s.rate("A101").status == .rated(stars: 5, score: 100, vetoed: false))
        // Followed up and closed, it stays not upheld.
        for action in [ComplaintAction.followUp(satisfaction: .partly), .close] {
            s.add(.complaintStep(ComplaintStep(receipt: "R1", action: action, date: date("2026-03-06"))), by: "gu")
        }
        #expect(try #require(s.state.complaints["R1"]).isUpheld == false)
    }

    @Test func aResolutionRecordedBeforeTheFindingExistedReadsAsUpheld() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("R1")), by: "desk1")
        s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .accept, date: date("2026-03-04"))), by: "gu")
        // As earlier versions wrote it: no "upheld" (a resolution then meant the complaint was upheld).
        let old = #"{"actor":"gu","at":"2026-03-04T08:00:00Z","data":{"action":{"resolve":{"amountFen":300,"outcome":"部分退款"}},"date":"2026-03-04","receipt":"R1"},"key":"old-1","type":"complaint.step","v":1}"#
        let expected = EventBody.complaintStep(ComplaintStep(receipt: "R1", action: .resolve(outcome: "部分退款", amountFen: 300, upheld: true), date: date("2026-03-04")))
        #expect(try EventCodec.decode(Array(old.utf8)).body == expected)
        #expect(try EventCodec.decodeWithFoundation(Data(old.utf8)).body == expected)
        #expect(EventCodec.unreadable(Array(old.utf8)) == nil)
        s.add(try EventCodec.decode(Array(old.utf8)).body, by: "gu")
        #expect(try #require(s.state.complaints["R1"]).isUpheld)
        // So its deduction can be confirmed, as before.
        try s.state.validate(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "R1", severity: .minor, date: date("2026-03-05"))),
                             by: s.manager, today: date("2026-03-05"))
        // New records always carry the finding, either way.
        for upheld in [true, false] {
            let event = Event(actor: "gu", at: "2026-03-04T08:00:00Z", key: nil, body: .complaintStep(ComplaintStep(
                receipt: "R1", action: .resolve(outcome: "部分退款", amountFen: nil, upheld: upheld), date: date("2026-03-04"))))
            #expect(String(decoding: try EventCodec.encodeBytes(event), as: UTF8.self).contains(#""outcome":"部分退款","upheld":\#(upheld)}"#))
        }
    }

    @Test func badComplaintsGetSpecificMessages() throws {
        let state = try Scenario().state
        func problem(_ change: (inout ComplaintFiled) -> Void) -> String? {
            var complaint = filing("R9")
            change(&complaint)
            do {
                try state.validate(complaint, today: date("2026-03-10"))
                return nil
            } catch { return error.zh }
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.shop = nil } == nil, "the shop may be unknown")
        #expect(problem { $0.shop = "Z999" }?.contains("没有店铺号为 Z999") == true)
        #expect(problem { $0.text = " \n " }?.contains("投诉内容不能为空") == true)
        #expect(problem { $0.amountFen = -1 }?.contains("0 到 100 万元") == true)
        #expect(problem { $0.amountFen = 200_000_000 }?.contains("0 到 100 万元") == true)
        #expect(problem { $0.consumerPhone = "12345" }?.contains("格式不对") == true)
        #expect(problem { $0.consentToContact = false }?.contains("同意") == true)
        #expect(problem { $0.category = "weird" }?.contains("投诉类别") == true)
        #expect(problem { $0.date = date("2026-03-11") }?.contains("晚于今天") == true)
        #expect(problem { $0.text = String(repeating: "长", count: 5001) }?.contains("过长") == true)
    }

    @Test func rolesInTheWorkflow() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("R1")), by: "desk1")
        let kiosk = User(name: "desk1", displayName: "服务台", role: .kiosk, pin: s.manager.pin)
        let accept = ComplaintStep(receipt: "R1", action: .accept, date: date("2026-03-03"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(accept, by: kiosk, today: accept.date) }
        #expect(throws: LocalizedMessage.self) { try s.state.validate(accept, by: s.secretary2, today: accept.date) }
        try s.state.validate(accept, by: s.secretary1, today: accept.date)
        do {
            try s.state.validate(ComplaintStep(receipt: "R1", action: .close, date: date("2026-03-03")), by: s.manager, today: date("2026-03-03"))
        } catch {
            #expect(error.zh == "投诉 R1 目前“已登记”，不能“办结”")
        }
        do {
            try s.state.validate(ComplaintStep(receipt: "R1", action: .reject(reason: "because"), date: date("2026-03-03")), by: s.manager, today: date("2026-03-03"))
        } catch {
            #expect(error.zh.contains("不予受理的原因代码“because”不存在"))
        }
    }

    @Test func personalDataIsMasked() {
        #expect(PersonalData.maskPhone("13812341234") == "138****1234")
        #expect(PersonalData.maskName("张三丰") == "张**")
        #expect(PersonalData.maskName("李") == "李*")
        #expect(PersonalData.isPlausiblePhone("0511-86881234") && !PersonalData.isPlausiblePhone("12812341234"))
    }
}
