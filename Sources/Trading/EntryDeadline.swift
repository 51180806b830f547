import Foundation

/// The latest instant an entry's order may leave: a fixed time after its headline reached the listener.
///
/// A buy a minute after its headline is a different trade from the one the rule meant, so freshness beats
/// completeness: a plan whose snapshot is not back in time, or that is ready only after the instant, is
/// skipped with the reason "entry deadline" rather than sent late.
public struct EntryDeadline: Sendable, Hashable {
    /// The instant, on the monotonic clock (wall-clock jumps do not move it).
    public let instant: ContinuousClock.Instant
    /// The budget it was made from, for the reason text.
    public let limit: Duration

    /// The deadline of a headline received at `receivedAt` (wall clock), given the wall and monotonic
    /// clocks read together now.
    public init(receivedAt: Date, limit: Duration, now: Date, monotonicNow: ContinuousClock.Instant) {
        let age = Duration.milliseconds(Int64((now.timeIntervalSince(receivedAt) * 1000).rounded()))
        self.instant = monotonicNow + limit - age
        self.limit = limit
    }

    /// Whether `at` is past the deadline.
    public func hasPassed(at: ContinuousClock.Instant) -> Bool { at > instant }

    /// Whether a call refused with "retry after `retryAfter`" (nil: no such hint) could only go after the deadline.
    public func excludes(retryAfter: Duration?, now: ContinuousClock.Instant = .now) -> Bool {
        retryAfter.map { hasPassed(at: now + $0) } ?? false
    }

    /// The skip reason: "entry deadline: …".
    public func reason(_ what: String) -> String {
        "entry deadline: \(what) within \(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000) ms of the headline"
    }

    /// Runs `body` until the deadline. Returns nil, with `body` cancelled, when the deadline comes first:
    /// only for reads (a snapshot), never for an order, whose cancellation would leave its outcome unknown.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        guard !hasPassed(at: .now) else { return nil }
        let instant = instant
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: instant, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
