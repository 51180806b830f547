/// Spaces sends at least `interval` seconds apart, on an injected clock (seconds as `Double`): a slot is
/// reserved at `max(now, next)`. The Telegram Bot API's limits are about 1 message a second in one chat
/// and about 30 a second in all (Bot FAQ, "My bot is hitting limits, how do I avoid this?"); past them it
/// answers 429 with `retry_after`, which is honoured on top.
public struct SendPacer: Sendable {
    /// Seconds between two sends.
    public let interval: Double
    private var next = -Double.infinity

    /// A pacer allowing `perSecond` sends a second.
    public init(perSecond: Double) {
        interval = perSecond > 0 ? 1 / perSecond : 0
    }

    /// Reserves the next slot at or after `now`; returns the seconds to wait for it.
    public mutating func reserve(now: Double) -> Double {
        let at = max(now, next)
        next = at + interval
        return at - now
    }

    /// Pushes the next slot to at least `until` (a 429's `retry_after`).
    public mutating func hold(until: Double) {
        next = max(next, until)
    }
}
