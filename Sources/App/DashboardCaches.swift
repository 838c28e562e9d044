import Core

/// The complaint queue, kept between key presses: computing it means filtering and sorting every
/// complaint in the market's history (with working-day deadlines), far too slow for a key press
/// once the log holds years of records. It is rebuilt with the dashboard's other caches when the
/// market or the user changes, and ignored (recomputed) if either changed without a rebuild.
struct ComplaintQueueCache: Sendable, Equatable {
    let events: Int
    let user: String?
    let today: SimpleDate
    let filter: ComplaintFilter?
    let cases: [ComplaintCase]

    init(_ model: DashboardModel) {
        events = model.market?.eventCount ?? -1
        user = model.user?.name
        today = model.today
        filter = model.complaintFilter
        cases = Dashboard.computeQueue(model)
    }

    func isCurrent(for model: DashboardModel) -> Bool {
        events == (model.market?.eventCount ?? -1) && user == model.user?.name && today == model.today && filter == model.complaintFilter
    }
}
