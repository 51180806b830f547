import Foundation
import SokboCore

/// Issues and caches the access token (`au10001`). One issuance at a time: concurrent callers that find
/// no valid token all await the same in-flight request. `expires_dt` is an absolute KST time; the token
/// is renewed `renewalMargin` before it.
public actor KiwoomTokenProvider {
    /// A cached token.
    struct Cached {
        let token: String
        let expiresAt: Date
    }

    private let issue: @Sendable () async throws -> AU10001Response
    private let renewalMargin: Duration
    private let now: @Sendable () -> Date
    private var cached: Cached?
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

    /// A valid token, issuing one if none is cached or the cached one is within the renewal margin.
    public func token() async throws -> String {
        if let cached, now().addingTimeInterval(renewalMargin.seconds) < cached.expiresAt {
            return cached.token
        }
        return try await issueShared().token
    }

    /// Drops `token` after the venue called it invalid ([8005]); a no-op when it was already replaced,
    /// so fifty callers failing with the same token cause one re-issue.
    public func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }

    private func issueShared() async throws -> Cached {
        if let inFlight { return try await inFlight.value }
        let task = Task { [issue] () throws -> Cached in
            let reply = try await issue()
            guard let token = reply.token, !token.isEmpty, let raw = reply.expires_dt,
                  let expiresAt = KST.date(yyyymmdd: raw.prefix(8), hhmmss: raw.dropFirst(8)) else {
                throw KiwoomError(.decoding, apiID: KiwoomAPI.au10001.rawValue, message: "token reply without token or a valid expires_dt")
            }
            return Cached(token: token, expiresAt: expiresAt)
        }
        inFlight = task
        defer { inFlight = nil }
        let result = try await task.value
        cached = result
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
