import Alerts
import Foundation
import LSNews
import SokboCore
import Trading

/// The Telegram commands' access to the engine: the calls the HTTP API makes (`POST /api/trading/halt`
/// and `/resume` → `setHalted`, `GET /api/account` → the broker's account, `GET /api/orders` → today's
/// orders). Closing positions (`/flatten`, `/close`) and closed trades wait for the engine's position
/// side; until then they answer that they are not available.
struct EngineAlertControl: AlertControl {
    let engine: TradingEngine
    let broker: any Broker
    let mode: String
    let news: @Sendable () async -> LSListenerStatus

    static let noPositionSide = "엔진에 청산 기능이 아직 없음\n수동 매도: POST /api/orders"

    func status() async -> AlertStatusSnapshot {
        let status = await engine.status()
        return AlertStatusSnapshot(mode: mode, halted: status.halted, ordersByState: status.counters.byState, openUnknown: status.openUnknown,
                                   budgetLeft: status.budgetLeft, newsConnected: await news().state == .connected)
    }

    func positions() async -> AlertControlAnswer<[Position]> {
        do {
            return .answer(try await broker.account().positions)
        } catch {
            return .notAvailable("잔고 조회 실패 (증권사 응답 없음)")
        }
    }

    func todaysOrders() async -> [Order] { await engine.todaysOrders() }

    func closedTrades() async -> AlertControlAnswer<[AlertClosedTrade]> { .notAvailable("청산 기록 아직 없음 (포지션 관리 추가 예정)") }

    func setHalted(_ halted: Bool) async { await engine.setHalted(halted) }

    func flatten() async -> AlertControlAnswer<String> { .notAvailable(Self.noPositionSide) }

    func close(_ ticker: Ticker) async -> AlertControlAnswer<String> { .notAvailable(Self.noPositionSide) }
}
