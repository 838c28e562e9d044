import Foundation

/// The payload of `snapshot.bin` (docs/log-format.md, "Snapshots"): `{"version":N,"market":{…}}`,
/// the folded state as JSON. Shared by the CLI's store and the benchmark so that both open a data
/// directory the same way.
public enum MarketSnapshot {
    private struct Payload: Codable {
        var version: Int
        var market: MarketState
    }

    public static func encode(_ market: MarketState) throws -> [UInt8] {
        Array(try JSONEncoder().encode(Payload(version: MarketState.snapshotVersion, market: market)))
    }

    /// The state, or nil when the payload is damaged or of another version (the caller replays).
    public static func decode(_ payload: [UInt8]) -> MarketState? {
        guard let decoded = try? FastJSON.decode(Payload.self, from: payload),
              decoded.version == MarketState.snapshotVersion else { return nil }
        return decoded.market
    }
}
