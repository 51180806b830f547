/// A token bucket as pure state: `rate` tokens a second, refilled continuously, holding at most `burst`.
///
/// No clock of its own: every call carries `now`, so the client's pacing and the simulator's venue limits
/// both run on this one bucket and tests drive it on an injected instant.
public struct TokenBucket: Sendable, Equatable {
    /// The instants it runs on.
    public typealias Instant = ContinuousClock.Instant

    /// Tokens earned per second.
    public let rate: Double
    /// The most tokens it holds.
    public let burst: Double
    /// Tokens held at `last` (fractional between refills).
    public var tokens: Double
    /// When `tokens` was last brought up to date.
    public var last: Instant

    /// A full bucket at `now`.
    public init(rate: Double, burst: Double, now: Instant) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        last = now
    }

    /// Adds the tokens earned up to `now`, counting from `last`, or from `earningFrom` when that is later
    /// (a pause earns nothing). Does nothing until time has passed beyond both.
    public mutating func refill(to now: Instant, earningFrom start: Instant? = nil) {
        let from = max(last, start ?? last)
        guard now > from else { return }
        tokens = min(burst, tokens + from.duration(to: now).seconds * rate)
        last = now
    }

    /// When the bucket will hold `count` tokens if none is taken meanwhile, no earlier than `now` (refilled
    /// as `refill(to:earningFrom:)` does): `now` when it holds them by then (within `tolerance`), else in
    /// whole nanoseconds, so that instants computed at the same rate compare equal.
    public func instant(holding count: Double, after now: Instant, earningFrom start: Instant? = nil, tolerance: Double = 0) -> Instant {
        var copy = self
        copy.refill(to: now, earningFrom: start)
        let missing = count - copy.tokens
        guard missing > tolerance else { return now }
        return now + .nanoseconds(Int64((missing / rate * 1e9).rounded()))
    }
}

extension TokenBucket {
    /// A configured limit: a sustained rate and a burst (the client's pacing and the simulated venue's).
    public struct Limit: Sendable, Hashable {
        /// Requests per second, sustained.
        public var perSecond: Double
        /// Requests allowed at once after idling.
        public var burst: Int

        /// Creates a limit.
        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }
}
