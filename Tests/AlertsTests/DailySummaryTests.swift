import Alerts
import Foundation
import SokboCore
import Testing

/// The daily summary (and `/pnl`) reads the engine's closed trades as they are (`Trade`), net of costs.
@Suite struct DailySummaryTests {
    @Test func closedTradesAreToldByTheirNetPnLAndExitReason() {
        let at = Date(timeIntervalSince1970: 1_795_650_000)
        let win = Trade(ticker: Ticker("005930")!, rule: "공급계약", newsID: "1", openedAt: at, closedAt: at.addingTimeInterval(600), quantity: 12,
                        entryPrice: 71_000, exitPrice: 73_000, exitReason: .takeProfit, grossPnL: 24_000, commission: 260, tax: 1_752, netPnL: 21_988)
        let loss = Trade(ticker: Ticker("000660")!, rule: nil, newsID: nil, openedAt: at, closedAt: at, quantity: 3, entryPrice: 200_000,
                         exitPrice: 195_000, exitReason: nil, grossPnL: -15_000, commission: 180, tax: 1_170, netPnL: -16_350)
        let text = DailySummary.text(title: "📊 오늘 손익", orders: [], trades: .answer([win, loss]))
        #expect(text.contains("청산 2건 · 실현손익 +5,638원"), "\(text)")
        #expect(text.contains("· 삼성전자(005930) +21,988원 (익절 (take-profit))"), "\(text)")
        #expect(text.contains("SK하이닉스(000660) -16,350원 (사유 없음)"), "\(text)")
    }
}
