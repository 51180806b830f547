import Foundation

/// One headline from a news feed, in our terms (venue parsing happens at the edge).
public struct NewsItem: Sendable, Codable, Hashable {
    /// The feed's unique key (LS `realkey`, 24 characters); the stored row's unique key.
    public var id: String
    /// When the venue says the news was published (converted from KST once, at the edge).
    public var publishedAt: Date
    /// The news source id (LS `id`, e.g. `"25"` = 매일경제).
    public var source: String
    /// The headline.
    public var title: String
    /// The stocks the feed tagged; often empty.
    public var tickers: [Ticker]
    /// Body length the feed announced, when it did.
    public var bodySize: Int?
    /// The live-only category id (e.g. `"99"` Korean stock news), when present.
    public var category: String?
    /// When this process received the frame.
    public var receivedAt: Date

    /// Creates a news item.
    public init(
        id: String, publishedAt: Date, source: String, title: String, tickers: [Ticker],
        bodySize: Int? = nil, category: String? = nil, receivedAt: Date
    ) {
        self.id = id
        self.publishedAt = publishedAt
        self.source = source
        self.title = title
        self.tickers = tickers
        self.bodySize = bodySize
        self.category = category
        self.receivedAt = receivedAt
    }
}

/// Where a news source hands its items: the buffer and the engine, neither of which it waits on.
public protocol NewsConsumer: Sendable {
    /// Takes one news item. Must return quickly: it runs on the listener's receive path.
    func consume(_ item: NewsItem) async
}
