import Synchronization

/// The port a simulator's server bound, set once it listens, awaited by whoever needs its URL.
final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)
    private let server: String

    /// `server` names it in the error ("the LS simulator's WebSocket server").
    init(_ server: String) { self.server = server }

    /// Records the bound port (from `onServerRunning`).
    func set(_ value: Int?) { port.withLock { $0 = value } }

    /// The port, once bound; waits up to 30 s.
    func wait() async throws -> Int {
        for _ in 0..<3_000 {
            if let bound = port.withLock({ $0 }) { return bound }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw SimulatorError("\(server) did not start listening within 30 s")
    }
}
