import Foundation

/// The one holder of the LS token for an appkey (spec §8: one token holder per appkey).
///
/// Hands out the cached token until its renewal time or until it was reported invalid; concurrent callers
/// share one in-flight issue request. The renewal time is the refresh margin before expiry, or the expiry
/// itself for a token that was issued inside the margin already (see `renewalTime`).
public actor LSTokenProvider {
    private let issue: @Sendable () async throws -> LSToken
    private let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private var current: (token: LSToken, renewAt: Date)?
    private var inFlight: Task<LSToken, any Error>?
    /// Tokens obtained so far.
    public private(set) var issuedCount = 0

    /// Creates a provider over an issuing function (the REST call, or a stub in tests).
    public init(refreshMargin: Duration, now: @escaping @Sendable () -> Date = { Date() },
                issue: @escaping @Sendable () async throws -> LSToken) {
        self.issue = issue
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// A token valid for at least the refresh margin, issuing a new one when needed.
    public func token() async throws -> LSToken {
        if let current, now() < current.renewAt { return current.token }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await issue() }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        current = (token, renewalTime(for: token, issuedAt: now()))
        issuedCount += 1
        return token
    }

    /// Forgets `token` after the venue refused it (IGW00121); the next `token()` issues a new one.
    public func invalidate(_ token: LSToken) {
        if current?.token == token { current = nil }
    }

    /// When the cached token should be replaced, if one is cached.
    public func renewalDue() -> Date? {
        current?.renewAt
    }

    /// When to replace a token obtained at `issuedAt`: the refresh margin before it expires, or, when it was
    /// issued inside that margin, its expiry.
    ///
    /// Why: every LS token expires at the next 07:00 KST (spec §2.3), so one issued between 06:55 and 07:00
    /// is inside a 5-minute margin from birth, and a re-issue before 07:00 only returns another token
    /// expiring at 07:00: renewing early would issue a token (and reconnect the listener) on every call.
    func renewalTime(for token: LSToken, issuedAt: Date) -> Date {
        let early = token.expiresAt.addingTimeInterval(-Self.seconds(refreshMargin))
        return early > issuedAt ? early : token.expiresAt
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        let (s, atto) = d.components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}
