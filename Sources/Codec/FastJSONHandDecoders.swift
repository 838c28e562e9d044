import Core
import Foundation

/// Types on the hottest path (an inspection is a third of a busy log, with one outcome per
/// checklist item) decode themselves straight from the parsed nodes, skipping `Decoder`'s
/// containers. Their JSON shape is exactly the `Codable` one; the tests check both agree.
protocol FastJSONDecodable {
    init(json: FastJSON.Object) throws
}

extension FastJSON {
    /// An object node, read member by member.
    struct Object {
        let document: Document
        let node: Int
        let codingPath: [any CodingKey]

        func value(_ key: String) throws -> Int {
            guard let v = document.member(key, in: node) else {
                throw DecodingError.keyNotFound(FastJSONKey(stringValue: key), .init(codingPath: codingPath, debugDescription: "no value for \(key)"))
            }
            return v
        }

        func optional(_ key: String) -> Int? {
            guard let v = document.member(key, in: node), document.nodes[v].kind != .null else { return nil }
            return v
        }

        func string(_ key: String) throws -> String { try document.decodeString(try value(key), codingPath) }
        func optionalString(_ key: String) throws -> String? { try optional(key).map { try document.decodeString($0, codingPath) } }
        func int(_ key: String) throws -> Int { try document.decodeSigned(Int.self, try value(key), codingPath) }

        func raw<T: RawRepresentable>(_ type: T.Type, _ key: String) throws -> T where T.RawValue == String {
            let text = try string(key)
            guard let value = T(rawValue: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "cannot initialize \(T.self) from invalid String value \(text)"))
            }
            return value
        }

        func optionalRaw<T: RawRepresentable>(_ type: T.Type, _ key: String) throws -> T? where T.RawValue == String {
            guard optional(key) != nil else { return nil }
            return try raw(type, key)
        }

        func date(_ key: String) throws -> SimpleDate {
            let text = try string(key)
            guard let date = SimpleDate(iso: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "invalid date \(text)"))
            }
            return date
        }

        func array<T: FastJSONDecodable>(_ type: T.Type, _ key: String) throws -> [T] {
            try elements(key) { child in
                guard document.nodes[child].kind == .object else {
                    throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected an object"))
                }
                return try T(json: Object(document: document, node: child, codingPath: codingPath))
            }
        }

        /// Each element of the array under `key`, read by `read` from its node.
        func elements<T>(_ key: String, _ read: (Int) throws -> T) throws -> [T] {
            let v = try value(key)
            guard document.nodes[v].kind == .array else {
                throw DecodingError.typeMismatch([T].self, .init(codingPath: codingPath, debugDescription: "expected an array"))
            }
            var result: [T] = []
            result.reserveCapacity(Int(document.nodes[v].count))
            var child = v + 1
            let end = Int(document.nodes[v].next)
            while child < end {
                result.append(try read(child))
                child = Int(document.nodes[child].next)
            }
            return result
        }
    }
}

extension ItemOutcome: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(item: try json.string("item"), result: try json.raw(Result.self, "result"),
                  severity: try json.optionalRaw(Severity.self, "severity"), note: try json.optionalString("note"))
    }
}

extension Inspection: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(shop: try json.string("shop"), date: try json.date("date"), inspector: try json.string("inspector"),
                  checklistVersion: try json.int("checklistVersion"), outcomes: try json.array(ItemOutcome.self, "outcomes"))
    }
}

// The other types recorded most often (complaint filings and steps, points and approvals) read
// the same way; PayloadLayoutTests checks every kind of event against `JSONDecoder`.

extension FastJSON.Object {
    func bool(_ key: String) throws -> Bool { try document.decodeBool(try value(key), codingPath) }
    func optionalBool(_ key: String) throws -> Bool? { try optional(key).map { try document.decodeBool($0, codingPath) } }
    func optionalInt(_ key: String) throws -> Int? { try optional(key).map { try document.decodeSigned(Int.self, $0, codingPath) } }
    func uint64(_ key: String) throws -> UInt64 { try document.decodeUnsigned(UInt64.self, try value(key), codingPath) }
    func optionalUInt64(_ key: String) throws -> UInt64? { try optional(key).map { try document.decodeUnsigned(UInt64.self, $0, codingPath) } }

    func strings(_ key: String) throws -> [String] {
        try elements(key) { try document.decodeString($0, codingPath) }
    }

