import Synchronization

/// A pacer several destinations share (the Telegram bot's overall limit).
public final class SharedPacer: Sendable {
    private let pacer: Mutex<SendPacer>
    private static let epoch = ContinuousClock.now

    /// A shared pacer of `perSecond` sends a second.
    public init(perSecond: Double) {
        pacer = Mutex(SendPacer(perSecond: perSecond))
    }

    /// Reserves a slot; returns the seconds to wait.
    public func reserve(now: Double) -> Double { pacer.withLock { $0.reserve(now: now) } }

    /// Seconds on the monotonic clock.
    static func seconds() -> Double {
        let elapsed = epoch.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
