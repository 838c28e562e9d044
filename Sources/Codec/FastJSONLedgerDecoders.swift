import Core
import Foundation

// The members' points ledger (MemberPoints.swift) read straight from the parsed nodes, like the
// hottest records: a decade holds tens of thousands of entries, both in a replay and in the
// snapshot's small parts (MarketSnapshot.SmallParts.memberPoints). Their JSON shape is exactly
// the `Codable` one; PayloadLayoutTests and the snapshot tests check both agree.

extension PanelNamed: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(branch: try json.int("branch"), year: try json.int("year"), members: try json.strings("members"))
    }
}

extension MemberDeduction: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(member: try json.string("member"), item: try json.string("item"), date: try json.date("date"),
                  reason: try json.string("reason"), occurrences: try json.int("occurrences"))
    }
}

extension MemberContribution: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(member: try json.string("member"), kind: try json.raw(ContributionKind.self, "kind"), points: try json.int("points"),
                  date: try json.date("date"), evidence: try json.string("evidence"))
    }
}

extension MemberAppraisal: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(member: try json.string("member"), date: try json.date("date"), points: try json.int("points"), evidence: try json.string("evidence"))
    }
}

extension PointsApproved: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(target: try json.uint64("target"), member: try json.string("member"))
    }
}

extension MemberLedgerRecord: FastJSONDecodable {
    /// The synthesized enum shape: `{"deduction":{"_0":{…}}}` (or `contribution`, `appraisal`).
    init(json: FastJSON.Object) throws {
        if json.optional("deduction") != nil {
            self = .deduction(try MemberDeduction(json: try json.object("deduction").object("_0")))
        } else if json.optional("contribution") != nil {
            self = .contribution(try MemberContribution(json: try json.object("contribution").object("_0")))
        } else {
            self = .appraisal(try MemberAppraisal(json: try json.object("appraisal").object("_0")))
        }
    }
}

extension MemberLedgerEntry.Approval: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(member: try json.string("member"), by: try json.string("by"), sequence: try json.uint64("sequence"))
    }
}

extension MemberLedgerEntry: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(sequence: try json.uint64("sequence"), enteredBy: try json.string("enteredBy"),
                  record: try MemberLedgerRecord(json: try json.object("record")),
                  approvals: try json.array(Approval.self, "approvals"))
    }
}
