// Inspections in the compact history (CompactHistory.swift): their rows added, built back as
// values, and viewed.

extension CompactHistory {
    mutating func addInspection(_ value: Inspection, sequence: UInt64) {
        let first = UInt32(exceptions.count)
        var items: [UInt32] = []
        items.reserveCapacity(value.outcomes.count)
        for (position, outcome) in value.outcomes.enumerated() {
            items.append(symbols.id(outcome.item))
            addOutcome(position: position, result: outcome.result, severity: outcome.severity, note: text.add(outcome.note))
        }
        let shop = symbols.id(value.shop)
        let inspector = symbols.id(value.inspector)
        finishInspection(sequence: sequence, day: Int32(value.date.dayNumber), shop: shop, inspector: inspector,
                         checklistVersion: Int64(value.checklistVersion), items: lists.id(items), firstException: first)
    }

    /// One outcome of the inspection being recorded: kept as an exception unless a plain pass.
    package mutating func addOutcome(position: Int, result: ItemOutcome.Result, severity: Severity?, note: TextRef) {
        if result != .pass || severity != nil || note != .none {
            exceptions.append(OutcomeException(position: UInt32(position), result: result, severity: severity, note: note))
        }
    }

    /// The inspection's row, after its outcomes (the exceptions from `firstException` on);
    /// `items` is the list of its items' symbols.
    package mutating func finishInspection(sequence: UInt64, day: Int32, shop: UInt32, inspector: UInt32, checklistVersion: Int64, items: UInt32,
                                   firstException: UInt32) {
        inspectionsByShop[shop, default: []].append(UInt32(inspections.count))
        inspections.append(InspectionRow(sequence: sequence, day: day, shop: shop, inspector: inspector, checklistVersion: checklistVersion,
                                         items: items, firstException: firstException,
                                         exceptionCount: UInt32(exceptions.count) - firstException))
    }

    func inspection(_ i: UInt32) -> Sequenced<Inspection> {
        let row = inspections[Int(i)]
        var outcomes = lists[row.items].map { ItemOutcome(item: symbols[$0], result: .pass) }
        for e in exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)] where Int(e.position) < outcomes.count {
            outcomes[Int(e.position)].result = e.result
            outcomes[Int(e.position)].severity = e.severity
            outcomes[Int(e.position)].note = text.string(e.note)
        }
        return Sequenced(sequence: row.sequence, value: Inspection(shop: symbols[row.shop], date: SimpleDate(dayNumber: Int(row.day)),
                                                                  inspector: symbols[row.inspector], checklistVersion: Int(row.checklistVersion), outcomes: outcomes))
    }

    /// Calls `body` with each outcome of an inspection: item symbol, result, severity.
    func forEachOutcome(of i: UInt32, _ body: (UInt32, ItemOutcome.Result, Severity?) -> Void) {
        let row = inspections[Int(i)]
        let items = lists[row.items]
        let exceptions = self.exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)]
        var next = exceptions.startIndex
        for (position, item) in items.enumerated() {
            if next < exceptions.endIndex, Int(exceptions[next].position) == position {
                let e = exceptions[next]
                body(item, e.result, e.severity)
                next += 1
            } else {
                body(item, .pass, nil)
            }
        }
    }
}

/// Inspections, built on demand from the compact rows.
public struct InspectionsView: Sendable {
    let history: CompactHistory

    /// A shop's inspections in log order, nil if it has none.
    public subscript(shop: String) -> [Sequenced<Inspection>]? {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id], !rows.isEmpty else { return nil }
        return rows.map { history.inspection($0) }
    }

    /// Every inspection, in log order.
    public var all: [Sequenced<Inspection>] { history.inspections.indices.map { history.inspection(UInt32($0)) } }

    public var count: Int { history.inspections.count }

    /// Each shop with its inspections in log order.
    public var byShop: [(shop: String, list: [Sequenced<Inspection>])] {
        history.inspectionsByShop.map { (history.symbols[$0.key], $0.value.map { history.inspection($0) }) }
    }

    /// The date of a shop's latest inspection.
    public func latestDate(of shop: String) -> SimpleDate? {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id] else { return nil }
        return rows.map { history.inspections[Int($0)].day }.max().map { SimpleDate(dayNumber: Int($0)) }
    }

    /// Positions of every inspection (for `summary(at:)`), newest first (by date, then log order).
    public var newestFirst: [Int] {
        let rows = history.inspections
        return rows.indices.sorted { a, b in rows[a].day != rows[b].day ? rows[a].day > rows[b].day : rows[a].sequence > rows[b].sequence }
    }

    /// Positions of the inspections of the shops `group` places (nil: left out), newest first, all
    /// together and per group; `group` is asked once per shop.
    public func newestFirst(groupedBy group: (String) -> Int?) -> (all: [Int], groups: [Int: [Int]]) {
        var groupOf: [UInt32: Int?] = [:]
        var all: [Int] = [], groups: [Int: [Int]] = [:]
        for position in newestFirst {
            let shop = history.inspections[position].shop
            let g: Int?
            if let known = groupOf[shop] { g = known } else { g = group(history.symbols[shop]); groupOf[shop] = g }
            guard let g else { continue }
            all.append(position)
            groups[g, default: []].append(position)
        }
        return (all, groups)
    }

    /// The sequence number of the inspection at `position`.
    public func sequence(at position: Int) -> UInt64 { history.inspections[position].sequence }

    /// What a list of inspections shows, without building the inspection.
    public func summary(at position: Int) -> InspectionSummary {
        let row = history.inspections[position]
        var failures = 0
        for e in history.exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)] where e.result == .fail {
            failures += 1
        }
        return InspectionSummary(sequence: row.sequence, date: SimpleDate(dayNumber: Int(row.day)), shop: history.symbols[row.shop],
                                 inspector: history.symbols[row.inspector], failures: failures)
    }


    /// Whether the shop was inspected in `year`, on or before `date`.
    public func inspected(shop: String, in year: Int, through date: SimpleDate) -> Bool {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id],
              let start = SimpleDate(year: year, month: 1, day: 1)?.dayNumber else { return false }
        return rows.contains { let day = Int(history.inspections[Int($0)].day); return day >= start && day <= date.dayNumber }
    }

}

/// An inspection as lists show it.
public struct InspectionSummary: Sendable, Equatable {
    public var sequence: UInt64
    public var date: SimpleDate
    public var shop: String
    public var inspector: String
    public var failures: Int
}
