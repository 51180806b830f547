/// Failures of LS REST calls and sessions.
public enum LSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The gateway refused the token (`IGW00121`); re-issue it.
    case invalidToken
    /// The gateway's rate limit (`IGW00201`).
    case rateLimited
    /// Another gateway error code with its text.
    case gateway(code: String, message: String)
    /// An HTTP status without a usable LS body.
    case httpStatus(Int)
    /// The reply could not be read.
    case malformedReply(String)
    /// Connect, TLS or I/O failure.
    case transport(String)
    /// The subscription was refused with this code.
    case subscriptionRefused(code: String)
    /// The socket ended with no close frame from the venue: a ping went unanswered for one ping interval
    /// (the WebSocket library then closes the socket) or the TCP connection broke.
    case connectionLost
    /// The token is about to expire; reconnect with a new one.
    case tokenRenewalDue

    /// Whether retrying later may succeed.
    public var isRetryable: Bool {
        switch self {
        case .malformedReply, .gateway: false
        default: true
        }
    }

    /// Safe to log: no tokens or keys.
    public var description: String {
        switch self {
        case .invalidToken: "token invalid or expired (IGW00121)"
        case .rateLimited: "rate limited (IGW00201)"
        case .gateway(let code, let message): "gateway error \(code): \(message)"
        case .httpStatus(let status): "HTTP \(status)"
        case .malformedReply(let why): "malformed reply: \(why)"
        case .transport(let why): "transport: \(why)"
        case .subscriptionRefused(let code): "subscription refused (\(code))"
        case .connectionLost: "connection lost: no close frame (unanswered ping or broken TCP)"
        case .tokenRenewalDue: "token renewal due"
        }
    }
}
