import Foundation
import SokboCore
import Synchronization

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
    private let ledger: Ledger
    private let now: @Sendable () -> Date

    /// Tokens obtained so far (for status and tests).
    public var issuances: Int {
        get async { await cache.fetches }
    }

    /// Creates a provider around the function that posts `au10001`.
    public init(renewalMargin: Duration, now: @escaping @Sendable () -> Date = Date.init,
                issue: @escaping @Sendable () async throws -> AU10001Response) {
        let ledger = Ledger()
        self.ledger = ledger
        self.now = now
        cache = SingleFlightCache(margin: renewalMargin, policy: [.keepRepeatedUntilExpiry, .fallBackWhileValid], now: now) {
            do {
                let reply = try await issue()
                guard let token = reply.token, !token.isEmpty, let raw = reply.expires_dt,
                      let expiresAt = KST.date(yyyymmdd: raw.prefix(8), hhmmss: raw.dropFirst(8)) else {
                    throw KiwoomError(.decoding, apiID: KiwoomAPI.au10001.rawValue, message: "token reply without token or a valid expires_dt")
                }
                ledger.issued(token, at: now())
                return .init(value: token, expiresAt: expiresAt)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                ledger.failed(error, at: now())
                throw error
            }
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

    /// Records the venue's refusal of `token` on a request of `apiID` (for status), then drops it as
    /// `invalidate` does.
    public func refused(_ token: String, apiID: String, code: String?, message: String) async {
        ledger.refused(.init(at: now(), apiID: apiID, code: code, message: message), token: token)
        await cache.invalidate(token)
    }

    /// The token's times and history, never the token itself.
    public func status() async -> KiwoomTokenStatus {
        let held = await cache.current
        let issued = await cache.fetches
        let at = now()
        return ledger.state.withLock { ledger in
            let failing = ledger.lastFailure != nil
            let state: KiwoomTokenStatus.State
            if failing {
                state = .failing
            } else if let held {
                state = at >= held.expiresAt ? .expired : at >= held.renewAt ? .renewalDue : .valid
            } else {
                state = .none
            }
            return KiwoomTokenStatus(
                state: state, issued: issued, issuedAt: held == nil ? nil : ledger.tokenIssuedAt, expiresAt: held?.expiresAt,
                renewsAt: held?.renewAt, refusals: ledger.refusals, lastRefusal: ledger.lastRefusal,
                lastIssueFailure: ledger.lastFailure)
        }
    }

    /// What the status says beyond the cache: when the token held was first received, failures, refusals.
    private final class Ledger: Sendable {
        struct State {
            /// The token last received, to tell a new one from the same one handed back (never shown).
            var lastToken: String?
            var tokenIssuedAt: Date?
            /// The last failed issue, cleared by the next success.
            var lastFailure: KiwoomTokenStatus.IssueFailure?
            var refusals = 0
            var lastRefusal: KiwoomTokenStatus.Refusal?
        }

        let state = Mutex(State())

        func issued(_ token: String, at date: Date) {
            state.withLock {
                if $0.lastToken != token || $0.tokenIssuedAt == nil {
                    $0.lastToken = token
                    $0.tokenIssuedAt = date
                }
                $0.lastFailure = nil
            }
        }

        func failed(_ error: any Error, at date: Date) {
            let text = (error as? KiwoomError).map { "\($0.category.rawValue): \($0.message)" } ?? "\(error)"
            state.withLock { $0.lastFailure = .init(at: date, error: text) }
        }

        func refused(_ refusal: KiwoomTokenStatus.Refusal, token: String) {
            state.withLock {
                $0.refusals += 1
                $0.lastRefusal = refusal
                // Whatever comes next is a new issue, even should the venue hand the same string back.
                if $0.lastToken == token { $0.tokenIssuedAt = nil }
            }
        }
    }
}
