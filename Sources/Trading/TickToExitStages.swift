import SokboCore

/// When a tick-driven exit passed each step, from the quote's frame being read to the sell request leaving.
/// Monotonic instants (`ContinuousClock`): the steps are microseconds apart, and wall time can step.
public struct TickToExitStages: StagedLatency {
    /// The realtime frame carrying the quote was read off the socket.
    public var received: ContinuousClock.Instant
    /// The engine started on the tick (after decoding, the push queue and the engine's inbox).
    public var handled: ContinuousClock.Instant
    /// The exit rules fired.
    public var decided: ContinuousClock.Instant
    /// The sell was stored (journal or fence) and its events published: it is queued to send.
    public var stored: ContinuousClock.Instant
    /// The send task started: the request leaves now (the client's pacing and the write follow).
    public var sent: ContinuousClock.Instant

    /// From the frame being read to the sell request leaving.
    public var total: Duration { received.duration(to: sent) }

    /// Each step's share, in order: name and duration.
    public var steps: [(name: String, duration: Duration)] {
        [("to engine", received.duration(to: handled)), ("decide", handled.duration(to: decided)),
         ("store", decided.duration(to: stored)), ("to task", stored.duration(to: sent))]
    }
}

/// The first stamps of a tick-driven exit, carried from the tick to the sell.
struct TickStamp: Sendable {
    /// The quote's frame was read.
    var received: ContinuousClock.Instant
    /// The engine started on it.
    var handled: ContinuousClock.Instant
    /// The exit rules fired (set when they do).
    var decided: ContinuousClock.Instant

    /// The stages once the sell was stored at `stored` and its send started at `sent`.
    func stages(stored: ContinuousClock.Instant, sent: ContinuousClock.Instant) -> TickToExitStages {
        TickToExitStages(received: received, handled: handled, decided: decided, stored: stored, sent: sent)
    }
}
