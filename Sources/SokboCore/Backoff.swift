/// Exponential back-off with jitter, the one formula every retry and reconnect loop uses.
///
/// Retry `n` (1 for the first) waits a uniform time in `[b · (1 − jitter), b]`, where
/// `b = min(cap, initial · 2^(n−1))`: `jitter` 0.5 is "equal jitter" (the default), 1 "full jitter", 0 none.
///
/// Why equal jitter by default: a retry never comes straight back at a venue that has just failed or
/// refused us, it always waits at least half the step, while the random half still keeps many clients (or
/// many reconnecting sockets) from retrying in step. Full jitter suits a loop whose first wait should often
/// be short, such as a news socket reconnecting after a session that ended normally.
public struct Backoff: Sendable, Equatable {
    /// The step before the first retry.
    public var initial: Duration
    /// The longest step, if any.
    public var cap: Duration?
    /// The part of the step that is random, 0...1.
    public var jitter: Double

    /// A back-off doubling from `initial` up to `cap` (no cap: doubling without end), `jitter` of each step random.
    public init(initial: Duration, cap: Duration? = nil, jitter: Double = 0.5) {
        self.initial = initial
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The longest wait before retry `attempt` (1 for the first; lower counts as 1): `min(cap, initial · 2^(attempt−1))`.
    public func bound(attempt: Int) -> Duration {
        // 2^30 steps is past any cap or lifetime in use; stopping there keeps the product finite.
        let step = initial * (1 << min(max(attempt - 1, 0), 30))
        guard let cap else { return step }
        return min(step, cap)
    }

    /// A wait before retry `attempt`, uniform in `[bound · (1 − jitter), bound]`.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }

    /// A wait before retry `attempt`, uniform in `[bound · (1 − jitter), bound]`, drawn from `generator`.
    public func delay<Generator: RandomNumberGenerator>(attempt: Int, using generator: inout Generator) -> Duration {
        // 53 random bits onto [0, 1], both ends included: an all-zero draw gives the bound, all-ones the lowest wait.
        let unit = Double(generator.next() >> 11) / Double((1 << 53) - 1)
        return bound(attempt: attempt) * (1 - jitter * unit)
    }
}
