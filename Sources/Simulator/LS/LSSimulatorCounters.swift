/// What the simulated LS venue has done, for tests and the dashboard.
public struct LSSimulatorCounters: Sendable, Codable, Equatable {
    /// Tokens issued.
    public var tokensIssued = 0
    /// WebSocket connections accepted.
    public var connectionsAccepted = 0
    /// WebSocket connections open now.
    public var openConnections = 0
    /// NWS registrations accepted.
    public var subscriptionsAccepted = 0
    /// Registrations refused (`IGW…` ACK).
    public var subscriptionsRefused = 0
    /// Distinct NWS frames generated.
    public var newsFramesGenerated = 0
    /// NWS frames written to sockets (a frame sent to two sockets or replayed counts twice).
    public var newsFramesSent = 0
    /// NWS frames re-sent to new subscribers.
    public var framesReplayed = 0
    /// Malformed frames sent, by kind.
    public var garbageSent: [String: Int] = [:]
    /// Connections dropped on purpose.
    public var drops = 0
    /// Sockets frozen by `freezeConnections()`.
    public var freezes = 0
    /// t3102 calls answered (any outcome).
    public var t3102Calls = 0
    /// t3102 calls refused by the rate limit.
    public var t3102RateLimited = 0

    /// Creates zero counters.
    public init() {}

    /// Total malformed frames sent.
    public var totalGarbageSent: Int { garbageSent.values.reduce(0, +) }
}
