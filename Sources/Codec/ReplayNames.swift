import Core

/// What a replay keeps between records: the symbols, complaint rows and item lists already
/// looked up by their bytes, and the idempotency keys' hashes (filed with the others at the end).
struct ReplayNames {
    private var symbols = ByteKeyTable()
    private var receipts = ByteKeyTable()
    private var itemLists = ByteKeyTable()
    private var outcomeBlocks = ByteKeyTable()
    /// Scratch for a list of symbols — an inspection's items, a complaint's wishes — its capacity
    /// reused from one list to the next.
    var items: [UInt32] = []
    var keys: [UInt128] = []

    /// The symbol of the name at `span`, interned into `table` if new (as `SymbolTable.id` does
    /// with the same name as a `String`).
    mutating func symbol(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: inout SymbolTable) -> UInt32 {
        if span.isNone { return SymbolTable.none }
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        let id = table.id(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The symbol of the name at `span` if the table has it (nothing is interned).
    mutating func existing(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: SymbolTable) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        guard let id = table.existing(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) else { return nil }
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The row of the complaint case whose receipt is at `span` (found as `caseByReceipt` finds it).
    mutating func caseRow(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ caseByReceipt: [String: UInt32]) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let row = receipts.value(p, n, hash: h) { return row }
        guard let row = caseByReceipt[String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)] else { return nil }
        receipts.insert(p, n, hash: h, value: row)
        return row
    }

    /// Notes the row of a case just filed (whose receipt was not known).
    mutating func filed(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, row: UInt32) {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        receipts.insert(p, n, hash: h, value: row)
    }

    /// Whether every case filed so far was filed through `filed` (none by the general decoder's
    /// route): then a receipt the table does not hold is no case's.
    var receiptsComplete = true

    /// Whether a case with the receipt at `span` was filed already (as `caseByReceipt` tells).
    mutating func isFiled(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ caseByReceipt: [String: UInt32]) -> Bool {
        if receiptsComplete {
            let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
            return receipts.value(p, n, hash: h) != nil
        }
        return caseRow(span, in: payload, caseByReceipt) != nil
    }

    /// The item list of an inspection whose outcomes (all plain passes) are the bytes at `block`,
    /// if an earlier inspection had the very same bytes: then every item was interned then, in the
    /// same order, and folding them one by one again would change nothing but give this list.
    func itemList(ofBlock block: ByteSpan, in payload: UnsafePointer<UInt8>) -> UInt32? {
        outcomeBlocks.value(payload + Int(block.start), Int(block.count), hash: block.hash)
    }

    mutating func noteItemList(_ list: UInt32, ofBlock block: ByteSpan, in payload: UnsafePointer<UInt8>) {
        outcomeBlocks.insert(payload + Int(block.start), Int(block.count), hash: block.hash, value: list)
    }

    /// The list id of `items` (as `SymbolLists.id` gives it).
    mutating func itemList(_ lists: inout SymbolLists) -> UInt32 {
        items.withUnsafeBytes { raw in
            guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return lists.id(items) }
            let h = ByteKeyTable.hash(p, raw.count)
            if let id = itemLists.value(p, raw.count, hash: h) { return id }
            let id = lists.id(items)
            itemLists.insert(p, raw.count, hash: h, value: id)
            return id
        }
    }
}
