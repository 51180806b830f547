import Foundation
import Synchronization

/// The replay's clock: the instant the replay has reached, read by the engine (`now:`) and the broker.
/// Only the driver moves it, and only forward, so nothing the engine reads can come from after it.
public final class VirtualClock: Sendable {
    private let instant: Mutex<Date>

    /// A clock set to `start`.
    public init(_ start: Date) { instant = Mutex(start) }

    /// The current virtual instant.
    public func now() -> Date { instant.withLock { $0 } }

    /// Moves the clock to `date` when that is later (a replay never goes back in time).
    public func advance(to date: Date) { instant.withLock { if date > $0 { $0 = date } } }
}
