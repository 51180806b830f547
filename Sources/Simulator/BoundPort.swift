import SokboCore

/// The port a simulator's server bound, set once it listens, awaited by whoever needs its URL.
struct BoundPort: Sendable {
    private let port = SetOnce<Int>()
    private let server: String

    /// `server` names it in the error ("the LS simulator's WebSocket server").
    init(_ server: String) { self.server = server }

    /// Records the bound port (from `onServerRunning`); nil (no local address) leaves it unbound.
    func set(_ value: Int?) {
        if let value { port.set(value) }
    }

    /// The port, once bound; waits up to 30 s.
    func wait() async throws -> Int {
        guard let bound = try await port.wait(timeout: .seconds(30)) else {
            throw SimulatorError("\(server) did not start listening within 30 s")
        }
        return bound
    }
}
