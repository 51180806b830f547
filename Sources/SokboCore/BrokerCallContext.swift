/// Why a broker call is made and how long its venue requests may wait for the venue's request budget.
///
/// Carried as a task-local so it crosses the `Broker` protocol without changing it and reaches the
/// concurrent child tasks of a snapshot: the HTTP routes mark their calls `.lookup`, the engine may set
/// an entry's deadline, and a venue client paces each request by it (orders ahead of trading queries
/// ahead of lookups ahead of upkeep; a request that could not leave before its bound is refused at once).
public struct BrokerCallContext: Sendable, Hashable {
    /// How urgent a call is; a higher value is served first when requests queue for the same budget.
    public enum Purpose: Int, Sendable, Hashable, Comparable {
        /// Upkeep nobody waits for (re-reading a watched stock's day reference).
        case background = 0
        /// A lookup for an HTTP client (`GET /api/stocks/{code}`, charts): refused rather than queued long.
        case lookup = 1
        /// A query on the trading path (snapshots, reconciliation).
        case trading = 2
        /// An order, modify or cancel.
        case order = 3

        /// Orders first, upkeep last.
        public static func < (lhs: Purpose, rhs: Purpose) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The urgency of the call's queries (a venue client always treats order TRs as `.order`).
    public var purpose: Purpose
    /// The latest instant a request of this call may leave; nil: the venue client's own bound.
    public var deadline: ContinuousClock.Instant?

    /// Creates a context.
    public init(purpose: Purpose, deadline: ContinuousClock.Instant? = nil) {
        self.purpose = purpose
        self.deadline = deadline
    }

    /// The context of the current task: trading, with no deadline of its own, unless a caller set one.
    @TaskLocal public static var current = BrokerCallContext(purpose: .trading)
}
