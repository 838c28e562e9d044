import Core
import Foundation

// A full replay (no usable snapshot: the first open after an upgrade, or a damaged snapshot) reads
// every record of the log. Most of a busy log is five types — inspections, complaint filings and
// steps, contribution points and their approvals — whose payloads every writer of this format
// writes in one canonical shape: `JSONEncoder` with sorted keys, no spaces, absent optionals left
// out (docs/log-format.md). For those the replay reads the bytes in that shape directly, on every
// core, into spans of the payload (`RawEvent`), and folds the spans into the compact history
// without making a Swift value or string per field: identifiers are interned by their bytes,
// texts copied into the arena as they are.
//
// Anything else — another type, a member out of order or unexpected, an escape sequence in a
// string, a number or a date not as the encoder writes it, invalid UTF-8 — is not guessed at:
// that record goes through the general decoder (`EventCodec.decode`) and `MarketState.apply`,
// exactly as before. So the fast path decides nothing the general one would decide differently;
// ReplayTests folds awkward logs both ways and compares the states.
//
// The pieces, each in its own file: where each payload lies (PayloadPlace.swift), what a payload
// read in place gives (RawEvent.swift), the reader of the canonical shape
// (CanonicalPayloadReader.swift), the table names are looked up in by their bytes
// (ByteKeyTable.swift), what a replay keeps between records (ReplayNames.swift) and a batch read
// on every core (ReplayBatch.swift). Here: the replay itself, which folds the batches in order.

/// Reads parts of a batch on another thread (the folding thread joins in when it is free).
private final class BackgroundRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ batch: ReplayBatch) {
        DispatchQueue.global().async { [done] in
            batch.readTasks()
            done.signal()
        }
    }

    func wait() { done.wait() }
}

extension MarketState {
    /// Records read together in one batch of a replay.
    static let replayBatch = 4096

    /// Folds the records whose payloads lie at `places` in `bytes`, in order, into the state —
    /// the same state `apply` gives with each payload decoded — and returns the sequence numbers
    /// of the payloads that do not decode. The payloads are read on every core a batch at a time,
    /// the next batch while this one is folded.
    public mutating func replay(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) -> [UInt64] {
        var names = ReplayNames()
        names.keys.reserveCapacity(places.count)
        var undecodable: [UInt64] = []
        let tasks = 8
        var batches = [ReplayBatch(capacity: Self.replayBatch, tasks: tasks), ReplayBatch(capacity: Self.replayBatch, tasks: tasks)]
        var start = places.startIndex
        var end = min(places.endIndex, start + Self.replayBatch)
        if start < end { batches[0].read(bytes, places[start..<end]) }
        while start < end {
            let nextEnd = min(places.endIndex, end + Self.replayBatch)
            var helper: BackgroundRead?
            if end < nextEnd {
                batches[1].prepare(bytes, places[end..<nextEnd])
                helper = BackgroundRead(batches[1])
            }
            reserveAhead(folded: start - places.startIndex, of: places.count)
            fold(batches[0], bytes, &names, &undecodable)
            if let helper {
                batches[1].readTasks()
                batches[1].waitForTasks()
                helper.wait()
            }
            batches.swapAt(0, 1)
            (start, end) = (end, nextEnd)
        }
        idempotencyKeys.insert(hashes: names.keys)
        return undecodable
    }

    /// Room in each growing array of the history for the rest of the replay, as much as the
    /// records folded so far promise, once the array is nearly full: instead of being copied into
    /// arrays twice as large again and again (and each new one's pages faulted in), a decade of
    /// rows is copied about once. Capacity not used is never touched (no resident memory).
    private mutating func reserveAhead(folded: Int, of total: Int) {
        guard folded >= 2 * Self.replayBatch else { return }
        /// The room to reserve for what holds `count` now and `capacity` at most: nil while it has
        /// room enough, or when the rest of the replay promises no more than it has.
        func room(_ count: Int, _ capacity: Int) -> Int? {
            guard capacity - count < count / 8 + 1024 else { return nil }
            let projected = count / folded * total + count % folded * total / folded
            return projected > capacity ? projected + projected / 8 : nil
        }
        func ensure<T>(_ array: inout [T]) {
            if let room = room(array.count, array.capacity) { array.reserveCapacity(room) }
        }
        ensure(&history.inspections)
        ensure(&history.exceptions)
        ensure(&history.cases)
        ensure(&history.steps)
        ensure(&history.contributions)
        ensure(&history.text.bytes)
        if let room = room(history.caseByReceipt.count, history.caseByReceipt.capacity) { history.caseByReceipt.reserveCapacity(room) }
    }

    private mutating func fold(_ batch: ReplayBatch, _ bytes: UnsafeRawBufferPointer, _ names: inout ReplayNames, _ undecodable: inout [UInt64]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let places = batch.places, events = batch.events, per = batch.perTask
        for task in 0..<batch.tasks.count {
            let from = task * per, to = min(places.count, from + per)
            guard from < to else { break }
            batch.tasks[task].scratch.outcomes.withUnsafeBufferPointer { outcomes in
                batch.tasks[task].scratch.spans.withUnsafeBufferPointer { spans in
                    for k in from..<to {
                        let place = places[places.startIndex + k]
                        let raw = events[k]
                        if raw.kind != .general {
                            apply(raw, payload: base + place.offset, sequence: place.sequence, outcomes: outcomes, spans: spans, &names)
                        } else if let event = batch.takeGeneral(k) {
                            if case .complaintFiled = event.body { names.receiptsComplete = false }
                            if let key = event.key { names.keys.append(KeySet.hash(key)) }
                            apply(body: event, sequence: place.sequence)
                        } else {
                            undecodable.append(place.sequence)
                        }
                    }
                }
            }
        }
    }

