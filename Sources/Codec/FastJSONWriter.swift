import Core
import Foundation

/// Writes an `Encodable` value as JSON with exactly the bytes Foundation's `JSONEncoder` produces
/// with `outputFormatting = [.sortedKeys, .withoutEscapingSlashes]` (the event payload format,
/// docs/log-format.md), several times faster: the durable append encodes every event with it.
///
/// What it reproduces (checked byte for byte against `JSONEncoder` in FastJSONWriterTests and PayloadLayoutTests):
/// object members sorted by the UTF-8 bytes of their keys; no spaces; strings with `"` and `\`
/// escaped, `\b \f \n \r \t` for those controls and `\u00xx` (lower-case hex) for the other
/// characters below U+0020, everything else (including `/`, DEL and non-ASCII) as raw UTF-8;
/// integers and booleans in their plain form; `null` for an explicit nil; a value that
/// encodes nothing as `{}`. Integer-keyed dictionaries become objects with decimal keys,
/// as `JSONEncoder` writes them.
///
/// What it does not attempt: floating-point numbers, `Date`, `Data`, `URL`, `Decimal` (each has its
/// own strategy in `JSONEncoder`), a key written twice. For those it throws
/// `FastJSONWriter.Unsupported` and the caller uses `JSONEncoder` instead, so the bytes are
/// always `JSONEncoder`'s.
public enum FastJSONWriter {
    public struct Unsupported: Error, Sendable {
        public let what: String
    }

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        var out: [UInt8] = []
        out.reserveCapacity(512)
        try root.write(to: &out)
        return out
    }

    // MARK: The tree of values

    final class Node {
        enum Kind { case empty, scalar, array, object }
        var kind: Kind = .empty
        /// The JSON text of a scalar.
        var scalar: [UInt8] = []
        var items: [Node] = []
        var members: [(key: String, node: Node)] = []

        func write(to out: inout [UInt8]) throws {
            switch kind {
            case .empty:
                out.append(UInt8(ascii: "{"))
                out.append(UInt8(ascii: "}"))
            case .scalar:
                out += scalar
            case .array:
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    try item.write(to: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .object:
                let sorted = members.count < 2 ? members : members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                out.append(UInt8(ascii: "{"))
                for (i, member) in sorted.enumerated() {
                    if i > 0 {
                        if sorted[i - 1].key == member.key { throw Unsupported(what: "key \(member.key) written twice") }
                        out.append(UInt8(ascii: ","))
                    }
                    FastJSONWriter.writeString(member.key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    try member.node.write(to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func stringNode(_ string: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 2)
        writeString(string, to: &out)
        return out
    }

    /// The node for a value: scalars directly, the types `JSONEncoder` treats specially refused,
    /// anything else through its own `encode(to:)`.
    /// Type checks are metatype comparisons (a pointer compare each), not dynamic casts; the coding
    /// path is only built for values that get an encoder of their own.
    static func node<T: Encodable>(for value: T, codingPath: @autoclosure () -> [any CodingKey]) throws -> Node {
        let node = Node()
        if T.self == String.self, let v = value as? String {
            node.kind = .scalar
            node.scalar = stringNode(v)
        } else if T.self == Int.self, let v = value as? Int {
            node.kind = .scalar
            node.scalar = Array(String(v).utf8)
        } else if T.self == Bool.self, let v = value as? Bool {
            node.kind = .scalar
            node.scalar = Array((v ? "true" : "false").utf8)
        } else if T.self == Double.self || T.self == Float.self || T.self == Date.self || T.self == Data.self
                    || T.self == URL.self || T.self == Decimal.self {
            throw Unsupported(what: "\(T.self)")
        } else {
            try value.encode(to: NodeEncoder(node: node, codingPath: codingPath()))
        }
        return node
    }

    // MARK: Encoder

    struct NodeEncoder: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.kind != .object { node.kind = .object; node.members = [] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.kind != .array { node.kind = .array; node.items = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(node: node, codingPath: codingPath)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws {
            let child = Node()
            child.kind = .scalar
            child.scalar = Array("null".utf8)
            node.members.append((key.stringValue, child))
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.members.append((key.stringValue, try FastJSONWriter.node(for: value, codingPath: codingPath + [key])))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.kind = .object
            node.members.append((key.stringValue, child))
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            child.kind = .array
            node.members.append((key.stringValue, child))
            return Unkeyed(node: child, codingPath: codingPath + [key])
        }

        // As `JSONEncoder`: the superclass's value goes under the key `super` (or the key given).
        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }
        private func superEncoder(named name: String) -> any Encoder {
            let child = Node()
            node.members.append((name, child))
            return NodeEncoder(node: child, codingPath: codingPath)
        }
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { return nil }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.items.count }

        mutating func encodeNil() throws {
            let child = Node()
            child.kind = .scalar
            child.scalar = Array("null".utf8)
            node.items.append(child)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            node.items.append(try FastJSONWriter.node(for: value, codingPath: codingPath + [IndexKey(intValue: count)]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.kind = .object
            node.items.append(child)
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath + [IndexKey(intValue: count - 1)]))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            child.kind = .array
            node.items.append(child)
            return Unkeyed(node: child, codingPath: codingPath + [IndexKey(intValue: count - 1)])
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.items.append(child)
            return NodeEncoder(node: child, codingPath: codingPath)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        private func set(_ text: [UInt8]) {
            node.kind = .scalar
            node.scalar = text
        }
        private func integer<I: BinaryInteger & LosslessStringConvertible>(_ v: I) { set(Array(String(v).utf8)) }

        mutating func encodeNil() throws { set(Array("null".utf8)) }
        mutating func encode(_ value: Bool) throws { set(Array((value ? "true" : "false").utf8)) }
        mutating func encode(_ value: String) throws { set(FastJSONWriter.stringNode(value)) }
        mutating func encode(_ value: Double) throws { throw Unsupported(what: "Double") }
        mutating func encode(_ value: Float) throws { throw Unsupported(what: "Float") }
        mutating func encode(_ value: Int) throws { integer(value) }
        mutating func encode(_ value: Int8) throws { integer(value) }
        mutating func encode(_ value: Int16) throws { integer(value) }
        mutating func encode(_ value: Int32) throws { integer(value) }
        mutating func encode(_ value: Int64) throws { integer(value) }
        mutating func encode(_ value: UInt) throws { integer(value) }
        mutating func encode(_ value: UInt8) throws { integer(value) }
        mutating func encode(_ value: UInt16) throws { integer(value) }
        mutating func encode(_ value: UInt32) throws { integer(value) }
        mutating func encode(_ value: UInt64) throws { integer(value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let child = try FastJSONWriter.node(for: value, codingPath: codingPath)
            node.kind = child.kind
            node.scalar = child.scalar
            node.items = child.items
            node.members = child.members
        }
    }
}
