/// The Kiwoom REST client's section of `/api/status`: its access token and its pacing buckets.
public struct KiwoomRESTStatus: Sendable, Equatable, Encodable {
    /// The access token (times, issues, refusals; never the token).
    public var token: KiwoomTokenStatus
    /// The budgets: the query and order categories, then each api-id used so far.
    public var buckets: [KiwoomBucketStatus]

    /// Creates a status.
    public init(token: KiwoomTokenStatus, buckets: [KiwoomBucketStatus]) {
        self.token = token
        self.buckets = buckets
    }
}

extension KiwoomClient {
    /// The token and the pacing budgets now.
    public func status() async -> KiwoomRESTStatus {
        KiwoomRESTStatus(token: await tokens.status(), buckets: await limiter.status())
    }
}
