import Foundation
import Hummingbird
import SokboCore

/// `GET /api/news/{id}`: the stored headline's title and the body fetched from the venue (LS t3102).
///
/// Pacing is the source's job (LS allows 1 call/s): requests queue for up to a few seconds and are then
/// refused with 429 and `Retry-After` rather than held open.
struct NewsBodyRoutes {
    let store: any Store
    let source: any NewsBodySource

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("news/:id") { _, context in
            let id = try Self.validatedID(context.parameters.get("id"))
            let stored = try? await store.select(Self.lookup(id)).compactMap(NewsItem.init(row:)).first
            let body: NewsBody
            do {
                body = try await source.body(for: id)
            } catch let error as NewsBodyError {
                throw Self.apiError(error)
            } catch is CancellationError {
                throw APIError(.serviceUnavailable, code: "unavailable", message: "the server is shutting down")
            } catch {
                throw APIError(.badGateway, code: "upstream_error", message: "LS could not be reached")
            }
            // Prefer the feed's title: t3102's sTitle can carry leaked labels and trailing garbage (spec §7.5).
            return JSONResponse(NewsDetail(id: id, title: stored?.title ?? body.title, body: body.body,
                                           tickers: stored?.tickers ?? body.tickers, publishedAt: stored?.publishedAt))
        }
    }

    struct NewsDetail: Encodable, Sendable {
        let id: String
        let title: String?
        let body: String
        let tickers: [Ticker]
        let publishedAt: Date?
    }

    /// An LS news id: exactly 24 printable ASCII characters (no spaces).
    static func validatedID(_ raw: String?) throws -> String {
        guard let raw, raw.utf8.count == 24, raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw APIError.badRequest("id must be 24 printable ASCII characters (an LS realkey)", code: "invalid_parameter")
        }
        return raw
    }

    static func lookup(_ id: String) -> RowQuery {
        var query = RowQuery(table: .news, orderBy: "published_at", limit: 1)
        query.equals["id"] = .text(id)
        return query
    }

    static func apiError(_ error: NewsBodyError) -> APIError {
        switch error {
        case .notFound:
            APIError.notFound("LS has no news with this id")
        case .rateLimited(let seconds):
            APIError(.tooManyRequests, code: "rate_limited", message: "LS allows one news body per second; retry shortly",
                     headers: [.retryAfter: String(seconds)])
        case .upstream(let message):
            APIError(.badGateway, code: "upstream_error", message: message)
        }
    }
}
