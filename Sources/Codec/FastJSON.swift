import Core
import Foundation

/// A small, fast JSON reader for the hot paths (replaying the log, reading the snapshot), where
/// Foundation's `JSONDecoder` was the bottleneck. It parses RFC 8259 JSON into a flat array of
/// nodes (no dictionaries, no values copied until asked for) and decodes any `Decodable` type
/// from it through its own `Decoder`, so every event type — including ones added later — keeps
/// working without hand-written code. The on-disk format is unchanged: this is only a reader.
///
/// Differences from `JSONDecoder` that cannot matter for chengxin's payloads (written by
/// `JSONEncoder`): duplicate keys resolve to the first; no key or date decoding strategies.
public enum FastJSON {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "JSON syntax error at byte \(offset): \(reason)" }
    }

    /// Decodes a value of type `T` from UTF-8 JSON bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let document = try Document(bytes)
        return try document.decode(type, at: 0)
    }

    enum Kind: UInt8 {
        case object, array, string, escapedString, number, trueValue, falseValue, null
    }

    /// One value in the document. Containers are followed by their children (an object's children
    /// alternate key, value); `next` is the index just past the node's subtree.
    struct Node {
        var kind: Kind
        var start: Int32
        var end: Int32
        var next: Int32
        var count: Int32
    }

    /// A parsed document: the bytes and the nodes over them.
    public final class Document {
        let bytes: [UInt8]
        var nodes: ContiguousArray<Node> = []

        public init(_ bytes: [UInt8]) throws {
            self.bytes = bytes
            nodes.reserveCapacity(max(16, bytes.count / 8))
            try bytes.withUnsafeBufferPointer { buffer in
                var parser = Parser(bytes: buffer, nodes: [])
                parser.nodes.reserveCapacity(max(16, bytes.count / 8))
                parser.skipSpace()
                try parser.parseValue(depth: 0)
                parser.skipSpace()
                if parser.position != buffer.count { throw SyntaxError(offset: parser.position, reason: "data after the value") }
                nodes = parser.nodes
            }
        }

        public func decode<T: Decodable>(_ type: T.Type, at node: Int) throws -> T {
            try decodeValue(type, node, [])
        }

        /// Member indexes of large objects (dictionaries in the snapshot), built on first use.
        private var indexes: [Int: [String: Int]] = [:]

        /// What the value at `node` is.
        func kind(of node: Int) -> Kind { nodes[node].kind }

        /// Whether the value at `node` is a string (with or without escapes).
        func isString(_ node: Int) -> Bool { nodes[node].kind == .string || nodes[node].kind == .escapedString }

        /// The bytes of the value at `node` as written (a number's digits).
        func rawText(of node: Int) -> String {
            let n = nodes[node]
            return String(decoding: bytes[Int(n.start)..<Int(n.end)], as: UTF8.self)
        }

        /// The index of the value of `key` in the object at `node`, if there is one.
        func member(_ key: String, in node: Int) -> Int? {
            guard nodes[node].kind == .object else { return nil }
            if nodes[node].count > 24 {
                if let index = indexes[node] { return index[key] }
                var index: [String: Int] = [:]
                index.reserveCapacity(Int(nodes[node].count))
                var child = node + 1
                let end = Int(nodes[node].next)
                while child < end {
                    if let text = try? string(child), index[text] == nil { index[text] = child + 1 }
                    child = Int(nodes[child + 1].next)
                }
                indexes[node] = index
                return index[key]
            }
            var child = node + 1
            let end = Int(nodes[node].next)
            while child < end {
                let value = child + 1
                if keyEquals(child, key) { return value }
                child = Int(nodes[value].next)
            }
            return nil
        }

        func keyEquals(_ node: Int, _ key: String) -> Bool {
            let n = nodes[node]
            if n.kind == .escapedString { return (try? string(node)) == key }
            let start = Int(n.start), end = Int(n.end)
            var key = key
            return key.withUTF8 { utf8 in
                guard utf8.count == end - start else { return false }
                return bytes.withUnsafeBufferPointer { b in
                    guard let base = b.baseAddress, let key = utf8.baseAddress else { return utf8.count == 0 }
                    return memcmp(base + start, key, utf8.count) == 0
                }
            }
        }

        func string(_ node: Int) throws -> String {
            let n = nodes[node]
            let start = Int(n.start), end = Int(n.end)
            switch n.kind {
            case .string:
                return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
            case .escapedString:
                return try unescape(start, end)
            default:
                throw SyntaxError(offset: start, reason: "not a string")
            }
        }

        private func unescape(_ start: Int, _ end: Int) throws -> String {
            var out: [UInt8] = []
            out.reserveCapacity(end - start)
            var i = start
            func hex4(_ at: Int) throws -> UInt32 {
                guard at + 4 <= end else { throw SyntaxError(offset: at, reason: "short \\u escape") }
                var v: UInt32 = 0
                for k in at..<at + 4 {
                    let c = bytes[k]
                    let d: UInt32
                    switch c {
                    case 48...57: d = UInt32(c - 48)
                    case 65...70: d = UInt32(c - 55)
                    case 97...102: d = UInt32(c - 87)
                    default: throw SyntaxError(offset: k, reason: "bad \\u escape")
                    }
                    v = v << 4 | d
                }
                return v
            }
            while i < end {
                let c = bytes[i]
                if c != 92 {
                    out.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < end else { throw SyntaxError(offset: i, reason: "bad escape") }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case 34: out.append(34)
                case 92: out.append(92)
                case 47: out.append(47)
                case 98: out.append(8)
                case 102: out.append(12)
                case 110: out.append(10)
                case 114: out.append(13)
                case 116: out.append(9)
                case 117:
                    var scalar = try hex4(i)
                    i += 4
                    if (0xD800...0xDBFF).contains(scalar), i + 6 <= end, bytes[i] == 92, bytes[i + 1] == 117 {
                        let low = try hex4(i + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                    }
                    let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(value)).utf8))
                default:
                    throw SyntaxError(offset: i - 1, reason: "bad escape")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// The number's bytes as an integer, when it is one (no fraction or exponent).
        func integer(_ node: Int) -> Int64? {
            let n = nodes[node]
            guard n.kind == .number else { return nil }
            var i = Int(n.start)
            let end = Int(n.end)
            var negative = false
            if bytes[i] == 45 { negative = true; i += 1 }
            var value: Int64 = 0
            while i < end {
                let d = bytes[i] &- 48
                guard d < 10 else { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                value = s
                i += 1
            }
            return negative ? -value : value
        }

        func unsigned(_ node: Int) -> UInt64? {
            let n = nodes[node]
            guard n.kind == .number, bytes[Int(n.start)] != 45 else { return nil }
            var value: UInt64 = 0
            for i in Int(n.start)..<Int(n.end) {
                let d = bytes[i] &- 48
                guard d < 10 else { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(d))
                if o1 || o2 { return nil }
                value = s
            }
            return value
        }

        func double(_ node: Int) -> Double? {
            let n = nodes[node]
            guard n.kind == .number else { return nil }
            let text = String(decoding: bytes[Int(n.start)..<Int(n.end)], as: UTF8.self)
            return Double(text)
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var nodes: ContiguousArray<Node>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, nodes: ContiguousArray<Node>) {
            self.bytes = bytes
            self.nodes = nodes
        }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 32, 9, 10, 13: position += 1
                default: return
                }
            }
        }

        func fail(_ reason: String) -> SyntaxError { SyntaxError(offset: position, reason: reason) }

        mutating func parseValue(depth: Int) throws {
            guard depth < 512 else { throw fail("nested too deeply") }
            guard position < bytes.count else { throw fail("unexpected end") }
            switch bytes[position] {
            case 123: try parseObject(depth: depth)
            case 91: try parseArray(depth: depth)
            case 34: try parseString()
            case 116: try literal([116, 114, 117, 101], .trueValue)
            case 102: try literal([102, 97, 108, 115, 101], .falseValue)
            case 110: try literal([110, 117, 108, 108], .null)
            case 45, 48...57: try parseNumber()
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: [UInt8], _ kind: Kind) throws {
            guard position + word.count <= bytes.count else { throw fail("unexpected end") }
            for (k, c) in word.enumerated() where bytes[position + k] != c { throw fail("bad literal") }
            let start = Int32(position)
            position += word.count
            nodes.append(Node(kind: kind, start: start, end: Int32(position), next: Int32(nodes.count + 1), count: 0))
        }

        mutating func parseNumber() throws {
            let start = position
            if bytes[position] == 45 { position += 1 }
            func digits() -> Int {
                let from = position
                while position < bytes.count, bytes[position] &- 48 < 10 { position += 1 }
                return position - from
            }
            guard position < bytes.count else { throw fail("bad number") }
            if bytes[position] == 48 {
                position += 1
            } else if digits() == 0 {
                throw fail("bad number")
            }
            if position < bytes.count, bytes[position] == 46 {
                position += 1
                guard digits() > 0 else { throw fail("bad number") }
            }
            if position < bytes.count, bytes[position] == 101 || bytes[position] == 69 {
                position += 1
                if position < bytes.count, bytes[position] == 43 || bytes[position] == 45 { position += 1 }
                guard digits() > 0 else { throw fail("bad number") }
            }
            nodes.append(Node(kind: .number, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1), count: 0))
        }

        mutating func parseString() throws {
            position += 1
            let start = position
            var escaped = false
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let c = bytes[position]
                if c == 34 { break }
                if c == 92 {
                    escaped = true
                    position += 2
                    continue
                }
                if c < 32 { throw fail("control character in string") }
                position += 1
            }
            guard position <= bytes.count else { throw fail("unterminated string") }
            nodes.append(Node(kind: escaped ? .escapedString : .string, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1), count: 0))
            position += 1
        }

        mutating func parseObject(depth: Int) throws {
            let index = nodes.count
            nodes.append(Node(kind: .object, start: Int32(position), end: 0, next: 0, count: 0))
            position += 1
            skipSpace()
            var count: Int32 = 0
            if position < bytes.count, bytes[position] == 125 {
                position += 1
            } else {
                while true {
                    guard position < bytes.count, bytes[position] == 34 else { throw fail("expected a key") }
                    try parseString()
                    skipSpace()
                    guard position < bytes.count, bytes[position] == 58 else { throw fail("expected ':'") }
                    position += 1
                    skipSpace()
                    try parseValue(depth: depth + 1)
                    count += 1
                    skipSpace()
                    guard position < bytes.count else { throw fail("unterminated object") }
                    if bytes[position] == 44 {
                        position += 1
                        skipSpace()
                        continue
                    }
                    guard bytes[position] == 125 else { throw fail("expected ',' or '}'") }
                    position += 1
                    break
                }
            }
            nodes[index].end = Int32(position)
            nodes[index].next = Int32(nodes.count)
            nodes[index].count = count
        }

        mutating func parseArray(depth: Int) throws {
            let index = nodes.count
            nodes.append(Node(kind: .array, start: Int32(position), end: 0, next: 0, count: 0))
            position += 1
            skipSpace()
            var count: Int32 = 0
            if position < bytes.count, bytes[position] == 93 {
                position += 1
            } else {
                while true {
                    try parseValue(depth: depth + 1)
                    count += 1
                    skipSpace()
                    guard position < bytes.count else { throw fail("unterminated array") }
                    if bytes[position] == 44 {
                        position += 1
                        skipSpace()
                        continue
                    }
                    guard bytes[position] == 93 else { throw fail("expected ',' or ']'") }
                    position += 1
                    break
                }
            }
            nodes[index].end = Int32(position)
            nodes[index].next = Int32(nodes.count)
            nodes[index].count = count
        }
    }
}

