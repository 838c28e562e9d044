import Core
import Foundation

/// The members' points ledger's entries in the snapshot (format 7 on): binary, after the compact
/// history, read on the same core as it — a decade holds tens of thousands of entries with their
/// approvals, which as JSON tripled the time to read a snapshot. The panels stay in the JSON part.
/// Layout (little-endian; a string is u32 byte count + UTF-8): u32 entry count, then per entry
/// u64 sequence, string enteredBy, u8 kind (0 deduction, 1 contribution, 2 appraisal), string
/// member, i32 date (days since 1970-01-01), then — deduction: string item, string reason, i64
/// occurrences; contribution: string kind, i64 points, string evidence; appraisal: i64 points,
/// string evidence — and u32 approval count, per approval string member, string by, u64 sequence.
extension MarketSnapshot {
    static func writeLedger(_ entries: [UInt64: MemberLedgerEntry], to out: inout BinaryWriter) {
        func string(_ text: String) {
            let utf8 = Array(text.utf8)
            out.u32(UInt32(utf8.count))
            out.bytes(utf8)
        }
        out.u32(UInt32(entries.count))
        for sequence in entries.keys.sorted() {
            guard let entry = entries[sequence] else { continue }
            out.u64(entry.sequence)
            string(entry.enteredBy)
            switch entry.record {
            case .deduction(let d):
                out.u8(0); string(d.member); out.i32(Int32(d.date.dayNumber))
                string(d.item); string(d.reason); out.i64(Int64(d.occurrences))
            case .contribution(let c):
                out.u8(1); string(c.member); out.i32(Int32(c.date.dayNumber))
                string(c.kind.rawValue); out.i64(Int64(c.points)); string(c.evidence)
            case .appraisal(let a):
                out.u8(2); string(a.member); out.i32(Int32(a.date.dayNumber))
                out.i64(Int64(a.points)); string(a.evidence)
            }
            out.u32(UInt32(entry.approvals.count))
            for approval in entry.approvals {
                string(approval.member); string(approval.by); out.u64(approval.sequence)
            }
        }
    }

    /// The entries, or nil when the bytes are not such a list (the caller then replays).
    static func readLedger(_ input: inout BinaryReader) -> [UInt64: MemberLedgerEntry]? {
        func string() -> String {
            let n = input.count(minimumSize: 1)
            return String(decoding: input.bytes(n), as: UTF8.self)
        }
        let count = input.count(minimumSize: 25)
        var entries: [UInt64: MemberLedgerEntry] = [:]
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let sequence = input.u64()
            let enteredBy = string()
            let kind = input.u8()
            let member = string()
            let date = SimpleDate(dayNumber: Int(input.i32()))
            let record: MemberLedgerRecord
            switch kind {
            case 0:
                let item = string(), reason = string()
                record = .deduction(MemberDeduction(member: member, item: item, date: date, reason: reason, occurrences: Int(input.i64())))
            case 1:
                guard let contributionKind = ContributionKind(rawValue: string()) else { return nil }
                let points = Int(input.i64())
                record = .contribution(MemberContribution(member: member, kind: contributionKind, points: points, date: date, evidence: string()))
            case 2:
                let points = Int(input.i64())
                record = .appraisal(MemberAppraisal(member: member, date: date, points: points, evidence: string()))
            default:
                return nil
            }
            let approvalCount = input.count(minimumSize: 16)
            var approvals: [MemberLedgerEntry.Approval] = []
            approvals.reserveCapacity(approvalCount)
            for _ in 0..<approvalCount {
                let who = string(), by = string()
                approvals.append(MemberLedgerEntry.Approval(member: who, by: by, sequence: input.u64()))
            }
            guard !input.failed else { return nil }
            entries[sequence] = MemberLedgerEntry(sequence: sequence, enteredBy: enteredBy, record: record, approvals: approvals)
        }
        return input.failed ? nil : entries
    }
}
