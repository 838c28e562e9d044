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
