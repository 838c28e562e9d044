import Foundation

/// Where one record's payload lies in a buffer that holds many (the log file as read).
public struct PayloadPlace: Sendable, Equatable {
    public var offset: Int
    public var length: Int
    public var sequence: UInt64

    public init(offset: Int, length: Int, sequence: UInt64) {
        self.offset = offset
        self.length = length
        self.sequence = sequence
    }

    /// The place of each of `records` (a million log records: filled on every core). Inlinable, so
    /// that it is specialised where it is called: each record is read where it lies, not copied.
    @inlinable
    public static func of<Records: RandomAccessCollection & Sendable>(
        _ records: Records, _ place: @escaping @Sendable (Records.Element) -> PayloadPlace
    ) -> [PayloadPlace] where Records.Index == Int {
        let count = records.count, first = records.startIndex
        // Never `unsafeUninitializedCapacity: 0`: it writes the count of the runtime's one shared
        // empty array, a race with any thread reading another empty array (ThreadSanitizer).
        guard count > 0 else { return [] }
        let parts = count < 65_536 ? 1 : 2 * ProcessInfo.processInfo.activeProcessorCount
        return [PayloadPlace](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = PlaceBuffer(buffer: buffer), per = (count + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                guard let base = out.buffer.baseAddress else { return }
                for i in (part * per)..<min(count, part * per + per) { (base + i).initialize(to: place(records[first + i])) }
            }
            initialized = count
        }
    }

    /// Each index is written by one part only.
    @usableFromInline
    struct PlaceBuffer: @unchecked Sendable {
        @usableFromInline let buffer: UnsafeMutableBufferPointer<PayloadPlace>

        @usableFromInline
        init(buffer: UnsafeMutableBufferPointer<PayloadPlace>) {
            self.buffer = buffer
        }
    }
}
