import Foundation
import Hummingbird
import SokboCore

/// `GET /api/disclosures?ticker=&from=&to=&limit=`: stored DART disclosures, newest receipt first.
///
/// `ticker` is a 6-character KRX code; `from` and `to` are receipt days as `YYYYMMDD`, `YYYY-MM-DD` or an ISO 8601
/// instant (taken as its KST day), both inclusive; `limit` is 1…1000 (default 100). Bad input answers 400 with
/// the `APIError` envelope naming the parameter.
public struct DisclosureRoutes: Sendable {
    private let store: any Store

    /// Creates the routes over a store.
    public init(store: any Store) {
        self.store = store
    }

    /// Registers `GET disclosures` on the (authenticated) `/api` group.
    public func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("disclosures") { request, _ in
            let query = try Self.query(from: request.uri.queryParameters)
            let rows = try await store.select(query)
            return JSONResponse(Listing(items: rows.compactMap(DisclosureRecord.init(row:))))
        }
    }

    /// Validates the parameters into a query on `disclosures`.
    static func query(from parameters: Parameters) throws -> RowQuery {
        var query = RowQuery(table: .disclosures, orderBy: "id", descending: true, limit: try parameters.limit())
        if let raw = parameters["ticker"].map(String.init) {
            guard let ticker = Ticker(raw) else {
                throw APIError.badRequest("ticker must be a 6-character KRX code such as 005930", code: "invalid_parameter")
            }
            query.equals["stock_code"] = .text(ticker.code)
        }
        let from = try parameters["from"].map { try day(String($0), name: "from") }
        let to = try parameters["to"].map { try day(String($0), name: "to") }
        if let from, let to, from > to {
            throw APIError.badRequest("from must not be later than to", code: "invalid_parameter")
        }
        if let from { query.atLeast["received_date"] = .text(from) }
        if let to { query.atMost["received_date"] = .text(to) }
        return query
    }

    /// `YYYYMMDD`, `YYYY-MM-DD` or an ISO 8601 instant, as a KST `YYYYMMDD` day.
    static func day(_ raw: String, name: String) throws -> String {
        let compact = raw.count == 10 && raw.utf8.filter({ $0 == UInt8(ascii: "-") }).count == 2
            ? raw.replacingOccurrences(of: "-", with: "") : raw
        if compact.utf8.count == 8, let date = KST.date(yyyymmdd: compact, hhmmss: "000000"), KST.dayString(date) == compact {
            return compact
        }
        if let instant = try? Date(raw, strategy: .iso8601) {
            return KST.dayString(instant)
        }
        throw APIError.badRequest("\(name) must be a date as YYYYMMDD, YYYY-MM-DD or an ISO 8601 time", code: "invalid_parameter")
    }
}
