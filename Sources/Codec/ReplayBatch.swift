import Core
import Foundation

/// One batch of payloads read on every core: a `RawEvent` per record, the side arrays of the
/// task that read it, and the general decoder's event where the canonical reader declined. Its
/// storage is kept from one batch to the next (two of them alternate: one is folded while the
/// next is read). The batch is read in parts ("tasks"), each taken by whichever thread is free:
/// a helper thread, and the folding thread once it has folded the batch before.
final class ReplayBatch: @unchecked Sendable {
    private(set) var places: ArraySlice<PayloadPlace> = []
    /// One per record of the batch.
    let events: UnsafeMutableBufferPointer<RawEvent>
    let general: UnsafeMutableBufferPointer<Event?>
    /// Each task's outcomes and spans (a task reads a contiguous part of the batch).
    let tasks: [TaskOutput]
    private(set) var perTask = 1

    final class TaskOutput: @unchecked Sendable {
        var scratch = ReadScratch()
    }

    init(capacity: Int, tasks: Int) {
        events = .allocate(capacity: capacity)
        events.initialize(repeating: RawEvent())
        general = .allocate(capacity: capacity)
        general.initialize(repeating: nil)
        self.tasks = (0..<max(1, tasks)).map { _ in TaskOutput() }
    }

    deinit {
        events.deallocate()
        general.deinitialize()
        general.deallocate()
    }

    /// The general decoder's event for record `k`, moved out (no copy of its strings), its slot
    /// left empty.
    func takeGeneral(_ k: Int) -> Event? {
        guard let slot = general.baseAddress.map({ $0 + k }) else { return nil }
        let event = slot.move()
        slot.initialize(to: nil)
        return event
    }

    private let progress = NSCondition()
    private var nextTask = 0, tasksDone = 0, taskCount = 0
    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Sets the batch to the payloads at `places` (at most the capacity) of `bytes`, to be read by
    /// `readTasks` (on as many threads as call it) and then `waitForTasks`.
    func prepare(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        precondition(places.count <= events.count, "a replay batch holds at most \(events.count) records")
        self.places = places
        self.bytes = bytes
        taskCount = max(1, min(tasks.count, places.count / 256))
        perTask = (places.count + taskCount - 1) / taskCount
        nextTask = 0
        tasksDone = 0
    }

    /// Reads parts of the batch until none is left (each part by one thread only).
    func readTasks() {
        while true {
            progress.lock()
            let task = nextTask
            nextTask += 1
            progress.unlock()
            guard task < taskCount else { return }
            read(bytes, task: task, from: task * perTask, to: min(places.count, task * perTask + perTask))
            progress.lock()
            tasksDone += 1
            progress.broadcast()
            progress.unlock()
        }
    }

    func waitForTasks() {
        progress.lock()
        while tasksDone < taskCount { progress.wait() }
        progress.unlock()
    }

    /// Reads the whole batch on every core.
    func read(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        prepare(bytes, places)
        DispatchQueue.concurrentPerform(iterations: max(1, ProcessInfo.processInfo.activeProcessorCount)) { _ in self.readTasks() }
        waitForTasks()
    }

    private func read(_ bytes: UnsafeRawBufferPointer, task: Int, from: Int, to: Int) {
        let output = tasks[task]
        // Taken out of the task's object for the loop (a class property passed `inout` would be
        // checked for exclusive access at run time on every record), and put back at the end.
        var scratch = output.scratch
        output.scratch = ReadScratch()
        defer { output.scratch = scratch }
        scratch.outcomes.removeAll(keepingCapacity: true)
        scratch.spans.removeAll(keepingCapacity: true)
        guard from < to, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        for k in from..<to {
            let place = places[places.startIndex + k]
            // `general[k]` is read only for a record the canonical reader declined, and is set then.
            guard place.offset >= 0, place.length >= 0, place.offset + place.length <= bytes.count else {
                events[k] = RawEvent()
                general[k] = nil
                continue
            }
            let payload = base + place.offset
            if !CanonicalPayloadReader.read(payload, count: place.length, &scratch, into: &events[k]) {
                general[k] = try? EventCodec.decode(Array(UnsafeBufferPointer(start: payload, count: place.length)))
            }
        }
    }

    private struct SendableBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
}
