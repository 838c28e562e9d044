/// Requests (`--request-id`): an id is bound to who asked and to what was asked. A retry with the
/// same id by the same user with the same content is the same request (answered with the first
/// answer, nothing written again); anything else under a used id is refused.
extension Event {
    /// Whether `candidate` (the event a retry would record) asks for the same thing as this
    /// recorded event: the same actor and the same content. Not compared: the timestamp, and the
    /// fields the program fills in itself rather than the person typing — a complaint's receipt
    /// code and filing date, a step's or a confirmation's date (today), a new user's PIN hash
    /// (salted afresh every time; the PIN itself is never kept).
    public func isSameRequest(as candidate: Event) -> Bool {
        actor == candidate.actor && body == candidate.body.withGeneratedFields(of: body)
    }
}

extension EventBody {
    /// This body with the program-generated fields taken from `original` (when of the same type).
    func withGeneratedFields(of original: EventBody) -> EventBody {
        switch (self, original) {
        case (.complaintFiled(var mine), .complaintFiled(let theirs)):
            mine.receipt = theirs.receipt
            mine.date = theirs.date
            return .complaintFiled(mine)
        case (.complaintStep(var mine), .complaintStep(let theirs)):
            mine.date = theirs.date
            return .complaintStep(mine)
        case (.complaintDeductionConfirmed(var mine), .complaintDeductionConfirmed(let theirs)):
            mine.date = theirs.date
            return .complaintDeductionConfirmed(mine)
        case (.userRegistered(var mine), .userRegistered(let theirs)):
            mine.pin = theirs.pin
            return .userRegistered(mine)
        default:
            return self
        }
    }
}
