import Foundation
import Hummingbird
import SokboCore

/// `GET /api/stocks/{code}` (the broker's snapshot), `GET /api/stocks/{code}/chart?interval=day|minute&from=&to=`
/// and `GET /api/account`. Inputs are validated before the broker is called (400 with the `APIError`
/// envelope); venue failures answer 502, venue throttling 503. The stock and chart lookups run as
/// `BrokerCallContext` `.lookup`: behind the trading path's calls for the venue's request budget, and
/// answered 429 with `Retry-After` at once when their requests could not leave within the venue
/// client's lookup bound, rather than queued.
public struct StockRoutes: Sendable {
    let broker: any Broker

    /// Creates the routes over a broker.
    public init(broker: any Broker) {
        self.broker = broker
    }

    /// Registers the routes on the `/api` group.
    public func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("stocks/:code") { _, context in
            let ticker = try Self.ticker(context.parameters.get("code"))
            return JSONResponse(try await Self.lookup { try await broker.snapshot(ticker) })
        }
        group.get("stocks/:code/chart") { request, context in
            let ticker = try Self.ticker(context.parameters.get("code"))
            let query = try Self.chartQuery(request.uri.queryParameters)
            let candles = try await Self.lookup { try await broker.chart(ticker, interval: query.interval, from: query.from, to: query.to) }
            return JSONResponse(ChartReply(ticker: ticker, interval: query.interval, candles: candles))
        }
        group.get("account") { _, _ in
            JSONResponse(try await Self.venue { try await broker.account() })
        }
    }

    struct ChartReply: Encodable, Sendable {
        let ticker: Ticker
        let interval: CandleInterval
        let candles: [Candle]
    }

    struct ChartQuery: Equatable {
        var interval: CandleInterval
        var from: Date?
        var to: Date?
    }

    static func ticker(_ raw: String?) throws -> Ticker {
        guard let raw, let ticker = Ticker(raw) else {
            throw APIError.badRequest("code must be a 6-character KRX code such as 005930", code: "invalid_parameter")
        }
        return ticker
    }

    /// `interval` day (default) or minute; `from`/`to` as `YYYYMMDD` (KST), ISO 8601 or epoch ms; from ≤ to.
    static func chartQuery(_ parameters: Parameters) throws -> ChartQuery {
        var query = ChartQuery(interval: .day)
        if let raw = parameters["interval"].map(String.init) {
            guard let interval = CandleInterval(rawValue: raw) else {
                throw APIError.badRequest("interval must be day or minute", code: "invalid_parameter")
            }
            query.interval = interval
        }
        for name: Substring in ["from", "to"] {
            guard let raw = parameters[name].map(String.init) else { continue }
            guard let date = parseInstant(raw) else {
                throw APIError.badRequest("\(name) must be YYYYMMDD (KST), an ISO 8601 time or epoch milliseconds", code: "invalid_parameter")
            }
            if name == "from" { query.from = date } else { query.to = date }
        }
        if let from = query.from, let to = query.to, from > to {
            throw APIError.badRequest("from must not be after to", code: "invalid_parameter")
        }
        return query
    }

    static func parseInstant(_ raw: String) -> Date? {
        if raw.count == 8, let day = KST.date(yyyymmdd: raw, hhmmss: "000000") { return day }
        if raw.count >= 10, raw.count <= 16, let ms = Int64(raw) { return Date(timeIntervalSince1970: Double(ms) / 1000) }
        return try? Date(raw, strategy: .iso8601)
    }

    /// Runs a broker call as a lookup (see the type's documentation).
    static func lookup<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .lookup)) {
            try await venue(body)
        }
    }

    /// Runs a broker call, mapping its failure to the envelope: bad input 400, unknown stock 404,
    /// not sent for lack of request budget 429 with `Retry-After`, throttled 503, anything else 502.
    static func venue<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as BrokerError {
            if let retryAfter = error.retryAfter {
                // Whole seconds, rounded up: a client that waits this long finds a slot.
                let seconds = max(1, Int(retryAfter.seconds.rounded(.up)))
                throw APIError(.tooManyRequests, code: "rate_limited",
                               message: "the venue's request budget is spent for now; retry after \(seconds) s", headers: [.retryAfter: "\(seconds)"])
            }
            switch error.kind {
            case .invalidInput: throw APIError.badRequest(error.message, code: "invalid_parameter")
            case .notFound: throw APIError.notFound(error.message)
            case .rateLimited: throw APIError(.serviceUnavailable, code: "venue_busy", message: error.message, headers: [.retryAfter: "1"])
            case .authentication, .unavailable, .unsupported: throw APIError(.badGateway, code: "venue_error", message: error.message)
            }
        } catch let error as APIError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw APIError(.badGateway, code: "venue_error", message: "the broker failed: \(error)")
        }
    }
}
