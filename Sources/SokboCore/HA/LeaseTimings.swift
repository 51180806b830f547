/// How long a leader's lease lasts and how often it is renewed, tried for, and given up.
///
/// Why these defaults (`../shared/ha-notes.md` §1): a 5 s lease renewed every second survives four lost
/// renewals' worth of jitter; the active stops sending 3 s after the last renewal it *sent* that
/// succeeded, on its own monotonic clock, so it is silent 2 s before any other node can win the lease on
/// the database's clock. A standby tries once a second, so a failover takes the lease time plus at most
/// a second, plus the takeover (a read of the orders in flight).
public struct LeaseTimings: Sendable, Equatable {
    /// How long a lease lasts past its last renewal, on the database's clock (`SOKBO_HA_LEASE_MS`).
    public var lease: Duration
    /// How often the active renews (`SOKBO_HA_RENEW_MS`).
    public var renewEvery: Duration
    /// How long after the last successful renewal was sent the active stops sending (`SOKBO_HA_DEMOTE_MS`).
    public var demoteAfter: Duration
    /// How often a standby tries to take an expired lease (`SOKBO_HA_ACQUIRE_MS`).
    public var acquireEvery: Duration

    /// Creates timings; `validationError` says whether they are consistent.
    public init(lease: Duration = .seconds(5), renewEvery: Duration = .seconds(1), demoteAfter: Duration = .seconds(3),
                acquireEvery: Duration = .seconds(1)) {
        self.lease = lease
        self.renewEvery = renewEvery
        self.demoteAfter = demoteAfter
        self.acquireEvery = acquireEvery
    }

    /// How long after winning the lease a request of the previous holder may still reach the venue, given how
    /// long one of its requests can be out (`requestWindow`: its order timeout plus a margin) and why the lease
    /// changed hands. Counted from the old holder's deadline, not from the win: a holder that stopped renewing
    /// stopped sending `demoteAfter` after its last successful renewal was sent (its own monotonic clock), and
    /// that renewal set the expiry `lease` after it reached the database, so its last send came at least
    /// `lease - demoteAfter` before the lease could expire, hence before any win. A released lease (graceful
    /// stop) gives no such head start: the holder stopped sending only as it released. Unknown: the worst case.
    public func inFlightHold(requestWindow: Duration, cause: String?) -> Duration {
        guard cause == "expired" else { return requestWindow }
        return max(.zero, requestWindow - (lease - demoteAfter))
    }

    /// Why the timings cannot keep one active at a time, or nil when they can: a renewal must come before the
    /// demotion deadline, and the demotion must come before the lease can expire for the others.
    public var validationError: String? {
        if renewEvery <= .zero || acquireEvery <= .zero { return "intervals must be positive" }
        if renewEvery >= demoteAfter { return "the renewal interval must be shorter than the demotion deadline" }
        if demoteAfter >= lease { return "the demotion deadline must be shorter than the lease" }
        return nil
    }
}
