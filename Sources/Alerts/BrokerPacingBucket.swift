/// One pacing bucket of the broker's REST client as the alerts read it (Kiwoom's `/api/status` `kiwoomRest`
/// buckets: the query and order categories, then each api-id used).
public struct BrokerPacingBucket: Sendable, Hashable {
    /// `queries`, `orders`, or an api-id (`kt10000`).
    public var name: String
    /// Out of requests with some waiting now.
    public var exhausted: Bool
    /// Requests waiting for it now.
    public var queued: Int
    /// Requests it refused unsent since start (no slot before their deadline).
    public var refusedUnsent: Int
    /// 429s the venue answered for it since start.
    public var rateLimited: Int

    /// Creates a bucket's reading.
    public init(name: String, exhausted: Bool = false, queued: Int = 0, refusedUnsent: Int = 0, rateLimited: Int = 0) {
        self.name = name
        self.exhausted = exhausted
        self.queued = queued
        self.refusedUnsent = refusedUnsent
        self.rateLimited = rateLimited
    }
}
