/// A complaint case as the state keeps it: what was filed and every step since.
public struct ComplaintCase: Sendable, Codable, Equatable {
    public struct HistoryEntry: Sendable, Codable, Equatable {
        public var sequence: UInt64
        public var actor: String
        public var date: SimpleDate
        public var action: ComplaintAction?
        public var state: ComplaintState
        public var note: String?
    }

    public var filed: ComplaintFiled
    public var filedSequence: UInt64
    public var state: ComplaintState
    public var acceptedOn: SimpleDate?
    public var handler: String?
    public var history: [HistoryEntry]
    public var duplicateOf: String?

    /// The deadline of the current stage: accept or reject after filing; mediate after acceptance.
    public func deadline(rules: RatingRules, calendar: WorkingCalendar) -> SimpleDate? {
        Self.deadline(state: state, filedOn: filed.date, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    /// The same deadline with the calendar's coverage of the days it counted (what is shown).
    public func due(rules: RatingRules, calendar: WorkingCalendar) -> Deadline? {
        Self.due(state: state, filedOn: filed.date, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    static func deadline(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules, calendar: WorkingCalendar) -> SimpleDate? {
        stage(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules).map { calendar.addingWorkingDays($0.days, to: $0.from) }
    }

    static func due(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules, calendar: WorkingCalendar) -> Deadline? {
        stage(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules).map { calendar.deadline($0.days, after: $0.from) }
    }

    /// The current stage's working days and the day they count from.
    private static func stage(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules) -> (days: Int, from: SimpleDate)? {
        switch state {
        case .filed: return (rules.complaintDeadlines.acceptWorkingDays, filedOn)
        case .accepted, .mediating: return acceptedOn.map { (rules.complaintDeadlines.mediationWorkingDays, $0) }
        default: return nil
        }
    }

    /// When a complaint filed on `date` must be answered (accepted or rejected), by the rules in
    /// force that day: what its receipt says, at the kiosk and on the command line.
    public static func answerDue(filedOn date: SimpleDate, in market: MarketState) -> Deadline? {
        market.rules(on: date).flatMap { due(state: .filed, filedOn: date, acceptedOn: nil, rules: $0.value, calendar: market.calendar) }
    }

    public func isOverdue(today: SimpleDate, rules: RatingRules, calendar: WorkingCalendar) -> Bool {
        deadline(rules: rules, calendar: calendar).map { today > $0 } ?? false
    }

    /// The step that resolved the case (调解解决), if it was resolved.
    public var resolution: HistoryEntry? {
        history.last { if case .resolve = $0.action { return true } else { return false } }
    }

    /// Whether the case was resolved and found true (属实): only such a case can cost its shop points.
    public var isUpheld: Bool {
        if case .resolve(_, _, true)? = resolution?.action { return true }
        return false
    }
}
