import Foundation

/// The listener's state for `/api/status`.
public struct LSListenerStatus: Sendable, Codable, Equatable {
    /// Where the connection loop is.
    public enum State: String, Sendable, Codable {
        /// `run()` has not started.
        case idle
        /// Getting a token, connecting, upgrading or subscribing.
        case connecting
        /// Subscribed and reading frames.
        case connected
        /// Waiting before the next attempt.
        case backingOff
        /// `run()` has returned.
        case stopped
    }

    /// Current state.
    public var state: State = .idle
    /// When the last frame (of any kind) arrived.
    public var lastFrameAt: Date?
    /// When the current connection was established.
    public var connectedSince: Date?
    /// Connections established after the first one.
    public var reconnects = 0
    /// Connections established in total.
    public var connections = 0
    /// Failed connection attempts (connect error, handshake deadline, refused subscription).
    public var failedAttempts = 0
    /// NWS frames parsed and handed on.
    public var framesAccepted = 0
    /// NWS frames dropped because their realkey was already processed.
    public var duplicatesDropped = 0
    /// Frames refused, by kind (`notJSON`, `missingField`, `wrongType`, `invalidUTF8`, `badValue`, `oversized`).
    public var framesRejected: [String: Int] = [:]
    /// Pushes of other TRs, ignored.
    public var otherFrames = 0
    /// Successful subscription replies.
    public var subscriptionsAcknowledged = 0
    /// Subscription replies with an error code.
    public var subscriptionsRefused = 0
    /// Sockets that ended with no close frame from the venue: a ping went unanswered for one ping interval,
    /// or the TCP connection broke. Silence without news is never counted: it is not a failure (spec §5.7).
    public var connectionsLost = 0
    /// Attempts abandoned at the connect-and-handshake deadline.
    public var handshakeTimeouts = 0
    /// Tokens obtained.
    public var tokensIssued = 0
    /// The last error, without secrets.
    public var lastError: String?
    /// When the next attempt starts, while backing off.
    public var nextAttemptAt: Date?

    /// An idle status.
    public init() {}

    /// Total frames rejected.
    public var totalRejected: Int { framesRejected.values.reduce(0, +) }
}
