import Foundation
import Hummingbird
import SokboCore

/// `GET /api/news`: stored headlines, newest first, filtered by ticker and time.
struct NewsRoutes {
    let store: any Store

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("news") { request, _ in
            let query = try Self.query(from: request.uri.queryParameters)
            let rows = try await store.select(query)
            return JSONResponse(Listing(items: rows.compactMap(NewsItem.init(row:))))
        }
    }

    /// Validates `ticker`, `since` (ISO 8601 or epoch ms) and `limit` (1…1000, default 100).
    static func query(from parameters: Parameters) throws -> RowQuery {
        var query = RowQuery(table: .news, orderBy: "published_at", limit: try parameters.limit())
        if let raw = parameters["ticker"].map(String.init) {
            guard let ticker = Ticker(raw) else {
                throw APIError.badRequest("ticker must be a 6-character KRX code such as 005930", code: "invalid_parameter")
            }
            query.contains["tickers"] = ticker.code
        }
        if let raw = parameters["since"].map(String.init) {
            guard let since = parseInstant(raw) else {
                throw APIError.badRequest("since must be an ISO 8601 time or epoch milliseconds", code: "invalid_parameter")
            }
            query.atLeast["published_at"] = .integer(since.epochMilliseconds)
        }
        return query
    }

    static func parseInstant(_ raw: String) -> Date? {
        if let ms = Int64(raw) { return Date(epochMilliseconds: ms) }
        return try? Date(raw, strategy: .iso8601)
    }
}
