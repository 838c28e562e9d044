import Core

/// Hand-written payload writers for the event types recorded most often — inspections, complaint
/// filings and steps, contribution points and their approvals — writing exactly the bytes
/// `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes (members in sorted order,
/// absent optionals left out, the same string escapes through `FastJSONWriter.writeString`),
/// without the `Encoder` machinery: in a durable append, encoding through it was most of the
/// time spent besides the disk's own sync. Other types go through `FastJSONWriter`.
/// PayloadLayoutTests compares every kind of event with `JSONEncoder`, FastJSONWriterTests awkward text.
enum EventJSONWriter {
    /// The payload, or nil for a type written by the generic writer.
    static func encode(_ event: Event) -> [UInt8]? {
        switch event.body {
        case .complaintStep(let value): return envelope(event) { step(value, &$0) }
        case .complaintFiled(let value): return envelope(event) { filed(value, &$0) }
        case .inspectionRecorded(let value): return envelope(event) { inspection(value, &$0) }
        case .contributionRecorded(let value): return envelope(event) { contribution(value, &$0) }
        case .contributionApproved(let value):
            return envelope(event) { out in
                raw("{\"target\":", &out)
                integer(value.target, &out)
                out.append(UInt8(ascii: "}"))
            }
        default: return nil
        }
    }

    /// `{"actor":…,"at":…,"data":…,"key":…,"type":…,"v":1}` (keys in byte order; no key if nil).
    private static func envelope(_ event: Event, data: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        member("{\"actor\":", event.actor, &out)
        member(",\"at\":", event.at, &out)
        raw(",\"data\":", &out)
        data(&out)
        member(",\"key\":", event.key, &out)
        member(",\"type\":", event.type, &out)
        raw(",\"v\":", &out)
        integer(EventCodec.payloadVersion, &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func step(_ value: ComplaintStep, _ out: inout [UInt8]) {
        raw("{\"action\":", &out)
        action(value.action, &out)
        member(",\"date\":", value.date.description, &out)
        member(",\"note\":", value.note, &out)
        member(",\"receipt\":", value.receipt, &out)
        out.append(UInt8(ascii: "}"))
    }

    /// An enumeration with associated values, as Swift's synthesised `Codable` writes it:
    /// `{"case":{…labelled values…}}`.
    private static func action(_ action: ComplaintAction, _ out: inout [UInt8]) {
        func labelled(_ name: String, _ label: String, _ text: String) {
            member("{\"\(name)\":{\"\(label)\":", text, &out)
            raw("}}", &out)
        }
        switch action {
        case .accept: raw("{\"accept\":{}}", &out)
        case .mediate: raw("{\"mediate\":{}}", &out)
        case .close: raw("{\"close\":{}}", &out)
        case .reject(let reason): labelled("reject", "reason", reason)
        case .forward(let department): labelled("forward", "department", department)
        case .terminate(let reason): labelled("terminate", "reason", reason)
        case .followUp(let satisfaction): labelled("followUp", "satisfaction", satisfaction.rawValue)
        case .resolve(let outcome, let amountFen, let upheld):
            raw("{\"resolve\":{", &out)
            if let amountFen {
                raw("\"amountFen\":", &out)
                integer(amountFen, &out)
                out.append(UInt8(ascii: ","))
            }
            member("\"outcome\":", outcome, &out)
            raw(upheld ? ",\"upheld\":true}}" : ",\"upheld\":false}}", &out)
        }
    }

    private static func filed(_ value: ComplaintFiled, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let amount = value.amountFen {
            raw("\"amountFen\":", &out)
            integer(amount, &out)
            out.append(UInt8(ascii: ","))
        }
        member("\"category\":", value.category, &out)
        raw(value.consentToContact ? ",\"consentToContact\":true" : ",\"consentToContact\":false", &out)
        member(",\"consumerName\":", value.consumerName, &out)
        member(",\"consumerPhone\":", value.consumerPhone, &out)
        member(",\"date\":", value.date.description, &out)
        member(",\"integrity\":", value.integrity.rawValue, &out)
        member(",\"receipt\":", value.receipt, &out)
        member(",\"shop\":", value.shop, &out)
        member(",\"text\":", value.text, &out)
        raw(",\"wants\":[", &out)
        for (i, want) in value.wants.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(want, &out)
        }
        raw("]}", &out)
    }

    private static func inspection(_ value: Inspection, _ out: inout [UInt8]) {
        raw("{\"checklistVersion\":", &out)
        integer(value.checklistVersion, &out)
        member(",\"date\":", value.date.description, &out)
        member(",\"inspector\":", value.inspector, &out)
        raw(",\"outcomes\":[", &out)
        for (i, outcome) in value.outcomes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            member("{\"item\":", outcome.item, &out)
            member(",\"note\":", outcome.note, &out)
            member(",\"result\":", outcome.result.rawValue, &out)
            member(",\"severity\":", outcome.severity?.rawValue, &out)
            out.append(UInt8(ascii: "}"))
        }
        member("],\"shop\":", value.shop, &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func contribution(_ value: ContributionRecorded, _ out: inout [UInt8]) {
        member("{\"date\":", value.date.description, &out)
        member(",\"evidence\":", value.evidence, &out)
        member(",\"kind\":", value.kind.rawValue, &out)
        raw(",\"points\":", &out)
        integer(value.points, &out)
        member(",\"shop\":", value.shop, &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `name` (the member's name with its quotes, colon and any comma before it), then the value
    /// as a JSON string; nothing at all for an absent value (as `JSONEncoder` leaves nil out).
    private static func member(_ name: String, _ value: String?, _ out: inout [UInt8]) {
        guard let value else { return }
        raw(name, &out)
        string(value, &out)
    }

    private static func raw(_ text: String, _ out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    private static func string(_ text: String, _ out: inout [UInt8]) {
        FastJSONWriter.writeString(text, to: &out)
    }

    private static func integer<I: BinaryInteger>(_ value: I, _ out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
