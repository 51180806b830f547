import Foundation
import SokboCore

/// Issues and caches the access token (`au10001`). One issuance at a time: concurrent callers that find
/// no valid token all await the same in-flight request. `expires_dt` is an absolute KST time; the token
/// is renewed `renewalMargin` before it.
///
/// The venue hands back the same token, with the same `expires_dt`, when asked again before it expires
/// (venue spec §5.3, §10). So once a renewal inside the margin returns the token already held, it is kept
/// until its `expires_dt`: asking again before every call would cost one request each and change nothing.
/// A renewal that fails while the held token is still valid falls back to that token.
public actor KiwoomTokenProvider {
    /// A cached token.
    struct Cached {
        let token: String
        let expiresAt: Date
        /// When to ask the venue again: `renewalMargin` before `expiresAt`, or `expiresAt` itself once
        /// the venue has answered a renewal with this same token.
        let renewAt: Date
    }

    private let issue: @Sendable () async throws -> AU10001Response
    private let renewalMargin: Duration
    private let now: @Sendable () -> Date
    private var cached: Cached?
    /// The token the venue returned last, kept after `invalidate` to recognise the same one coming back.
    private var lastIssued: String?
    private var inFlight: Task<Cached, any Error>?
    /// Tokens obtained so far (for status and tests).
    public private(set) var issuances = 0

    /// Creates a provider around the function that posts `au10001`.
    public init(renewalMargin: Duration, now: @escaping @Sendable () -> Date = Date.init,
                issue: @escaping @Sendable () async throws -> AU10001Response) {
        self.issue = issue
        self.renewalMargin = renewalMargin
        self.now = now
    }

    /// A valid token, issuing one if none is cached or the cached one is due for renewal.
    public func token() async throws -> String {
        let held = cached
        if let held, now() < held.renewAt { return held.token }
        do {
            return try await issueShared().token
        } catch {
            // A renewal that failed (after its own retries) must not fail a call its token still covers.
            if let held, held.token == cached?.token, now() < held.expiresAt { return held.token }
            throw error
        }
    }

    /// Drops `token` after the venue called it invalid ([8005]); a no-op when it was already replaced,
    /// so fifty callers failing with the same token cause one re-issue.
    public func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }

    private func issueShared() async throws -> Cached {
        if let inFlight { return try await inFlight.value }
        let task = Task { [issue, renewalMargin, lastIssued] () throws -> Cached in
            let reply = try await issue()
            guard let token = reply.token, !token.isEmpty, let raw = reply.expires_dt,
                  let expiresAt = KST.date(yyyymmdd: raw.prefix(8), hhmmss: raw.dropFirst(8)) else {
                throw KiwoomError(.decoding, apiID: KiwoomAPI.au10001.rawValue, message: "token reply without token or a valid expires_dt")
            }
            let renewAt = token == lastIssued ? expiresAt : expiresAt.addingTimeInterval(-renewalMargin.seconds)
            return Cached(token: token, expiresAt: expiresAt, renewAt: renewAt)
        }
        inFlight = task
        defer { inFlight = nil }
        let result = try await task.value
        cached = result
        lastIssued = result.token
        issuances += 1
        return result
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
