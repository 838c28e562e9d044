import Testing
@testable import Codec
@testable import Core

/// The compact history gives back exactly what was recorded: checked against a plain fold of the
/// same events into Swift values (the representation the state used before it was compacted).
@Suite("Compact history")
struct CompactHistoryTests {
    /// The plain reference: every inspection, case and contribution as values.
    struct Reference {
        var inspections: [String: [Sequenced<Inspection>]] = [:]
        var complaints: [String: ComplaintCase] = [:]
        var filedOrder: [String] = []
        var contributions: [String: [Contribution]] = [:]

        init(_ events: [Event]) {
            for (i, event) in events.enumerated() {
                let sequence = UInt64(i + 1)
                switch event.body {
                case .inspectionRecorded(let value):
                    inspections[value.shop, default: []].append(Sequenced(sequence: sequence, value: value))
                case .complaintFiled(let value):
                    guard complaints[value.receipt] == nil else { break }
                    filedOrder.append(value.receipt)
                    complaints[value.receipt] = ComplaintCase(
                        filed: value, filedSequence: sequence, state: .filed, acceptedOn: nil, handler: nil,
                        history: [.init(sequence: sequence, actor: event.actor, date: value.date, action: nil, state: .filed, note: nil)], duplicateOf: nil)
                case .complaintStep(let step):
                    guard var complaint = complaints[step.receipt], let next = step.action.next(from: complaint.state) else { break }
                    complaint.state = next
                    if step.action == .accept { complaint.acceptedOn = step.date }
                    if complaint.handler == nil, step.action != .close { complaint.handler = event.actor }
                    complaint.history.append(.init(sequence: sequence, actor: event.actor, date: step.date, action: step.action, state: next, note: step.note))
                    complaints[step.receipt] = complaint
                case .complaintLinked(let value):
                    if complaints[value.receipt] != nil, complaints[value.duplicateOf] != nil, value.receipt != value.duplicateOf {
                        complaints[value.receipt]?.duplicateOf = value.duplicateOf
                    }
                case .contributionRecorded(let value):
                    contributions[value.shop, default: []].append(Contribution(sequence: sequence, enteredBy: event.actor, entry: value))
                case .contributionApproved(let value):
                    for (shop, list) in contributions {
                        if let j = list.firstIndex(where: { $0.sequence == value.target }), list[j].approvedBy == nil, list[j].enteredBy != event.actor {
                            contributions[shop]?[j].approvedBy = event.actor
                            contributions[shop]?[j].approvalSequence = sequence
                        }
                    }
                default:
                    break
                }
            }
        }
    }

