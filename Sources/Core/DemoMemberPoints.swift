/// The demo's members' points (党员积分) for 2026: for each branch with members enough, a
/// 考评小组 named, and for its members deductions and contribution points of every kind, most
/// approved by the panel's majority, some still waiting — every record through Core's gate, as a
/// person would enter it. It needs rules with members' points (rules version 2), so `init --demo`
/// adds it after the rules announced for the years to come; with no members it adds nothing.
public enum DemoMemberPoints {
    /// Events to append after `events` (the roster, the demo year and the later rules).
    public static func events(after events: [Event]) -> [Event] {
        var state = MarketState(events: events)
        guard let today = SimpleDate(year: 2026, month: 11, day: 26), state.memberPointsRules(year: today.year) != nil,
              let manager = state.users["zhuren"] else { return [] }
        let year = today.year
        var sequence = UInt64(events.count)
        var out: [Event] = []
        /// Records `body` by `user` if the gate takes it; the record number, or nil.
        @discardableResult
        func emit(_ body: EventBody, by user: User, on day: SimpleDate) -> UInt64? {
            guard (try? state.validate(body, by: user, today: today)) != nil else { return nil }
            let event = Event(actor: user.name, at: day.description + "T02:\(10 + out.count % 50):00Z", key: "demo:points:\(out.count)", body: body)
            sequence += 1
            state.apply(event, sequence: sequence)
            out.append(event)
            return sequence
        }
        for branch in state.branches {
            guard let minimum = state.memberPointsRules(year: year)?.value.panelMinimum else { break }
            let members = state.ledgerMembers(branch: branch.number, year: year, today: today).filter { $0.isMember(on: today) }
            guard members.count > minimum else { continue }
            // The secretary and the committee first, then members by number.
            let rank: [MemberRole: Int] = [.secretary: 0, .committee: 1, .member: 2]
            let panel = members.sorted { (rank[$0.role] ?? 3, $0.id) < (rank[$1.role] ?? 3, $1.id) }.prefix(minimum).map(\.id)
            guard emit(.panelNamed(PanelNamed(branch: branch.number, year: year, members: panel)), by: manager, on: today.adding(days: -25)) != nil else { continue }
            // The manager enters the points (so that the secretary may vote); the secretary records the
            // panel's votes, except about themselves (then the manager does).
            let secretary = state.users["shuji\(branch.number)"]
            func recorder(for member: Member) -> User {
                guard let secretary, state.member(of: secretary)?.id != member.id else { return manager }
                return secretary
            }
            func approve(_ entry: UInt64?, of member: Member, until enough: Bool, on day: SimpleDate) {
                guard let entry else { return }
                for voter in panel {
                    if !enough, state.ledgerEntry(entry)?.approvals.isEmpty == false { return }
                    if state.ledgerEntry(entry).map(state.ledgerStatus)?.counts == true { return }
                    emit(.pointsApproved(PointsApproved(target: entry, member: voter)), by: recorder(for: member), on: day)
                }
            }
            for (i, member) in members.enumerated() {
                let by = manager
                let day = today.adding(days: -20 + i % 10)
                switch i % 5 {
                case 0:
                    let entry = emit(.pointsContributed(MemberContribution(member: member.id, kind: .service, points: 8 + i % 7, date: day, evidence: "演示：义务验光、为老人免费调校镜架")), by: by, on: day)
                    approve(entry, of: member, until: true, on: day)
                case 1:
                    let absent = emit(.pointsDeducted(MemberDeduction(member: member.id, item: "meeting-absent", date: day, reason: "演示：十月支部党员大会无故缺席", occurrences: 1)), by: by, on: day)
                    approve(absent, of: member, until: true, on: day)
                    let grown = emit(.pointsContributed(MemberContribution(member: member.id, kind: .development, points: 15, date: day, evidence: "演示：带动两户商户挂牌党员示范岗")), by: by, on: day)
                    approve(grown, of: member, until: true, on: day)
                case 2:
                    let mediated = emit(.pointsContributed(MemberContribution(member: member.id, kind: .harmony, points: 6, date: day, evidence: "演示：调解相邻商户纠纷")), by: by, on: day)
                    approve(mediated, of: member, until: false, on: day)
                case 3:
                    let dues = emit(.pointsDeducted(MemberDeduction(member: member.id, item: "dues-late", date: day, reason: "演示：第三季度党费逾期缴纳", occurrences: 1)), by: by, on: day)
                    approve(dues, of: member, until: true, on: day)
                    let service = emit(.pointsContributed(MemberContribution(member: member.id, kind: .service, points: 30, date: day, evidence: "演示：全年服务台义务值班")), by: by, on: day)
                    approve(service, of: member, until: true, on: day)
                default:
                    break
                }
            }
        }
        return out
    }
}
