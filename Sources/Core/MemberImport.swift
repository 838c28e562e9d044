import TextSafety

/// One change a members import would make.
public struct MemberChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A member not in the roster: recorded as `member.registered`.
        case register
        /// A member whose record differs: `member.corrected` of their current record.
        case correct(target: UInt64, before: Member, fields: [String])
    }

    public var line: Int
    public var member: Member
    public var kind: Kind
}

/// What a members import would do, found before anything is written.
public struct MemberImportPlan: Sendable, Equatable {
    public var changes: [MemberChange]
    /// Members whose row matches their record already.
    public var unchanged: [String]
    /// Current members the file does not list: reported, never erased (a member who leaves is a
    /// correction with the day they left, 离开日期).
    public var notInFile: [Member]
    /// Shops whose plate and member owners would disagree after the import (reported).
    public var mismatchesAfter: [LocalizedMessage]
    public var rows: Int
    public var ignoredColumns: [String]

    public var registrations: [MemberChange] { changes.filter { $0.kind == .register } }
    public var corrections: [MemberChange] { changes.filter { $0.kind != .register } }

    /// The events that carry the plan out, keyed `keyPrefix:number` (a retry with the same prefix
    /// records nothing twice); a correction's reason names the file, the line and the fields.
    public func events(actor: String, at: String, keyPrefix: String, file: String) -> [Event] {
        changes.map { change in
            let key = "\(keyPrefix):\(change.member.id)"
            switch change.kind {
            case .register:
                return Event(actor: actor, at: at, key: key, body: .memberRegistered(change.member))
            case .correct(let target, _, let fields):
                let reason = "党员名册导入 \(file) 第 \(change.line) 行：更新\(fields.joined(separator: "、"))"
                return Event(actor: actor, at: at, key: key, body: .memberCorrected(MemberCorrection(target: target, reason: reason, member: change.member)))
            }
        }
    }
}

/// Reads a members CSV (as `chengxin export members --with-personal-data` writes it, or laid out
/// as seeds/members.csv) and checks every row against the market before anything is written:
/// the format by `MemberTable`, the rules by `memberRecordProblems` (the gate's own). Pure.
public enum MemberImport {
    public static func plan(text: String, market: MarketState, today: SimpleDate) throws(SeedProblems) -> MemberImportPlan {
        let table: CSVTable
        let index: [String: Int]
        do {
            table = try CSVTable.parse(text)
            index = try MemberTable.index(table.header)
        } catch {
            throw SeedProblems(problems: [LocalizedMessage(zh: "第 1 行（表头）：\(error.zh)", en: "line 1 (the header): \(error.en)")])
        }
        var problems: [LocalizedMessage] = []
        func problem(_ line: Int, _ message: LocalizedMessage) {
            problems.append(LocalizedMessage(zh: "第 \(line) 行：\(message.zh)", en: "line \(line): \(message.en)"))
        }
        let used = Set(index.values)
        let ignored = table.header.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
        var seenIDs: [String: Int] = [:], seenUsers: [String: Int] = [:]
        var changes: [MemberChange] = []
        var unchanged: [String] = []
        for row in table.rows {
            let line = row.line
            var ok = true
            let (parsed, formatProblems) = MemberTable.member { column in
                guard let i = index[column], i < row.fields.count else { return "" }
                let value = SpreadsheetCell.unescape(row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines))
                if value.unicodeScalars.contains(where: UnsafeText.isUnsafe) {
                    problem(line, LocalizedMessage(zh: "“\(column)”含有换行或控制字符", en: "\"\(column)\" contains a line break or a control character"))
                    ok = false
                }
                return value
            }
            formatProblems.forEach { problem(line, $0) }
            guard ok, var member = parsed else { continue }
            if member.name.count >= 2, member.name.dropFirst().allSatisfy({ $0 == "*" }) {
                problem(line, LocalizedMessage(zh: "姓名“\(member.name)”是打码后的姓名（来自不含个人信息的导出）；请用 --with-personal-data 导出后再导入",
                                               en: "name \"\(member.name)\" is masked (from an export without personal data); export with --with-personal-data and import that"))
                continue
            }
            if let first = seenIDs[member.id] {
                problem(line, LocalizedMessage(zh: "党员编号 \(member.id) 与第 \(first) 行重复", en: "member number \(member.id) repeats line \(first)"))
                continue
            }
            seenIDs[member.id] = line
            if let user = member.user, member.left == nil {
                if let first = seenUsers[user] {
                    problem(line, LocalizedMessage(zh: "用户名 \(user) 与第 \(first) 行重复", en: "user \(user) repeats line \(first)"))
                    continue
                }
                seenUsers[user] = line
            }
            // A file without the 用户名 or 离开日期 column keeps what the record has.
            let existing = market.member(id: member.id)
            if index["用户名"] == nil { member.user = existing?.user }
            if index["离开日期"] == nil { member.left = existing?.left }
            if let existing, existing == member {
                unchanged.append(member.id)
                continue
            }
            let target = existing.flatMap { _ in market.currentMemberRecord(of: member.id) }
            let rowProblems = market.memberRecordProblems(member, correcting: target, today: today)
            guard rowProblems.isEmpty else {
                rowProblems.forEach { problem(line, $0) }
                continue
            }
            if let existing, let target {
                changes.append(MemberChange(line: line, member: member, kind: .correct(target: target, before: existing, fields: changedFields(existing, member))))
            } else {
                changes.append(MemberChange(line: line, member: member, kind: .register))
            }
        }
        if table.rows.isEmpty {
            problems.append(LocalizedMessage(zh: "文件只有表头，没有党员", en: "the file has a header but no member"))
        }
        if !problems.isEmpty { throw SeedProblems(problems: problems) }
        let listed = Set(seenIDs.keys)
        let missing = market.membersInOrder.filter { $0.left == nil && !listed.contains($0.id) }
        var plan = MemberImportPlan(changes: changes, unchanged: unchanged, notInFile: missing, mismatchesAfter: [], rows: table.rows.count, ignoredColumns: ignored)
        var after = market
        for (offset, event) in plan.events(actor: "import", at: "", keyPrefix: "plan", file: "").enumerated() {
            after.apply(event, sequence: UInt64(Int.max / 2 + offset))
        }
        plan.mismatchesAfter = after.ownershipMismatches.map(\.problem)
        return plan
    }

    /// The Chinese names of the columns that differ.
    static func changedFields(_ a: Member, _ b: Member) -> [String] {
        var fields: [String] = []
        if a.name != b.name { fields.append("姓名") }
        if a.branch != b.branch { fields.append("支部编号") }
        if a.joined != b.joined { fields.append("入党日期") }
        if a.role != b.role { fields.append("支部职务") }
        if a.shops != b.shops { fields.append("店铺号") }
        if a.user != b.user { fields.append("用户名") }
        if a.left != b.left { fields.append("离开日期") }
        return fields
    }
}