/// A key for dictionaries and for coding paths.
struct FastJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = Int(stringValue) }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

struct NodeDecoder: Decoder {
    let document: FastJSON.Document
    let node: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard document.nodes[node].kind == .object else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "expected an object"))
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(document: document, node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard document.nodes[node].kind == .array else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "expected an array"))
        }
        return UnkeyedNodeContainer(document: document, node: node, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeContainer(document: document, node: node, codingPath: codingPath)
    }
}

/// Decoding of one value node; shared by the three containers.
extension FastJSON.Document {
    @inline(__always)
    func mismatch<T>(_ type: T.Type, _ node: Int, _ path: [any CodingKey]) -> DecodingError {
        if nodes[node].kind == .null {
            return DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "found null"))
        }
        return DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type)"))
    }

    func decodeBool(_ node: Int, _ path: [any CodingKey]) throws -> Bool {
        switch nodes[node].kind {
        case .trueValue: return true
        case .falseValue: return false
        default: throw mismatch(Bool.self, node, path)
        }
    }

    func decodeString(_ node: Int, _ path: [any CodingKey]) throws -> String {
        guard nodes[node].kind == .string || nodes[node].kind == .escapedString else { throw mismatch(String.self, node, path) }
        return try string(node)
    }

    func decodeSigned<T: FixedWidthInteger & SignedInteger>(_ type: T.Type, _ node: Int, _ path: [any CodingKey]) throws -> T {
        guard let value = integer(node) else { throw mismatch(type, node, path) }
        guard let exact = T(exactly: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(value) does not fit in \(type)"))
        }
        return exact
    }

    func decodeUnsigned<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ node: Int, _ path: [any CodingKey]) throws -> T {
        guard let value = unsigned(node) else { throw mismatch(type, node, path) }
        guard let exact = T(exactly: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(value) does not fit in \(type)"))
        }
        return exact
    }

    func decodeDouble(_ node: Int, _ path: [any CodingKey]) throws -> Double {
        guard let value = double(node) else { throw mismatch(Double.self, node, path) }
        return value
    }

    func decodeValue<T: Decodable>(_ type: T.Type, _ node: Int, _ path: [any CodingKey]) throws -> T {
        // The common leaf types directly, without a nested decoder.
        if type == String.self, let value = try decodeString(node, path) as? T { return value }
        if type == Int.self, let value = try decodeSigned(Int.self, node, path) as? T { return value }
        if type == UInt64.self, let value = try decodeUnsigned(UInt64.self, node, path) as? T { return value }
        if type == Bool.self, let value = try decodeBool(node, path) as? T { return value }
        if let fast = type as? FastJSONDecodable.Type, nodes[node].kind == .object,
           let value = try fast.init(json: FastJSON.Object(document: self, node: node, codingPath: path)) as? T {
            return value
        }
        return try T(from: NodeDecoder(document: self, node: node, codingPath: path))
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let document: FastJSON.Document
    let node: Int
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var keys: [Key] = []
        var child = node + 1
        let end = Int(document.nodes[node].next)
        while child < end {
            if let text = try? document.string(child), let key = Key(stringValue: text) { keys.append(key) }
            child = Int(document.nodes[child + 1].next)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { document.member(key.stringValue, in: node) != nil }

    @inline(__always)
    func value(_ key: Key) throws -> Int {
        guard let value = document.member(key.stringValue, in: node) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return value
    }

    func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool {
        document.nodes[try value(key)].kind == .null
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try document.decodeBool(try value(key), codingPath) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try document.decodeString(try value(key), codingPath) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try document.decodeDouble(try value(key), codingPath) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try document.decodeDouble(try value(key), codingPath)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try document.decodeSigned(type, try value(key), codingPath) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try document.decodeSigned(type, try value(key), codingPath) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try document.decodeSigned(type, try value(key), codingPath) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try document.decodeSigned(type, try value(key), codingPath) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try document.decodeSigned(type, try value(key), codingPath) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try document.decodeUnsigned(type, try value(key), codingPath) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try document.decodeUnsigned(type, try value(key), codingPath) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try document.decodeUnsigned(type, try value(key), codingPath) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try document.decodeUnsigned(type, try value(key), codingPath) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try document.decodeUnsigned(type, try value(key), codingPath) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try document.decodeValue(type, try value(key), path(key)) }

    // Absent and null are both "no value", as with JSONDecoder.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let v = document.member(key.stringValue, in: node), document.nodes[v].kind != .null else { return nil }
        return try document.decodeString(v, codingPath)
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let v = document.member(key.stringValue, in: node), document.nodes[v].kind != .null else { return nil }
        return try document.decodeSigned(type, v, codingPath)
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let v = document.member(key.stringValue, in: node), document.nodes[v].kind != .null else { return nil }
        return try document.decodeBool(v, codingPath)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = document.member(key.stringValue, in: node), document.nodes[v].kind != .null else { return nil }
        return try document.decodeValue(type, v, path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(document: document, node: try value(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(document: document, node: try value(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        NodeDecoder(document: document, node: document.member("super", in: node) ?? node, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(document: document, node: try value(key), codingPath: path(key))
    }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let document: FastJSON.Document
    let node: Int
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0
    private var child: Int

    init(document: FastJSON.Document, node: Int, codingPath: [any CodingKey]) {
        self.document = document
        self.node = node
        self.codingPath = codingPath
        child = node + 1
    }

    var count: Int? { Int(document.nodes[node].count) }
    var isAtEnd: Bool { currentIndex >= Int(document.nodes[node].count) }

    mutating func next() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "unkeyed container is at its end"))
        }
        let current = child
        child = Int(document.nodes[current].next)
        currentIndex += 1
        return current
    }

    var path: [any CodingKey] { codingPath + [FastJSONKey(intValue: currentIndex)] }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if document.nodes[child].kind == .null {
            _ = try next()
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try document.decodeBool(try next(), codingPath) }
    mutating func decode(_ type: String.Type) throws -> String { try document.decodeString(try next(), codingPath) }
    mutating func decode(_ type: Double.Type) throws -> Double { try document.decodeDouble(try next(), codingPath) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try document.decodeDouble(try next(), codingPath)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try document.decodeSigned(type, try next(), codingPath) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try document.decodeSigned(type, try next(), codingPath) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try document.decodeSigned(type, try next(), codingPath) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try document.decodeSigned(type, try next(), codingPath) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try document.decodeSigned(type, try next(), codingPath) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try document.decodeUnsigned(type, try next(), codingPath) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try document.decodeUnsigned(type, try next(), codingPath) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try document.decodeUnsigned(type, try next(), codingPath) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try document.decodeUnsigned(type, try next(), codingPath) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try document.decodeUnsigned(type, try next(), codingPath) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let p = path
        return try document.decodeValue(type, try next(), p)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let p = path
        return try NodeDecoder(document: document, node: try next(), codingPath: p).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let p = path
        return try NodeDecoder(document: document, node: try next(), codingPath: p).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let p = path
        return NodeDecoder(document: document, node: try next(), codingPath: p)
    }
}

struct SingleNodeContainer: SingleValueDecodingContainer {
    let document: FastJSON.Document
    let node: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { document.nodes[node].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try document.decodeBool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try document.decodeString(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try document.decodeDouble(node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try document.decodeDouble(node, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try document.decodeSigned(type, node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try document.decodeSigned(type, node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try document.decodeSigned(type, node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try document.decodeSigned(type, node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try document.decodeSigned(type, node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try document.decodeUnsigned(type, node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try document.decodeUnsigned(type, node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try document.decodeUnsigned(type, node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try document.decodeUnsigned(type, node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try document.decodeUnsigned(type, node, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try document.decodeValue(type, node, codingPath) }
}

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
