/// The snapshot an entry is sized from, with what it cost at the venue.
public struct EntrySnapshot: Sendable {
    /// The snapshot. On a round trip it may carry less than `Broker.snapshot` (see `Broker.entrySnapshot`).
    public var snapshot: StockSnapshot
    /// Venue queries spent on it: 0 from a realtime feed, 1 (the order book) with the day's reference
    /// already read; nil when the broker does not count.
    public var queries: Int?

    /// Creates an entry snapshot.
    public init(snapshot: StockSnapshot, queries: Int?) {
        self.snapshot = snapshot
        self.queries = queries
    }
}
