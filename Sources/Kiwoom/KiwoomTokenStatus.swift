import Foundation

/// The Kiwoom access token as `/api/status` shows it: its times, how many were issued, the last refusal.
/// Never the token itself.
public struct KiwoomTokenStatus: Sendable, Equatable, Encodable {
    /// Where the token stands.
    public enum State: String, Sendable, Encodable {
        /// None held: the next request issues one (`au10001`).
        case none
        /// Held and not yet due for renewal.
        case valid
        /// Inside the renewal margin: the next request renews it (the venue may hand back the same token,
        /// which is then kept to its `expires_dt`, `kiwoom-rest.md` §5.3).
        case renewalDue
        /// Past its `expires_dt`: the next request issues a new one.
        case expired
        /// The last `au10001` failed and no token has been issued since: requests fail once the held one
        /// (if any) expires.
        case failing
    }

    /// A token the venue refused on a request (`[8005]`, `[8031]`, `[8103]`, or a WebSocket LOGIN refusal).
    public struct Refusal: Sendable, Equatable, Encodable {
        /// When.
        public var at: Date
        /// The api-id of the refused request (`LOGIN` for the realtime socket).
        public var apiID: String
        /// The venue's code (`8005`), when it gave one.
        public var code: String?
        /// The venue's message.
        public var message: String
    }

    /// A failed `au10001`.
    public struct IssueFailure: Sendable, Equatable, Encodable {
        /// When.
        public var at: Date
        /// What failed (never a key or a token).
        public var error: String
    }

    /// Where the token stands.
    public var state: State
    /// `au10001` replies with a token since start (a venue handing back the same token counts again).
    public var issued: Int
    /// When the token held was first received; absent while none is held.
    public var issuedAt: Date?
    /// Its `expires_dt` (KST on the wire); absent while none is held.
    public var expiresAt: Date?
    /// When the client renews it (the renewal margin before `expiresAt`, or `expiresAt` itself when the venue
    /// handed the same token back); absent while none is held.
    public var renewsAt: Date?
    /// Tokens the venue refused since start.
    public var refusals: Int
    /// The last of them.
    public var lastRefusal: Refusal?
    /// The last failed `au10001`, kept until one succeeds after it.
    public var lastIssueFailure: IssueFailure?
}
