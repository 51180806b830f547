import Alerts
import Foundation
import LSNews
import SokboCore
import Trading

/// The Telegram commands' access to the engine: the calls the HTTP API makes (`POST /api/trading/halt`
/// and `/resume` → `setHalted`, `GET /api/positions` → the engine's positions, `GET /api/orders` → today's
/// orders, `GET /api/trades` → today's closed trades, `POST /api/trading/flatten` → `flattenAll`,
/// `POST /api/positions/{ticker}/close` → `closePosition`).
struct EngineAlertControl: AlertControl {
    let engine: TradingEngine
    let store: any Store
    let mode: String
    let news: @Sendable () async -> LSListenerStatus

    func status() async -> AlertStatusSnapshot {
        let status = await engine.status()
        return AlertStatusSnapshot(mode: mode, halted: status.halted, ordersByState: status.counters.byState, openUnknown: status.openUnknown,
                                   budgetLeft: status.budgetLeft, newsConnected: await news().state == .connected)
    }

    /// The positions the engine manages, marked at their last bid (the average cost until a tick marks them).
    func positions() async -> AlertControlAnswer<[Position]> {
        .answer(await engine.positions().map { view in
            let mark = view.mark ?? Int(view.averageCost.rounded())
            return Position(ticker: view.ticker, name: KRXUniverse.listing(for: view.ticker)?.name ?? view.ticker.code,
                            quantity: view.quantity, sellableQuantity: view.sellable, averagePrice: Int(view.averageCost.rounded()),
                            currentPrice: mark, profitLoss: view.unrealisedPnL ?? 0)
        })
    }

    func todaysOrders() async -> [Order] { await engine.todaysOrders() }

    /// Today's closed trades (KST), from the `trades` table `GET /api/trades` reads.
    func closedTrades() async -> AlertControlAnswer<[Trade]> {
        let now = Date()
        var query = RowQuery(table: .trades, orderBy: "closed_at", limit: 10_000)
        query.atLeast["closed_at"] = .integer(now.addingTimeInterval(-Double(KST.secondsIntoDay(now))).epochMilliseconds)
        do {
            return .answer(try await store.select(query).compactMap(TradeRecord.init(row:)).map(\.trade))
        } catch {
            return .notAvailable("거래 기록 조회 실패 (데이터베이스)")
        }
    }

    func setHalted(_ halted: Bool) async { await engine.setHalted(halted) }

    /// Sells every position; says what was not sold and why.
    func flatten() async -> AlertControlAnswer<String> {
        let held = await engine.positions().count
        guard held > 0 else { return .answer("보유 포지션 없음") }
        let refused = await engine.flattenAll()
        let lines = refused.sorted { $0.key.code < $1.key.code }.map { "\($0.key.code): \($0.value)" }
        return .answer("전체 청산: \(held - refused.count)/\(held) 종목 시장가 매도 전송" + (lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n")))
    }

    /// Sells one position; says why not when nothing was sent.
    func close(_ ticker: Ticker) async -> AlertControlAnswer<String> {
        if let why = await engine.closePosition(ticker) { return .answer("\(ticker.code) 청산 안 함: \(why)") }
        return .answer("\(ticker.code) 시장가 매도 전송")
    }
}
