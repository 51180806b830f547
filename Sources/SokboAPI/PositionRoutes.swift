import Foundation
import Hummingbird
import SokboCore
import Trading

/// Positions, trades and P&L, and the exits a person asks for: `GET /api/positions`, `GET /api/trades`,
/// `GET /api/pnl`, `POST /api/positions/{ticker}/close`, `POST /api/trading/flatten`.
struct PositionRoutes {
    let engine: TradingEngine
    let store: any Store

    /// `GET /api/pnl`: realised P&L of closed trades per KST day, and per rule within it.
    struct DailyPnL: Encodable, Sendable {
        struct RulePnL: Encodable, Sendable {
            let rule: String?
            let trades: Int
            let netPnL: Int
        }
        let day: String
        let trades: Int
        let netPnL: Int
        let byRule: [RulePnL]
    }

    struct PnLReport: Encodable, Sendable {
        let days: [DailyPnL]
        let today: PnLToday
    }

    struct ExitAnswer: Encodable, Sendable {
        let ticker: String
        let sent: Bool
        let reason: String?
    }

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("positions") { _, _ in
            JSONResponse(Listing(items: await engine.positions()))
        }
        group.post("positions/:ticker/close") { _, context in
            let raw = try context.parameters.require("ticker")
            guard let ticker = Ticker(raw) else { throw APIError.badRequest("ticker must be a 6-character KRX code", code: "invalid_parameter") }
            guard await engine.positions().contains(where: { $0.ticker == ticker }) else { throw APIError.notFound("no open position in \(ticker.code)") }
            if let why = await engine.closePosition(ticker) { throw APIError(.conflict, code: "not_sent", message: why) }
            return JSONResponse(ExitAnswer(ticker: ticker.code, sent: true, reason: nil), status: .accepted)
        }
        group.post("trading/flatten") { _, _ in
            let held = await engine.positions().map(\.ticker)
            let refused = await engine.flattenAll()
            return JSONResponse(Listing(items: held.map { ExitAnswer(ticker: $0.code, sent: refused[$0] == nil, reason: refused[$0]) }),
                                status: .accepted)
        }
        group.get("trades") { request, _ in
            let parameters = request.uri.queryParameters
            var query = RowQuery(table: .trades, orderBy: "closed_at", limit: try parameters.limit())
            if let raw = parameters["from"].map(String.init) {
                query.atLeast["closed_at"] = .integer(try Self.dayStart(raw, name: "from").epochMilliseconds)
            }
            if let raw = parameters["to"].map(String.init) {
                query.atMost["closed_at"] = .integer(try Self.dayStart(raw, name: "to").addingTimeInterval(86_400).epochMilliseconds - 1)
            }
            let rule = parameters["rule"].map(String.init)
            // The rule is filtered here: rule names are free text, and the column is not indexed.
            let trades = try await store.select(query).compactMap(TradeRecord.init(row:)).filter { rule == nil || $0.trade.rule == rule }
            return JSONResponse(Listing(items: trades))
        }
        group.get("pnl") { request, _ in
            var days = 7
            if let raw = request.uri.queryParameters["days"].map(String.init) {
                guard let value = Int(raw), (1...366).contains(value) else {
                    throw APIError.badRequest("days must be an integer from 1 to 366", code: "invalid_parameter")
                }
                days = value
            }
            let now = Date()
            let todayStart = now.addingTimeInterval(-Double(KST.secondsIntoDay(now)))
            var query = RowQuery(table: .trades, orderBy: "closed_at", limit: 100_000)
            query.atLeast["closed_at"] = .integer(todayStart.addingTimeInterval(-Double(days - 1) * 86_400).epochMilliseconds)
            let trades = try await store.select(query).compactMap(TradeRecord.init(row:)).map(\.trade)
            let byDay = Dictionary(grouping: trades) { KST.dayString($0.closedAt) }
            let report = byDay.keys.sorted(by: >).map { day in
                let dayTrades = byDay[day] ?? []
                let byRule = Dictionary(grouping: dayTrades) { $0.rule ?? "" }
                return DailyPnL(day: day, trades: dayTrades.count, netPnL: dayTrades.reduce(0) { $0 + $1.netPnL },
                                byRule: byRule.keys.sorted().map { name in
                                    let ruleTrades = byRule[name] ?? []
                                    return DailyPnL.RulePnL(rule: name.isEmpty ? nil : name, trades: ruleTrades.count,
                                                            netPnL: ruleTrades.reduce(0) { $0 + $1.netPnL })
                                })
            }
            return JSONResponse(PnLReport(days: report, today: await engine.pnl()))
        }
    }

    /// `YYYY-MM-DD` (a KST day) → its start.
    static func dayStart(_ raw: String, name: String) throws -> Date {
        let digits = raw.replacingOccurrences(of: "-", with: "")
        guard raw.count == 10, digits.count == 8, digits.allSatisfy(\.isASCII), let date = KST.date(yyyymmdd: digits, hhmmss: "000000") else {
            throw APIError.badRequest("\(name) must be a KST day, YYYY-MM-DD", code: "invalid_parameter")
        }
        return date
    }
}
