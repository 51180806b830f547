import Foundation

extension NewsItem: Storable {
    /// News rows live in `news`.
    public static var table: Table { .news }

    /// The row: tickers packed as a comma list, timestamps as epoch milliseconds.
    public var row: Row {
        Row([
            .text(id), .integer(publishedAt.epochMilliseconds), .text(source), .text(title),
            .text(tickers.map(\.code).joined(separator: ",")),
            bodySize.map { .integer(Int64($0)) } ?? .null,
            category.map { .text($0) } ?? .null,
            .integer(receivedAt.epochMilliseconds),
        ])
    }

    /// Rebuilds a news item from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 8, let id = v[0].text, let published = v[1].integer, let source = v[2].text,
              let title = v[3].text, let tickers = v[4].text, let received = v[7].integer
        else { return nil }
        self.init(
            id: id, publishedAt: Date(epochMilliseconds: published), source: source, title: title,
            tickers: tickers.split(separator: ",").compactMap { Ticker(String($0)) },
            bodySize: v[5].integer.map(Int.init), category: v[6].text, receivedAt: Date(epochMilliseconds: received)
        )
    }
}

extension Date {
    /// Milliseconds since 1970 (UTC), as stored.
    public var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    /// A date from epoch milliseconds.
    public init(epochMilliseconds ms: Int64) { self.init(timeIntervalSince1970: TimeInterval(ms) / 1000) }
}
