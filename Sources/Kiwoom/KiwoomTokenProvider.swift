import Foundation
import SokboCore

/// Issues and caches the access token (`au10001`) in a `SingleFlightCache`: one issuance at a time,
/// concurrent callers that find no valid token all await the same in-flight request. `expires_dt` is an
/// absolute KST time; the token is renewed `renewalMargin` before it.
///
/// The venue hands back the same token, with the same `expires_dt`, when asked again before it expires
/// (venue spec §5.3, §10). So once a renewal inside the margin returns the token already held, it is kept
/// until its `expires_dt`: asking again before every call would cost one request each and change nothing.
/// A renewal that fails while the held token is still valid falls back to that token.
public final class KiwoomTokenProvider: Sendable {
    private let cache: SingleFlightCache<String>

    /// Tokens obtained so far (for status and tests).
    public var issuances: Int {
        get async { await cache.fetches }
    }

    /// Creates a provider around the function that posts `au10001`.
    public init(renewalMargin: Duration, now: @escaping @Sendable () -> Date = Date.init,
                issue: @escaping @Sendable () async throws -> AU10001Response) {
        cache = SingleFlightCache(margin: renewalMargin, policy: [.keepRepeatedUntilExpiry, .fallBackWhileValid], now: now) {
            let reply = try await issue()
            guard let token = reply.token, !token.isEmpty, let raw = reply.expires_dt,
                  let expiresAt = KST.date(yyyymmdd: raw.prefix(8), hhmmss: raw.dropFirst(8)) else {
                throw KiwoomError(.decoding, apiID: KiwoomAPI.au10001.rawValue, message: "token reply without token or a valid expires_dt")
            }
            return .init(value: token, expiresAt: expiresAt)
        }
    }

    /// A valid token, issuing one if none is cached or the cached one is due for renewal.
    public func token() async throws -> String {
        try await cache.value()
    }

    /// Drops `token` after the venue called it invalid ([8005]); a no-op when it was already replaced,
    /// so fifty callers failing with the same token cause one re-issue.
    public func invalidate(_ token: String) async {
        await cache.invalidate(token)
    }
}
