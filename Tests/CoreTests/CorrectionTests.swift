import Foundation
import Testing
@testable import Core

@Suite("Corrections and withdrawals are new events")
struct CorrectionTests {
    let original = Merchant(shopNumber: "A101", name: "明视眼镜", owner: "张明", branch: 1, plate: .memberBusiness,
                            creditCode: "91350100M000100Y43", business: "验光配镜")

    func registered() -> [Event] {
        [
            Event(actor: "system", at: "t1", key: "b1", body: .branchRegistered(Branch(number: 1, name: "第一党支部", secretary: "王芳"))),
            Event(actor: "system", at: "t1", key: "m1", body: .merchantRegistered(original)),
        ]
    }

    @Test func aCorrectionReplacesTheRecordAndSaysWhoAndWhy() throws {
        var fixed = original
        fixed.owner = "张敏"
        let state = MarketState(events: registered())
        try state.validateAmendment(target: 2, reason: "经营者姓名录入有误", correcting: "A101")
        let correction = Event(actor: "manager.li", at: "t2", key: "c1",
                               body: .merchantCorrected(MerchantCorrection(target: 2, reason: "经营者姓名录入有误", merchant: fixed)))
        let after = MarketState(events: registered() + [correction])
        #expect(after.merchant(shopNumber: "A101")?.owner == "张敏")
        #expect(after.amendments[2] == MarketState.Amendment(kind: "corrected", by: 3, actor: "manager.li", at: "t2", reason: "经营者姓名录入有误"))
        // The corrected record cannot be corrected twice; the correction itself can be.
        #expect(throws: LocalizedMessage.self) { try after.validateAmendment(target: 2, reason: "再改") }
        try after.validateAmendment(target: 3, reason: "再改")
    }

    @Test func aWithdrawalHidesTheShopButKeepsIt() throws {
        let withdrawal = Event(actor: "manager.li", at: "t2", key: "w1", body: .withdrawn(Withdrawal(target: 2, reason: "重复登记")))
        let after = MarketState(events: registered() + [withdrawal])
        #expect(after.merchants.isEmpty)
        #expect(after.merchant(shopNumber: "A101") == nil)
        // Kept: which registration was withdrawn (the registration itself stays in the log).
        #expect(after.withdrawnRecords == [2: original.shopNumber])
        #expect(after.amendments[2]?.reason == "重复登记")
        #expect(after.amendments[2]?.actor == "manager.li")
    }

    @Test func amendmentsAreValidated() {
        let state = MarketState(events: registered())
        #expect(throws: LocalizedMessage(zh: "更正或撤回必须写明原因", en: "a correction or withdrawal needs a reason")) {
            try state.validateAmendment(target: 2, reason: "  ")
        }
        #expect(throws: LocalizedMessage.self) { try state.validateAmendment(target: 1, reason: "x") }
        #expect(throws: LocalizedMessage.self) { try state.validateAmendment(target: 99, reason: "x") }
        do {
            try state.validateAmendment(target: 2, reason: "x", correcting: "B202")
            Issue.record("a correction may not move a record to another shop")
        } catch {
            #expect(error.zh.contains("不能改变店铺号"))
        }
    }

    @Test func invalidAmendmentsInTheLogChangeNothing() {
        let bogus = [
            Event(actor: "x", at: "t", key: nil, body: .withdrawn(Withdrawal(target: 1, reason: "not a merchant record"))),
            Event(actor: "x", at: "t", key: nil, body: .withdrawn(Withdrawal(target: 77, reason: "no such record"))),
        ]
        let state = MarketState(events: registered() + bogus)
        #expect(state.merchants == [original])
        #expect(state.amendments.isEmpty)
    }
}
