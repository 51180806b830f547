import Foundation
import SokboCore
import Testing

@Suite struct PositionBookTests {
    private let samsung = Ticker("005930")!
    private let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func aRoundTripsPnLIsTheFillsArithmeticWithCommissionAndTax() throws {
        var book = PositionBook(costs: TradingCosts(commissionPercent: 0.015, sellTaxPercent: 0.20))
        #expect(book.apply(Fill(ticker: samsung, side: .buy, quantity: 30, price: 70_000, at: t0, rule: "supply", newsID: "n1")).closedTrade == nil)
        #expect(book.apply(Fill(ticker: samsung, side: .buy, quantity: 10, price: 70_400, at: t0 + 1)).closedTrade == nil)
        let position = try #require(book.positions[samsung])
        #expect(position.quantity == 40)
        #expect(position.averageCost == 70_100)
        #expect(book.apply(Fill(ticker: samsung, side: .sell, quantity: 25, price: 72_000, at: t0 + 60, exitReason: .takeProfit)).closedTrade == nil)
        let trade = try #require(book.apply(Fill(ticker: samsung, side: .sell, quantity: 15, price: 71_000, at: t0 + 90, exitReason: .trailingStop)).closedTrade)
        #expect(book.positions[samsung] == nil)
        // Bought 2,100,000 + 704,000; sold 1,800,000 + 1,065,000.
        let buyCommission = 315 + 105          // ⌊2,100,000 × 0.015 %⌋ + ⌊704,000 × 0.015 %⌋
        let sellCommission = 270 + 159         // ⌊1,800,000 × 0.015 %⌋ + ⌊1,065,000 × 0.015 %⌋
        let tax = 3_600 + 2_130                // ⌊× 0.20 %⌋ of each sell
        #expect(trade.grossPnL == 2_865_000 - 2_804_000)
        #expect(trade.commission == buyCommission + sellCommission)
        #expect(trade.tax == tax)
        #expect(trade.netPnL == 61_000 - buyCommission - sellCommission - tax)
        #expect(trade.quantity == 40)
        #expect(trade.entryPrice == 70_100)
        #expect(trade.exitPrice == 71_625)
        #expect(trade.exitReason == .trailingStop)
        #expect(trade.rule == "supply" && trade.newsID == "n1")
        #expect(trade.openedAt == t0 && trade.closedAt == t0 + 90)
    }

    @Test func realisedAndUnrealisedPnLWhileOpen() throws {
        var book = PositionBook(costs: .zero)
        _ = book.apply(Fill(ticker: samsung, side: .buy, quantity: 10, price: 10_000, at: t0))
        _ = book.apply(Fill(ticker: samsung, side: .sell, quantity: 4, price: 10_500, at: t0 + 1))
        let position = try #require(book.positions[samsung])
        #expect(position.realisedPnL == 2_000)
        #expect(position.unrealisedPnL(markedAt: 9_900, costs: .zero) == -600)
    }

    @Test func aSellBeyondWhatIsHeldIsReportedNotApplied() {
        var book = PositionBook(costs: .zero)
        _ = book.apply(Fill(ticker: samsung, side: .buy, quantity: 10, price: 10_000, at: t0))
        let outcome = book.apply(Fill(ticker: samsung, side: .sell, quantity: 12, price: 10_000, at: t0 + 1))
        #expect(outcome.unheldSellQuantity == 2)
        #expect(outcome.closedTrade?.quantity == 10)
        #expect(book.apply(Fill(ticker: samsung, side: .sell, quantity: 1, price: 10_000, at: t0 + 2)).unheldSellQuantity == 1)
    }
}
