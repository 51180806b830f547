import Foundation
import SokboCore

/// One pacing bucket of the Kiwoom client as `/api/status` shows it: what is left of its budget now, what
/// waits for it, and what the venue said about it (`kiwoom-rest.md` §7).
public struct KiwoomBucketStatus: Sendable, Equatable, Encodable {
    /// Whether a bucket paces a whole category or one api-id.
    public enum Kind: String, Sendable, Encodable {
        /// All queries or all orders together (`KIWOOM_QUERIES_*`, `KIWOOM_ORDERS_*`).
        case category
        /// One api-id on its own (`KIWOOM_API_ID_*`).
        case apiID
    }

    /// `queries`, `orders`, or the api-id (`kt10000`).
    public var bucket: String
    /// Category or api-id.
    public var kind: Kind
    /// Requests that could leave now (tokens held, rounded down to a hundredth).
    public var available: Double
    /// The most it holds: its burst.
    public var limit: Int
    /// Its sustained rate.
    public var perSecond: Double
    /// Requests waiting for a token of it now.
    public var queued: Int
    /// Requests it let through since start.
    public var used: Int
    /// 429s the venue answered for it since start.
    public var rateLimited: Int
    /// Requests refused unsent because it had no slot before their deadline.
    public var refused: Int
    /// When a 429's pause ends, while one lasts.
    public var pausedUntil: Date?
    /// When the venue last answered 429 for it.
    public var lastRateLimitedAt: Date?

    /// Out of requests with some waiting: the waiters are held up until it refills.
    public var isExhausted: Bool { available < 1 && queued > 0 }

    /// Creates a status from the queue's durations, relative to the moment it was taken.
    init(bucket: String, kind: Kind, available: Double, limit: Int, perSecond: Double, queued: Int, used: Int, rateLimited: Int,
         refused: Int, pausedFor: Duration?, sinceRateLimited: Duration?, at now: Date) {
        self.bucket = bucket
        self.kind = kind
        self.available = available
        self.limit = limit
        self.perSecond = perSecond
        self.queued = queued
        self.used = used
        self.rateLimited = rateLimited
        self.refused = refused
        self.pausedUntil = pausedFor.map { now.addingTimeInterval($0.seconds) }
        self.lastRateLimitedAt = sinceRateLimited.map { now.addingTimeInterval(-$0.seconds) }
    }
}
