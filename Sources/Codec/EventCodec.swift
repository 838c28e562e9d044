import Core
import Foundation

/// Why a record's payload is not a readable event, in both languages.
public struct UnreadableEvent: Error, Sendable, Equatable {
    public let zh: String
    public let en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

/// Encodes and decodes events as the JSON payload of a log record.
public enum EventCodec {
    public static let payloadVersion = 1

    private struct Envelope<Body: Codable>: Codable {
        var v: Int
        var type: String
        var actor: String
        var at: String
        var key: String?
        var data: Body
    }

    fileprivate struct Head: Decodable {
        var v: Int
        var type: String
        var actor: String
        var at: String
        var key: String?
    }

    private struct Empty: Codable {}

    /// The payload of an event: JSON with sorted keys, as `JSONEncoder` with
    /// `[.sortedKeys, .withoutEscapingSlashes]` writes it (docs/log-format.md).
    public static func encode(_ event: Event) throws -> Data {
        Data(try encodeBytes(event))
    }

    /// The same bytes, as the log takes them: written by hand for the most frequent types
    /// (`EventJSONWriter`), else by `FastJSONWriter`, or by `JSONEncoder` for anything the fast
    /// writer does not reproduce exactly.
    public static func encodeBytes(_ event: Event) throws -> [UInt8] {
        if let direct = EventJSONWriter.encode(event) { return direct }
        do {
            return try encodeWithFastWriter(event)
        } catch is FastJSONWriter.Unsupported {
            return try encodeWithFoundation(event)
        }
    }

    /// The payload written by `FastJSONWriter`, which throws `FastJSONWriter.Unsupported` for
    /// anything it does not reproduce.
    static func encodeWithFastWriter(_ event: Event) throws -> [UInt8] {
        try encode(event) { try FastJSONWriter.encode($0) }
    }

    /// The payload written by Foundation's `JSONEncoder` (the reference the fast writer is tested against).
    public static func encodeWithFoundation(_ event: Event) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encode(event) { [UInt8](try encoder.encode($0)) }
    }

    private static func encode(_ event: Event, with write: (any Encodable) throws -> [UInt8]) throws -> [UInt8] {
        func wrap<T: Codable>(_ data: T) throws -> [UInt8] {
            try write(Envelope(v: payloadVersion, type: event.type, actor: event.actor, at: event.at, key: event.key, data: data))
        }
        switch event.body {
        case .committeeRegistered(let value): return try wrap(value)
        case .branchRegistered(let value): return try wrap(value)
        case .merchantRegistered(let value): return try wrap(value)
        case .rulesPublished(let value): return try wrap(value)
        case .checklistPublished(let value): return try wrap(value)
        case .calendarPublished(let value): return try wrap(value)
        case .calendarYearAdded(let value): return try wrap(value)
        case .userRegistered(let value): return try wrap(value)
        case .inspectionRecorded(let value): return try wrap(value)
        case .vetoConfirmed(let value): return try wrap(value)
        case .vetoSeconded(let value): return try wrap(value)
        case .withdrawalSeconded(let value): return try wrap(value)
        case .contributionRecorded(let value): return try wrap(value)
        case .contributionApproved(let value): return try wrap(value)
        case .complaintFiled(let value): return try wrap(value)
        case .complaintStep(let value): return try wrap(value)
        case .complaintDeductionConfirmed(let value): return try wrap(value)
        case .complaintLinked(let value): return try wrap(value)
        case .ratingsPublished(let value): return try wrap(value)
        case .appealFiled(let value): return try wrap(value)
        case .appealDecided(let value): return try wrap(value)
        case .replyPublished(let value): return try wrap(value)
        case .conductPublished(let value): return try wrap(value)
        case .pledgeMade(let value): return try wrap(value)
        case .pledgeWithdrawn(let value): return try wrap(value)
        case .merchantCorrected(let value): return try wrap(value)
        case .memberRegistered(let value): return try wrap(value)
        case .memberCorrected(let value): return try wrap(value)
        case .panelNamed(let value): return try wrap(value)
        case .pointsDeducted(let value): return try wrap(value)
        case .pointsContributed(let value): return try wrap(value)
        case .pointsAppraised(let value): return try wrap(value)
        case .pointsApproved(let value): return try wrap(value)
        case .withdrawn(let value): return try wrap(value)
        case .recordCorrected(let value): return try wrap(value)
        case .logTailCut(let value): return try wrap(value)
        case .authFailed(let value): return try wrap(value)
        case .dataDisclosed(let value): return try wrap(value)
        case .trainingMarked(let value): return try wrap(value)
        case .unknown: return try wrap(Empty())
        }
    }

