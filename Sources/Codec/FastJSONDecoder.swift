import Foundation

// FastJSON's `Decoder` (FastJSON.swift): any `Decodable` type read from the parsed nodes.

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
