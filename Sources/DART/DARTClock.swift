import Foundation

/// Time as the DART adapter sees it, injectable so tests can drive a whole trading day in milliseconds.
public struct DARTClock: Sendable {
    /// The current instant.
    public var now: @Sendable () -> Date
    /// Sleeps for a duration (throws on cancellation).
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a clock from two functions.
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// Wall-clock time and `Task.sleep`.
    public static let system = DARTClock(now: { Date() }, sleep: { try await Task.sleep(for: $0) })
}