    /// The demo year plus records that exercise every corner of the compact form.
    func events() throws -> [Event] {
        let roster = try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z")
        var events = roster + (try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 4, count: 16), rounds: 1024) })
        let d = date("2026-11-20")
        func add(_ actor: String, _ body: EventBody) { events.append(Event(actor: actor, at: "2026-11-20T08:00:00Z", key: "compact-\(events.count)", body: body)) }
        // Outcomes of every kind: a pass with a note, a pass with a severity, not applicable, a failure without a note.
        add("shuji1", .inspectionRecorded(Inspection(shop: "A101", date: d, inspector: "shuji1", checklistVersion: 7, outcomes: [
            ItemOutcome(item: "C1", result: .pass, note: "已整改，附照片"), ItemOutcome(item: "C2", result: .pass, severity: .minor),
            ItemOutcome(item: "C3", result: .notApplicable), ItemOutcome(item: "C4", result: .fail, severity: .serious),
            ItemOutcome(item: "新项目😀", result: .fail, severity: .minor, note: "含\u{0}控制符与\u{202E}反向"),
        ])))
        add("shuji1", .inspectionRecorded(Inspection(shop: "无此店", date: d, inspector: "外来人", checklistVersion: 1, outcomes: [])))
        // Complaints: no shop, no amount, no contact; a repeated receipt; steps out of order; every action.
        let filed = ComplaintFiled(receipt: "ZZZZ-0001", shop: nil, category: "other", integrity: .tax, text: "", amountFen: nil, wants: [],
                                   consumerName: nil, consumerPhone: nil, consentToContact: false, date: d)
        add("fuwutai", .complaintFiled(filed))
        add("fuwutai", .complaintFiled(ComplaintFiled(receipt: "ZZZZ-0001", shop: "A101", category: "price", integrity: .price, text: "重复", amountFen: 5,
                                                      wants: ["refund"], consumerName: "甲", consumerPhone: "13900000000", consentToContact: true, date: d)))
        add("shuji1", .complaintStep(ComplaintStep(receipt: "ZZZZ-0001", action: .close, date: d)))
        for (actor, action) in [("shuji1", ComplaintAction.accept), ("shuji2", .mediate), ("shuji1", .resolve(outcome: "退一半", amountFen: nil, upheld: false)),
                                ("zhuren", .followUp(satisfaction: .dissatisfied)), ("zhuren", .close)] {
            add(actor, .complaintStep(ComplaintStep(receipt: "ZZZZ-0001", action: action, date: d, note: actor == "shuji2" ? "备注\n第二行" : nil)))
        }
        add("fuwutai", .complaintFiled(ComplaintFiled(receipt: "ZZZZ-0002", shop: "A101", category: "quality", integrity: .quality, text: "镜片脱膜",
                                                      amountFen: 0, wants: ["exchange", "apology"], consumerName: "", consumerPhone: "", consentToContact: true, date: d)))
        add("shuji1", .complaintStep(ComplaintStep(receipt: "ZZZZ-0002", action: .accept, date: d)))
        add("shuji1", .complaintStep(ComplaintStep(receipt: "ZZZZ-0002", action: .forward(department: "tax-office"), date: d)))
        add("fuwutai", .complaintFiled(ComplaintFiled(receipt: "ZZZZ-0003", shop: "A101", category: "fraud", integrity: .consumer, text: "x",
                                                      amountFen: -1, wants: [], consumerName: nil, consumerPhone: nil, consentToContact: false, date: d)))
        add("shuji1", .complaintStep(ComplaintStep(receipt: "ZZZZ-0003", action: .reject(reason: "no-evidence"), date: d)))
        add("zhuren", .complaintLinked(ComplaintLinked(receipt: "ZZZZ-0003", duplicateOf: "ZZZZ-0002")))
        add("zhuren", .complaintLinked(ComplaintLinked(receipt: "ZZZZ-0003", duplicateOf: "ZZZZ-0003")))
        add("zhuren", .complaintLinked(ComplaintLinked(receipt: "ZZZZ-0003", duplicateOf: "NONE-0000")))
        // Contributions: approved by the one who entered them (ignored), then by another, twice.
        add("shuji1", .contributionRecorded(ContributionRecorded(shop: "A101", kind: .harmony, points: 15, date: d, evidence: "调解邻里纠纷")))
        let target = UInt64(events.count)
        add("shuji1", .contributionApproved(ContributionApproved(target: target)))
        add("zhuren", .contributionApproved(ContributionApproved(target: target)))
        add("fuzhuren", .contributionApproved(ContributionApproved(target: target)))
        add("zhuren", .contributionApproved(ContributionApproved(target: 999_999)))
        return events
    }

    @Test func everyValueComesBackAsRecorded() throws {
        let events = try events()
        let market = MarketState(events: events)
        let reference = Reference(events)
        #expect(!reference.inspections.isEmpty && !reference.complaints.isEmpty && !reference.contributions.isEmpty)
        for (shop, list) in reference.inspections {
            #expect(market.inspections[shop] == list, "inspections of \(shop)")
            #expect(market.inspections.latestDate(of: shop) == list.map(\.value.date).max())
        }
        #expect(market.inspections.count == reference.inspections.values.reduce(0) { $0 + $1.count })
        #expect(market.inspections.all.map(\.sequence) == reference.inspections.values.joined().map(\.sequence).sorted())
        #expect(market.inspections["没有检查过的店"] == nil)
        for (receipt, expected) in reference.complaints {
            #expect(market.complaints[receipt] == expected, "case \(receipt)")
        }
        #expect(market.complaints.values == reference.filedOrder.compactMap { reference.complaints[$0] })
        #expect(market.complaints["NONE-0000"] == nil)
        #expect(market.complaints.of(shop: "A101") == reference.filedOrder.compactMap { reference.complaints[$0] }.filter { $0.filed.shop == "A101" })
        for (shop, list) in reference.contributions {
            #expect(market.contributions[shop] == list, "contributions of \(shop)")
        }
        #expect(market.contributions.pending == reference.contributions.values.joined().filter { $0.approvedBy == nil }.sorted { $0.sequence < $1.sequence })
        let open = reference.complaints.values.filter { $0.state.isOpen && $0.filed.shop != nil }
        #expect(market.complaints.openByShop.mapValues { $0.count } == Dictionary(grouping: open, by: { $0.filed.shop ?? "" }).mapValues(\.count))
    }

    @Test func theSnapshotGivesBackTheSameState() throws {
        let market = MarketState(events: try events())
        let payload = try MarketSnapshot.encode(market)
        let read = try #require(MarketSnapshot.decode(payload))
        #expect(read == market)
        // Folding on from the snapshot gives what folding straight through gives.
        var continued = read, straight = market
        let more = Event(actor: "shuji1", at: "2026-11-21T08:00:00Z", key: "after-snapshot",
                         body: .complaintStep(ComplaintStep(receipt: "ZZZZ-0002", action: .followUp(satisfaction: .satisfied), date: date("2026-11-21"))))
        continued.apply(more, sequence: UInt64(market.eventCount + 1))
        straight.apply(more, sequence: UInt64(market.eventCount + 1))
        #expect(continued == straight)
        #expect(continued.idempotencyKeys.contains("after-snapshot") && continued.idempotencyKeys.contains("compact-\(market.eventCount - 1)"))
    }

    @Test func aDamagedSnapshotIsRefusedNotReadOutOfBounds() throws {
        let market = MarketState(events: try events())
        let payload = try MarketSnapshot.encode(market)
        for cut in [0, 3, 8, 20, payload.count / 2, payload.count - 1] {
            #expect(MarketSnapshot.decode(Array(payload.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(MarketSnapshot.decode(payload + [0]) == nil)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<300 {
            var damaged = payload
            for _ in 0..<3 { damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            // Either refused or a state; never a crash.
            _ = MarketSnapshot.decode(damaged)
        }
    }

    /// Where `change` (a change of one byte-sized field) shows in the snapshot: the one byte that
    /// differs from the unchanged state's snapshot, and its value in each of `values`.
    func snapshotByte<T>(of market: MarketState, _ values: [T], _ change: (inout CompactHistory, T) -> Void) throws -> (at: Int, bytes: [UInt8], payload: [UInt8]) {
        let payloads = try values.map { value in
            var changed = market
            change(&changed.history, value)
            return try MarketSnapshot.encode(changed)
        }
        let first = try #require(payloads.first)
        #expect(payloads.allSatisfy { $0.count == first.count })
        let differing = first.indices.filter { i in payloads.contains { $0[i] != first[i] } }
        let at = try #require(differing.count == 1 ? differing.first : nil, "one byte differs: \(differing)")
        return (at, payloads.map { $0[at] }, first)
    }

    /// The bytes of a step's action and of an outcome's result and severity are those of
    /// docs/log-format.md (snapshots written before read the same), and a byte that names no case
    /// makes the snapshot refused.
    @Test func theSnapshotsEnumerationBytesAreTheDocumentedOnes() throws {
        let market = MarketState(events: try events())
        let kinds: [ComplaintStepKind] = [.accept, .reject, .mediate, .resolve, .forward, .terminate, .followUp, .close]
        #expect(kinds == ComplaintStepKind.allCases && kinds.map(\.rawValue) == Array(0...7))
        let step = try snapshotByte(of: market, kinds) { $0.steps[0].action = $1 }
        #expect(step.bytes == Array(0...7))
        let result = try snapshotByte(of: market, [ItemOutcome.Result.pass, .fail, .notApplicable]) { $0.exceptions[0].result = $1 }
        #expect(result.bytes == [0, 1, 2])
        let severity = try snapshotByte(of: market, [nil, Severity.minor, .serious]) { $0.exceptions[0].severity = $1 }
        #expect(severity.bytes == [0, 1, 2])
        for (at, payload, unknown) in [(step.at, step.payload, UInt8(8)), (result.at, result.payload, 3), (severity.at, severity.payload, 3)] {
            #expect(MarketSnapshot.decode(payload) != nil)
            var damaged = payload
            damaged[at] = unknown
            #expect(MarketSnapshot.decode(damaged) == nil, "byte \(unknown) at \(at)")
        }
    }

    @Test func keysAreFoundBeforeAndAfterCompactionAndThroughTheSnapshot() throws {
        var keys = KeySet()
        for i in 0..<3000 { keys.insert("req-\(i)") }
        keys.insert("req-7")
        #expect(keys.count == 3000)
        let before = keys
        keys.compact()
        #expect(keys == before && keys.count == 3000)
        for i in 3000..<5000 { keys.insert("req-\(i)") }
        keys.insert("req-10")
        #expect(keys.count == 5000)
        #expect((0..<5000).allSatisfy { keys.contains("req-\($0)") })
        #expect(!(5000..<6000).contains { keys.contains("req-\($0)") })
        #expect(keys.allSorted == keys.allSorted.sorted() && Set(keys.allSorted).count == 5000)
        // In a snapshot: written ascending, read back the same; out of order, refused.
        var market = MarketState(events: try events())
        market.compactKeys()
        market.apply(Event(actor: "zhuren", at: "2026-11-22T08:00:00Z", key: "late-key", body: .unknown(type: "future.thing")), sequence: UInt64(market.eventCount + 1))
        let payload = try MarketSnapshot.encode(market)
        let read = try #require(MarketSnapshot.decode(payload))
        #expect(read.idempotencyKeys == market.idempotencyKeys && read.idempotencyKeys.contains("late-key"))
        var swapped = payload
        let last = swapped.count - 16, previous = swapped.count - 32
        for k in 0..<16 { swapped.swapAt(last + k, previous + k) }
        #expect(MarketSnapshot.decode(swapped) == nil)
    }
}

