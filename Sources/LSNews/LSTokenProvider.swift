import Foundation

/// The one holder of the LS token for an appkey (spec §8: one token holder per appkey).
///
/// Hands out the cached token until it is within the refresh margin of its expiry or was reported invalid;
/// concurrent callers share one in-flight issue request.
public actor LSTokenProvider {
    private let issue: @Sendable () async throws -> LSToken
    private let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private var current: LSToken?
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
        if let current, !needsRenewal(current) { return current }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await issue() }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        current = token
        issuedCount += 1
        return token
    }

    /// Forgets `token` after the venue refused it (IGW00121); the next `token()` issues a new one.
    public func invalidate(_ token: LSToken) {
        if current == token { current = nil }
    }

    /// When the cached token should be replaced, if one is cached.
    public func renewalDue() -> Date? {
        current.map { $0.expiresAt.addingTimeInterval(-Self.seconds(refreshMargin)) }
    }

    private func needsRenewal(_ token: LSToken) -> Bool {
        now() >= token.expiresAt.addingTimeInterval(-Self.seconds(refreshMargin))
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        let (s, atto) = d.components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}