    /// Decodes a payload (the hot path of every replay): one pass of `FastJSON` over the bytes,
    /// the body decoded from the `data` member by the event type's own `Decodable` conformance.
    public static func decode(_ bytes: [UInt8]) throws -> Event {
        let document = try FastJSON.Document(bytes)
        if let problem = envelopeProblem(document) { throw problem }
        let head = try document.decode(Head.self, at: 0)
        let data = document.member("data", in: 0)
        return Event(actor: head.actor, at: head.at, key: head.key, body: try decodeBody(type: head.type, FastBody(document: document, node: data)))
    }

    public static func decode(_ data: Data) throws -> Event {
        try decode([UInt8](data))
    }

    /// Why a payload is not a readable event (docs/log-format.md, "Required keys"): not JSON, not
    /// one object, a required key missing or of another kind, or — for a type this version knows —
    /// `data` it cannot read. Nil when it reads.
    public static func unreadable(_ bytes: [UInt8]) -> UnreadableEvent? {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return UnreadableEvent(zh: "不是合法的 UTF-8", en: "not valid UTF-8")
        }
        do {
            _ = try decode(bytes)
            return nil
        } catch let problem as UnreadableEvent {
            return problem
        } catch let syntax as FastJSON.SyntaxError {
            return UnreadableEvent(zh: "不是合法的 JSON（第 \(syntax.offset) 字节：\(syntax.reason)）", en: "not valid JSON (\(syntax.description))")
        } catch {
            return UnreadableEvent(zh: "这一类型的 data 无法读取（\(error)）", en: "its data cannot be read for its type (\(error))")
        }
    }

    /// The envelope's rules: one object; `v` the number 1; `type`, `actor`, `at` strings; `data` an
    /// object; `key` absent, null or a string.
    static func envelopeProblem(_ document: FastJSON.Document) -> UnreadableEvent? {
        guard document.kind(of: 0) == .object else {
            return UnreadableEvent(zh: "不是一个 JSON 对象", en: "not one JSON object")
        }
        func missing(_ key: String, _ zhKind: String, _ enKind: String) -> UnreadableEvent {
            UnreadableEvent(zh: "缺少\(zhKind)“\(key)”", en: "“\(key)” is missing or not \(enKind)")
        }
        guard let v = document.member("v", in: 0), document.kind(of: v) == .number, document.rawText(of: v) == "1" else {
            return UnreadableEvent(zh: "“v”不是 1", en: "“v” is not 1")
        }
        for key in ["type", "actor", "at"] {
            guard let node = document.member(key, in: 0), document.isString(node) else { return missing(key, "字符串", "a string") }
        }
        guard let data = document.member("data", in: 0), document.kind(of: data) == .object else { return missing("data", "对象", "an object") }
        if let key = document.member("key", in: 0), !document.isString(key), document.kind(of: key) != .null {
            return UnreadableEvent(zh: "“key”不是字符串", en: "“key” is not a string")
        }
        return nil
    }

    /// The same with Foundation's `JSONDecoder` (the reference the fast path is tested against).
    public static func decodeWithFoundation(_ data: Data) throws -> Event {
        let decoder = JSONDecoder()
        let head = try decoder.decode(Head.self, from: data)
        return Event(actor: head.actor, at: head.at, key: head.key, body: try decodeBody(type: head.type, FoundationBody(decoder: decoder, data: data)))
    }

    private protocol BodyReader {
        func callAsFunction<T: Codable>(_ type: T.Type) throws -> T
    }

    private struct FastBody: BodyReader {
        let document: FastJSON.Document
        let node: Int?
        func callAsFunction<T: Codable>(_ type: T.Type) throws -> T {
            guard let node else {
                throw DecodingError.keyNotFound(FastJSONKey(stringValue: "data"), .init(codingPath: [], debugDescription: "no data"))
            }
            return try document.decode(T.self, at: node)
        }
    }

    private struct FoundationBody: BodyReader {
        let decoder: JSONDecoder
        let data: Data
        func callAsFunction<T: Codable>(_ type: T.Type) throws -> T { try decoder.decode(Envelope<T>.self, from: data).data }
    }

    private static func decodeBody(type: String, _ body: some BodyReader) throws -> EventBody {
        switch type {
        case "committee.registered": return .committeeRegistered(try body(Committee.self))
        case "branch.registered": return .branchRegistered(try body(Branch.self))
        case "merchant.registered": return .merchantRegistered(try body(Merchant.self))
        case "rules.published": return .rulesPublished(try body(RatingRules.self))
        case "checklist.published": return .checklistPublished(try body(ChecklistPublished.self))
        case "calendar.published": return .calendarPublished(try body(WorkingCalendar.self))
        case "calendar.year-added": return .calendarYearAdded(try body(CalendarYearAdded.self))
        case "user.registered": return .userRegistered(try body(User.self))
        case "inspection.recorded": return .inspectionRecorded(try body(Inspection.self))
        case "veto.confirmed": return .vetoConfirmed(try body(VetoConfirmed.self))
        case "veto.seconded": return .vetoSeconded(try body(VetoSeconded.self))
        case "withdrawal.seconded": return .withdrawalSeconded(try body(WithdrawalSeconded.self))
        case "contribution.recorded": return .contributionRecorded(try body(ContributionRecorded.self))
        case "contribution.approved": return .contributionApproved(try body(ContributionApproved.self))
        case "complaint.filed": return .complaintFiled(try body(ComplaintFiled.self))
        case "complaint.step": return .complaintStep(try body(ComplaintStep.self))
        case "complaint.deduction-confirmed": return .complaintDeductionConfirmed(try body(ComplaintDeductionConfirmed.self))
        case "complaint.linked": return .complaintLinked(try body(ComplaintLinked.self))
        case "ratings.published": return .ratingsPublished(try body(RatingsPublished.self))
        case "appeal.filed": return .appealFiled(try body(AppealFiled.self))
        case "appeal.decided": return .appealDecided(try body(AppealDecided.self))
        case "reply.published": return .replyPublished(try body(ReplyPublished.self))
        case "conduct.published": return .conductPublished(try body(CodeOfConduct.self))
        case "pledge.made": return .pledgeMade(try body(PledgeMade.self))
        case "pledge.withdrawn": return .pledgeWithdrawn(try body(PledgeWithdrawn.self))
        case "merchant.corrected": return .merchantCorrected(try body(MerchantCorrection.self))
        case "member.registered": return .memberRegistered(try body(Member.self))
        case "member.corrected": return .memberCorrected(try body(MemberCorrection.self))
        case "panel.named": return .panelNamed(try body(PanelNamed.self))
        case "points.deducted": return .pointsDeducted(try body(MemberDeduction.self))
        case "points.contributed": return .pointsContributed(try body(MemberContribution.self))
        case "points.appraised": return .pointsAppraised(try body(MemberAppraisal.self))
        case "points.approved": return .pointsApproved(try body(PointsApproved.self))
        case "event.withdrawn": return .withdrawn(try body(Withdrawal.self))
        case "record.corrected": return .recordCorrected(try body(RecordCorrection.self))
        case "log.tail-cut": return .logTailCut(try body(LogTailCut.self))
        case "auth.failed": return .authFailed(try body(AuthFailed.self))
        case "data.disclosed": return .dataDisclosed(try body(DataDisclosed.self))
        case "market.training": return .trainingMarked(try body(TrainingMarked.self))
        default: return .unknown(type: type)
        }
    }
}

extension EventCodec {
    /// Decodes many payloads on every core, in order; nil where one does not decode. Records are
    /// independent, so a replay decodes a batch in parallel and then folds it in sequence.
    public static func decodeAll(_ payloads: [[UInt8]]) -> [Event?] {
        let count = payloads.count
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / 64))
        let results = DecodedSlots(count: count)
        defer { results.release() }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in (worker * chunk)..<min(count, (worker + 1) * chunk) {
                results.store(i, try? decode(payloads[i]))
            }
        }
        return results.values
    }
}

/// Slots the workers of `decodeAll` fill, each its own indices (plain memory, so that no array
/// is shared for writing between threads).
private struct DecodedSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Event?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    func store(_ i: Int, _ event: Event?) { buffer[i] = event }

    var values: [Event?] { Array(buffer) }

    func release() {
        buffer.deinitialize()
        buffer.deallocate()
    }
}

extension EventCodec.Head: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(v: try json.int("v"), type: try json.string("type"), actor: try json.string("actor"), at: try json.string("at"),
                  key: try json.optionalString("key"))
    }
}
