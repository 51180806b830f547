/// Client-side token buckets per api-id group (queries, orders, or an api-id's own bucket).
/// A caller reserves a slot under the actor and sleeps outside it, so waiting callers never block the
/// actor and are served in arrival order.
public actor KiwoomRateLimiter {
    private struct State {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let limits: KiwoomRateLimits
    private var states: [String: State] = [:]
    private let clock = ContinuousClock()

    /// Creates a limiter.
    public init(limits: KiwoomRateLimits) {
        self.limits = limits
    }

    /// Waits until `api` may be sent.
    public func acquire(_ api: KiwoomAPI) async throws {
        let delay = reserve(api)
        if delay > .zero { try await Task.sleep(for: delay) }
    }

    /// Takes one token from the bucket of `api`, returning how long to wait for it.
    func reserve(_ api: KiwoomAPI) -> Duration {
        let (key, bucket): (String, KiwoomRateLimits.Bucket) =
            if let own = limits.perAPIID[api.rawValue] { (api.rawValue, own) }
            else if api.isOrder { ("orders", limits.orders) }
            else { ("queries", limits.queries) }
        let now = clock.now
        var state = states[key] ?? State(tokens: Double(bucket.burst), last: now)
        let elapsed = state.last.duration(to: now)
        state.tokens = min(Double(bucket.burst), state.tokens + elapsed.seconds * bucket.perSecond)
        state.last = now
        state.tokens -= 1
        states[key] = state
        guard state.tokens < 0 else { return .zero }
        return .seconds(-state.tokens / bucket.perSecond)
    }
}
