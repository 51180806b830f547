import Foundation
import SokboCore

/// The day's orders and P&L as a message: what was bought and sold (from fills), orders by outcome, and
/// the realized P&L of closed trades once the engine reports them (`AlertControl.closedTrades`).
public enum DailySummary {
    /// The text for `orders` (today's) and `trades` (the hook: `notAvailable` until trades exist).
    public static func text(title: String, orders: [Order], trades: AlertControlAnswer<[Trade]>) -> String {
        let filled = orders.filter { $0.filledQuantity > 0 }
        func amount(_ side: OrderSide) -> Int {
            filled.filter { $0.side == side }.reduce(0) { $0 + Int((($1.averageFillPrice ?? 0) * Double($1.filledQuantity)).rounded()) }
        }
        let count = { (state: OrderState) in orders.filter { $0.state == state }.count }
        var lines = [title]
        lines.append("주문 \(orders.count)건 · 체결 \(count(.filled)) · 일부 \(count(.partiallyFilled)) · 접수 \(count(.accepted))")
        lines.append("거부 \(count(.rejected)) · 취소 \(count(.cancelled)) · 미확정 \(count(.unknown))")
        lines.append("매수 체결 \(AlertFormat.won(amount(.buy)))")
        lines.append("매도 체결 \(AlertFormat.won(amount(.sell)))")
        switch trades {
        case .answer(let closed):
            let total = closed.reduce(0) { $0 + $1.netPnL }
            lines.append("청산 \(closed.count)건 · 실현손익 \(AlertFormat.signedWon(total))")
            for trade in closed.prefix(10) {
                let reason = trade.exitReason.map(AlertFormat.exitReason) ?? "사유 없음"
                lines.append("· \(AlertEventMapper.stock(trade.ticker)) \(AlertFormat.signedWon(trade.netPnL)) (\(reason))")
            }
        case .notAvailable(let reason):
            lines.append("실현손익: \(reason)")
        }
        return lines.joined(separator: "\n")
    }
}