@Suite("Compact history lookups")
struct CompactHistoryLookupTests {
    /// A replay's keys, sorted (by buckets of their top bits, or in two halves merged when they
    /// crowd into few buckets), are every hash once, ascending; merging with keys already held
    /// adds each new one once.
    @Test(arguments: ["spread", "crowded", "keys"])
    func keysAreSortedEachOnce(kind: String) {
        var state: UInt64 = 77
        func next() -> UInt128 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            switch kind {
            case "spread": return UInt128(state >> 20) << 64 | UInt128(state)
            case "crowded": return UInt128(state & 3) << 112 | UInt128(state)  // four buckets
            default: return KeySet.hash("demo:\(state % 400_000)")          // real keys' hashes
            }
        }
        for count in [0, 1, 5, 99_999, 250_001] {
            var hashes = (0..<count).map { _ in next() }
            hashes += hashes.prefix(count / 10)  // repeats
            let expected = Array(Set(hashes)).sorted()
            #expect(KeySet.sortedUnique(hashes) == expected, "\(count)")
            var keys = KeySet()
            keys.insert(hashes: Array(hashes.prefix(count / 2)))
            keys.insert(hashes: hashes)
            #expect(keys.allSorted == expected && keys.count == expected.count, "\(count), in two parts")
            // Keys added one by one before a replay's many (some of them among those, some new).
            var mixed = KeySet()
            let single = Array(hashes.suffix(count / 20)) + (0..<3).map { _ in next() }
            for h in single { mixed.insert(hash: h) }
            mixed.insert(hashes: Array(hashes.dropLast(count / 40)))
            let all = Array(Set(hashes + single)).sorted()
            #expect(mixed.allSorted == all && mixed.count == all.count && all.allSatisfy(mixed.contains(hash:)), "\(count), one by one first")
        }
    }

    /// An approval's entry is found from the newest rows backwards: the same row a plain search
    /// finds, for every sequence number, present or not, near or far.
    @Test func contributionRowsAreFoundWhereverTheyAre() {
        for count in [0, 1, 2, 63, 64, 65, 130, 1000] {
            var history = CompactHistory()
            for i in 0..<count {
                history.addContribution(CompactHistory.ContributionRow(sequence: UInt64(3 * i + 5), enteredBy: 0, shop: 0, kind: 0, points: 1, day: 0,
                                                                       evidence: .none))
            }
            for sequence in 0...UInt64(3 * count + 10) {
                let expected = history.contributions.firstIndex { $0.sequence == sequence }
                #expect(history.contributionRow(sequence: sequence) == expected, "\(count) rows, sequence \(sequence)")
            }
        }
    }
}
