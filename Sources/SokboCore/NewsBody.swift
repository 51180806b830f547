/// The full text of one news item, as the venue's body lookup returns it (LS `t3102`).
public struct NewsBody: Sendable, Codable, Hashable {
    /// The feed's unique key (LS `realkey` / `sNewsno`).
    public var id: String
    /// The title the body lookup carried, cleaned of leaked labels; nil when it carried none.
    public var title: String?
    /// The body (HTML-ish for LS), chunks joined as bytes and decoded once.
    public var body: String
    /// Stocks the body lookup related to the news; often empty.
    public var tickers: [Ticker]

    /// Creates a body.
    public init(id: String, title: String?, body: String, tickers: [Ticker]) {
        self.id = id
        self.title = title
        self.body = body
        self.tickers = tickers
    }
}

/// Why a body could not be fetched; the API maps each case to one HTTP status.
public enum NewsBodyError: Error, Sendable, Equatable {
    /// The venue says there is no such news (404).
    case notFound
    /// Our pacing (or the venue's rate limit) refused the call; retry after the given seconds (429).
    case rateLimited(retryAfterSeconds: Int)
    /// The venue failed or answered something unusable (502); the text is safe to show.
    case upstream(String)
}

/// Fetches news bodies; implemented by the LS adapter so the API does not depend on it.
public protocol NewsBodySource: Sendable {
    /// The body of the news with the given id (24 printable ASCII characters), or a `NewsBodyError`.
    func body(for id: String) async throws -> NewsBody
}
