import Foundation
import SokboCore

/// The one holder of the LS token for an appkey (spec §8: one token holder per appkey), in a
/// `SingleFlightCache`: the cached token is handed out until its renewal time or until it was reported
/// invalid; concurrent callers share one in-flight issue request.
///
/// The renewal time is the refresh margin before expiry, or the expiry itself for a token issued inside
/// the margin already. Why: every LS token expires at the next 07:00 KST (spec §2.3), so one issued between
/// 06:55 and 07:00 is inside a 5-minute margin from birth, and a re-issue before 07:00 only returns another
/// token expiring at 07:00: renewing early would issue a token (and reconnect the listener) on every call.
public final class LSTokenProvider: Sendable {
    private let cache: SingleFlightCache<LSToken>

    /// Tokens obtained so far.
    public var issuedCount: Int {
        get async { await cache.fetches }
    }

    /// Creates a provider over an issuing function (the REST call, or a stub in tests).
    public init(refreshMargin: Duration, now: @escaping @Sendable () -> Date = { Date() },
                issue: @escaping @Sendable () async throws -> LSToken) {
        cache = SingleFlightCache(margin: refreshMargin, policy: [.keepIfFetchedInsideMargin], now: now) {
            let token = try await issue()
            return .init(value: token, expiresAt: token.expiresAt)
        }
    }

    /// A token valid for at least the refresh margin, issuing a new one when needed.
    public func token() async throws -> LSToken {
        try await cache.value()
    }

    /// Forgets `token` after the venue refused it (IGW00121); the next `token()` issues a new one.
    public func invalidate(_ token: LSToken) async {
        await cache.invalidate(token)
    }

    /// When the cached token should be replaced, if one is cached.
    public func renewalDue() async -> Date? {
        await cache.current?.renewAt
    }
}
