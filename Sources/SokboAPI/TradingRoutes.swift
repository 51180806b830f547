import Foundation
import Hummingbird
import SokboCore
import Trading

/// Signals, orders (manual orders and cancels), rules, and the kill switch.
struct TradingRoutes {
    let engine: TradingEngine
    let store: any Store

    struct OrderBody: Decodable {
        let ticker: String
        let side: String
        let quantity: Int?
        let amount: Int?
        let type: String?
        let price: Int?
    }

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("signals") { request, _ in
            var query = RowQuery(table: .signals, orderBy: "created_at", limit: try request.uri.queryParameters.limit())
            if let raw = request.uri.queryParameters["ticker"].map(String.init) {
                guard let ticker = Ticker(raw) else { throw APIError.badRequest("ticker must be a 6-character KRX code", code: "invalid_parameter") }
                query.equals["ticker"] = .text(ticker.code)
            }
            var signals = try await store.select(query).compactMap(SignalRecord.init(row:))
            // Names are not stored: they come from the same map the engine named its live signals from.
            var names: [Ticker: String?] = [:]
            for index in signals.indices {
                guard let ticker = signals[index].ticker else { continue }
                if names[ticker] == nil { names[ticker] = .some(await engine.companyName(of: ticker)) }
                signals[index].companyName = names[ticker] ?? nil
            }
            return JSONResponse(Listing(items: signals))
        }
        group.get("orders") { request, _ in
            var query = RowQuery(table: .orders, orderBy: "created_at", limit: try request.uri.queryParameters.limit())
            if let raw = request.uri.queryParameters["state"].map(String.init) {
                guard OrderState(rawValue: raw) != nil else {
                    throw APIError.badRequest("state must be one of \(OrderState.allCases.map(\.rawValue).joined(separator: ", "))", code: "invalid_parameter")
                }
                query.equals["state"] = .text(raw)
            }
            return JSONResponse(Listing(items: try await store.select(query).compactMap(Order.init(row:))))
        }
        group.post("orders") { request, context in
            let body: OrderBody
            do { body = try await request.decode(as: OrderBody.self, context: context) } catch {
                throw APIError(.badRequest, code: "invalid_body", message: "expected {ticker, side, quantity|amount, type, price?}")
            }
            guard let ticker = Ticker(body.ticker) else { throw APIError(.unprocessableContent, code: "invalid_order", message: "ticker must be a 6-character KRX code") }
            guard let side = OrderSide(rawValue: body.side) else { throw APIError(.unprocessableContent, code: "invalid_order", message: "side must be buy or sell") }
            guard (body.quantity == nil) != (body.amount == nil) else {
                throw APIError(.unprocessableContent, code: "invalid_order", message: "give exactly one of quantity or amount")
            }
            guard (1...100_000_000).contains(body.quantity ?? 1), (1...1_000_000_000_000).contains(body.amount ?? 1) else {
                throw APIError(.unprocessableContent, code: "invalid_order",
                               message: "quantity must be 1…100,000,000 shares and amount 1…1,000,000,000,000 KRW")
            }
            let type = body.type ?? "limit"
            guard type == "limit" || type == "market" else { throw APIError(.unprocessableContent, code: "invalid_order", message: "type must be limit or market") }
            if type == "market", body.price != nil { throw APIError(.unprocessableContent, code: "invalid_order", message: "a market order takes no price") }
            do {
                let order = try await engine.placeManual(ticker: ticker, side: side, quantity: body.quantity, amount: body.amount,
                                                         market: type == "market", limitPrice: body.price)
                return JSONResponse(order, status: .created)
            } catch let error as TradingEngine.ManualError {
                throw Self.map(error)
            }
        }
        group.post("orders/:id/cancel") { _, context in
            let id = try context.parameters.require("id")
            guard id.count <= 100 else { throw APIError.notFound("no such order") }
            do {
                return JSONResponse(try await engine.cancel(orderID: id))
            } catch let error as TradingEngine.ManualError {
                throw Self.map(error)
            }
        }
        group.get("rules") { _, _ in
            RulesYAML(rules: await engine.currentRules().rules)
        }
        group.put("rules") { request, _ in
            let buffer = try await request.body.collect(upTo: 256 * 1024)
            let text = String(buffer: buffer)
            do {
                let rules = try RuleFile.parse(text)
                await engine.replaceRules(rules)
                return RulesYAML(rules: rules.rules)
            } catch let error as RuleFileError {
                throw APIError(.unprocessableContent, code: "invalid_rules", message: error.description)
            }
        }
        group.post("trading/halt") { _, _ in
            await engine.setHalted(true)
            return JSONResponse(["halted": true])
        }
        group.post("trading/resume") { _, _ in
            await engine.setHalted(false)
            return JSONResponse(["halted": false])
        }
    }

    static func map(_ error: TradingEngine.ManualError) -> APIError {
        switch error {
        case .invalid(let message): APIError(.unprocessableContent, code: "invalid_order", message: message)
        case .refused(let message): APIError(.conflict, code: "refused", message: message)
        case .notFound: APIError.notFound("no such order today")
        case .conflict(let message): APIError(.conflict, code: "conflict", message: message)
        case .unavailable(let message): APIError(.serviceUnavailable, code: "broker_unavailable", message: message)
        }
    }
}
