/// The names nearest a mistyped one: a command, a subcommand, an option or a value.
public enum Suggestions {
    /// Up to three of `candidates` close to `typed`: by edit distance (a swap of two neighbours
    /// counts once), small for the word's length, or a candidate that `typed` begins (an
    /// abbreviation such as `merch`); nearest first, ties in the candidates' order.
    public static func nearest(_ typed: String, among candidates: [String]) -> [String] {
        let word = Array(typed.lowercased())
        guard !word.isEmpty else { return [] }
        let allowed = max(1, min(3, word.count / 3))
        var scored: [(name: String, distance: Int, order: Int)] = []
        for (order, candidate) in candidates.enumerated() {
            let other = Array(candidate.lowercased())
            let distance = editDistance(word, other)
            if distance <= allowed {
                scored.append((candidate, distance, order))
            } else if word.count >= 3, other.starts(with: word) {
                scored.append((candidate, allowed + 1, order))
            }
        }
        return scored.sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.prefix(3).map(\.name)
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbouring characters each cost one.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