    /// An inspection's outcomes, one by one: their items interned, the exceptions kept; returns the item list.
    private mutating func foldOutcomes(_ list: UnsafeBufferPointer<RawOutcome>, payload p: UnsafePointer<UInt8>, _ names: inout ReplayNames) -> UInt32 {
        names.items.removeAll(keepingCapacity: true)
        for (position, outcome) in list.enumerated() {
            names.items.append(names.symbol(outcome.item, in: p, &history.symbols))
            let note = outcome.note.isNone ? TextRef.none
                : history.text.add(utf8: UnsafeRawBufferPointer(start: p + Int(outcome.note.start), count: Int(outcome.note.count)))
            history.addOutcome(position: position, result: outcome.result, severity: outcome.severity, note: note)
        }
        return names.itemList(&history.lists)
    }

    /// `apply` for a payload read in place: the same rows, symbols and texts, in the same order.
    private mutating func apply(_ raw: RawEvent, payload p: UnsafePointer<UInt8>, sequence: UInt64, outcomes: UnsafeBufferPointer<RawOutcome>,
                                spans: UnsafeBufferPointer<ByteSpan>, _ names: inout ReplayNames) {
        func bytes(_ span: ByteSpan) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: p + Int(span.start), count: Int(span.count))
        }
        func text(_ span: ByteSpan, _ arena: inout TextArena) -> TextRef {
            span.isNone ? .none : arena.add(utf8: bytes(span))
        }
        eventCount += 1
        if !raw.key.isNone { names.keys.append(raw.keyHash) }
        switch raw.kind {
        case .inspection:
            let first = UInt32(history.exceptions.count)
            let items: UInt32
            let known = raw.flag ? names.itemList(ofBlock: raw.c, in: p) : nil
            if let known {
                items = known
            } else if raw.skipped {
                // Not read one by one (a block the reading task had seen): read now. Not reached
                // while blocks are folded in the order their tasks read them.
                var reader = CanonicalPayloadReader(p, count: Int(raw.c.start + raw.c.count))
                reader.i = Int(raw.c.start)
                var list: [RawOutcome] = []
                _ = reader.outcomeList(&list)
                items = list.withUnsafeBufferPointer { foldOutcomes($0, payload: p, &names) }
            } else {
                items = foldOutcomes(UnsafeBufferPointer(rebasing: outcomes[Int(raw.listStart)..<Int(raw.listStart + raw.listCount)]), payload: p, &names)
            }
            if raw.flag, known == nil { names.noteItemList(items, ofBlock: raw.c, in: p) }
            let shop = names.symbol(raw.a, in: p, &history.symbols)
            let inspector = names.symbol(raw.b, in: p, &history.symbols)
            history.finishInspection(sequence: sequence, day: raw.day, shop: shop, inspector: inspector, checklistVersion: raw.number,
                                     items: items, firstException: first)
        case .filed:
            guard !names.isFiled(raw.a, in: p, history.caseByReceipt) else { break }
            let receipt = String(decoding: bytes(raw.a), as: UTF8.self)
            let shop = names.symbol(raw.b, in: p, &history.symbols)
            let receiptText = text(raw.a, &history.text)
            let category = names.symbol(raw.c, in: p, &history.symbols)
            let body = text(raw.d, &history.text)
            names.items.removeAll(keepingCapacity: true)
            for k in Int(raw.listStart)..<Int(raw.listStart + raw.listCount) { names.items.append(names.symbol(spans[k], in: p, &history.symbols)) }
            let wantsList = names.itemList(&history.lists)
            let name = text(raw.e, &history.text), phone = text(raw.f, &history.text)
            history.addCase(receipt, CompactHistory.CaseRow(
                receipt: receiptText, shop: shop, category: category, integrity: raw.code, text: body, amountFen: raw.hasNumber ? raw.number : 0,
                hasAmount: raw.hasNumber, wants: wantsList, consumerName: name, consumerPhone: phone, consent: raw.flag, day: raw.day,
                filedSequence: sequence, filer: names.symbol(raw.actor, in: p, &history.symbols)))
            names.filed(raw.a, in: p, row: UInt32(history.cases.count - 1))
        case .step:
            guard let target = history.stepTarget(names.caseRow(raw.a, in: p, history.caseByReceipt), action: raw.step) else { break }
            var detail = SymbolTable.none, outcome = TextRef.none
            switch raw.step {
            case .resolve: outcome = text(raw.b, &history.text)
            case .reject, .forward, .terminate, .followUp: detail = names.symbol(raw.b, in: p, &history.symbols)
            case .accept, .mediate, .close: break
            }
            let actor = names.symbol(raw.actor, in: p, &history.symbols)
            history.addStep(to: target, CompactHistory.StepRow(
                sequence: sequence, actor: actor, day: raw.day, action: raw.step, detail: detail, outcome: outcome,
                amountFen: raw.hasNumber ? raw.number : 0, hasAmount: raw.hasNumber, upheld: raw.step == .resolve && raw.flag, note: text(raw.c, &history.text)))
        case .contribution:
            let shop = names.symbol(raw.a, in: p, &history.symbols)
            history.addContribution(CompactHistory.ContributionRow(
                sequence: sequence, enteredBy: names.symbol(raw.actor, in: p, &history.symbols), shop: shop, kind: raw.code, points: raw.number,
                day: raw.day, evidence: text(raw.b, &history.text)))
        case .approval:
            guard let row = history.approvable(UInt64(raw.number), by: names.existing(raw.actor, in: p, history.symbols)) else { break }
            history.approve(row, sequence: sequence, by: names.symbol(raw.actor, in: p, &history.symbols))
        case .general:
            break
        }
    }
}