    /// The object under `key`.
    func object(_ key: String) throws -> FastJSON.Object {
        let v = try value(key)
        guard document.nodes[v].kind == .object else {
            throw DecodingError.typeMismatch([String: String].self, .init(codingPath: codingPath, debugDescription: "expected an object for \(key)"))
        }
        return FastJSON.Object(document: document, node: v, codingPath: codingPath)
    }

    var memberCount: Int { Int(document.nodes[node].count) }
}

extension ComplaintStep: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(receipt: try json.string("receipt"), action: try ComplaintAction(json: try json.object("action")),
                  date: try json.date("date"), note: try json.optionalString("note"))
    }
}

extension ComplaintAction: FastJSONDecodable {
    /// `{"case":{…labelled values…}}`, one member, as Swift's synthesised `Codable` writes it.
    init(json: FastJSON.Object) throws {
        guard json.memberCount == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: json.codingPath, debugDescription: "Invalid number of keys found, expected one."))
        }
        if json.optional("accept") != nil { self = .accept }
        else if json.optional("mediate") != nil { self = .mediate }
        else if json.optional("close") != nil { self = .close }
        else if json.optional("reject") != nil { self = .reject(reason: try json.object("reject").string("reason")) }
        else if json.optional("forward") != nil { self = .forward(department: try json.object("forward").string("department")) }
        else if json.optional("terminate") != nil { self = .terminate(reason: try json.object("terminate").string("reason")) }
        else if json.optional("followUp") != nil { self = .followUp(satisfaction: try json.object("followUp").raw(Satisfaction.self, "satisfaction")) }
        else if json.optional("resolve") != nil {
            let values = try json.object("resolve")
            // A resolution recorded before `upheld` existed reads as upheld (docs/log-format.md).
            self = .resolve(outcome: try values.string("outcome"), amountFen: try values.optionalInt("amountFen"),
                            upheld: try values.optionalBool("upheld") ?? true)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: json.codingPath, debugDescription: "not a complaint action"))
        }
    }
}

extension ComplaintFiled: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(receipt: try json.string("receipt"), shop: try json.optionalString("shop"), category: try json.string("category"),
                  integrity: try json.raw(Integrity.self, "integrity"), text: try json.string("text"), amountFen: try json.optionalInt("amountFen"),
                  wants: try json.strings("wants"), consumerName: try json.optionalString("consumerName"),
                  consumerPhone: try json.optionalString("consumerPhone"), consentToContact: try json.bool("consentToContact"),
                  date: try json.date("date"))
    }
}

extension ContributionRecorded: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(shop: try json.string("shop"), kind: try json.raw(ContributionKind.self, "kind"), points: try json.int("points"),
                  date: try json.date("date"), evidence: try json.string("evidence"))
    }
}

extension ContributionApproved: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(target: try json.uint64("target"))
    }
}

// The general decoder's share of a replay: the types the canonical reader leaves to it (a few in a
// hundred records, but the heaviest of them — merchant records with their pledges — cost many
// times a bulk record through `Decoder`'s containers).

extension Pledge: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(integrity: try json.raw(Integrity.self, "integrity"), text: try json.string("text"))
    }
}

extension Merchant: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(shopNumber: try json.string("shopNumber"), name: try json.string("name"), owner: try json.string("owner"),
                  branch: try json.int("branch"), plate: try json.raw(PlateType.self, "plate"), creditCode: try json.string("creditCode"),
                  business: try json.string("business"), pledges: try json.array(Pledge.self, "pledges"), duties: try json.strings("duties"),
                  guarantees: try json.strings("guarantees"))
    }
}

extension MerchantCorrection: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(target: try json.uint64("target"), reason: try json.string("reason"), merchant: try Merchant(json: try json.object("merchant")))
    }
}

extension Withdrawal: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(target: try json.uint64("target"), reason: try json.string("reason"))
    }
}

extension Committee: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(marketName: try json.string("marketName"), name: try json.string("name"), secretary: try json.string("secretary"))
    }
}

extension Branch: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(number: try json.int("number"), name: try json.string("name"), secretary: try json.string("secretary"))
    }
}

extension ComplaintLinked: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(receipt: try json.string("receipt"), duplicateOf: try json.string("duplicateOf"))
    }
}

extension ComplaintDeductionConfirmed: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(receipt: try json.string("receipt"), severity: try json.raw(Severity.self, "severity"), date: try json.date("date"))
    }
}

extension VetoConfirmed: FastJSONDecodable {
    init(json: FastJSON.Object) throws {
        self.init(shop: try json.string("shop"), kind: try json.string("kind"), date: try json.date("date"), reason: try json.string("reason"),
                  evidence: try json.optionalUInt64("evidence"))
    }
}
