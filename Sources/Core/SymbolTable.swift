/// Identifiers (shop numbers, user names, checklist items, codes), each kept once.
public struct SymbolTable: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var ids: [String: UInt32] = [:]

    /// "No symbol" (an optional left empty).
    public static let none = UInt32.max

    public init() {}

    package init(names: [String]) {
        self.names = names
        ids.reserveCapacity(names.count)
        for (i, name) in names.enumerated() where ids[name] == nil { ids[name] = UInt32(i) }
    }

    public mutating func id(_ name: String) -> UInt32 {
        if let id = ids[name] { return id }
        let id = UInt32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    mutating func id(_ name: String?) -> UInt32 { name.map { id($0) } ?? Self.none }

    public func existing(_ name: String) -> UInt32? { ids[name] }

    public subscript(id: UInt32) -> String { id == Self.none || Int(id) >= names.count ? "" : names[Int(id)] }

    func optional(_ id: UInt32) -> String? { id == Self.none ? nil : self[id] }
}

/// Where a text lies in the arena; `length == UInt32.max` is "no text".
package struct TextRef: Sendable, Equatable {
    package var offset: UInt32
    package var length: UInt32
    package static let none = TextRef(offset: 0, length: .max)

    @inlinable package init(offset: UInt32, length: UInt32) {
        self.offset = offset
        self.length = length
    }
}

/// Free text, one UTF-8 byte array. Holds up to 4 GiB of text (some 40 million complaints).
package struct TextArena: Sendable, Equatable {
    package var bytes: [UInt8] = []

    mutating func add(_ text: String?) -> TextRef {
        guard var text else { return .none }
        return text.withUTF8 { add(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Text given as its UTF-8 bytes (a replay copies them straight from the log).
    package mutating func add(utf8: UnsafeRawBufferPointer) -> TextRef {
        let offset = bytes.count
        bytes.append(contentsOf: utf8)
        precondition(bytes.count < Int(UInt32.max), "the text arena is limited to 4 GiB")
        return TextRef(offset: UInt32(offset), length: UInt32(bytes.count - offset))
    }

    func string(_ ref: TextRef) -> String? {
        guard ref.length != .max else { return nil }
        let start = Int(ref.offset), end = start + Int(ref.length)
        guard start >= 0, end <= bytes.count else { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }
}

/// Lists of symbols that repeat (a checklist's items in order, a complaint's wishes), each kept once.
package struct SymbolLists: Sendable, Equatable {
    package var lists: [[UInt32]] = []
    private var ids: [[UInt32]: UInt32] = [:]

    init() {}

    package init(lists: [[UInt32]]) {
        self.lists = lists
        for (i, list) in lists.enumerated() where ids[list] == nil { ids[list] = UInt32(i) }
    }

    package mutating func id(_ list: [UInt32]) -> UInt32 {
        if let id = ids[list] { return id }
        let id = UInt32(lists.count)
        lists.append(list)
        ids[list] = id
        return id
    }

    subscript(id: UInt32) -> [UInt32] { Int(id) < lists.count ? lists[Int(id)] : [] }
}

/// Enumerations stored as their position among all cases.
extension CaseIterable where Self: Equatable {
    package var code: UInt8 { UInt8(Self.allCases.distance(from: Self.allCases.startIndex, to: Self.allCases.firstIndex(of: self) ?? Self.allCases.startIndex)) }

    package static func decode(_ code: UInt8) -> Self? {
        guard Int(code) < Self.allCases.count else { return nil }
        return Self.allCases[Self.allCases.index(Self.allCases.startIndex, offsetBy: Int(code))]
    }
}
