import Foundation
import SokboCore
import Testing
@testable import Trading

/// The start-up check of the book against the broker's account (`kt00018`) runs beside entries: an account
/// read issued before a fill must not undo that fill (issue 11's simulate run: a buy filled while the start-up
/// read was out was wiped from the book, so its shares stayed at the venue unmanaged and its 408,000 won cost
/// was missing from the trades).
@Suite struct StartUpPositionCheckTests {
    static let empty = AccountSnapshot(cash: 100_000_000, orderableCash: 100_000_000, totalPurchase: 0, totalValuation: 0,
                                       profitLoss: 0, estimatedAssets: 100_000_000, positions: [])

    static func holding(_ quantity: Int, at price: Int) -> AccountSnapshot {
        AccountSnapshot(cash: 100_000_000, orderableCash: 100_000_000, totalPurchase: quantity * price, totalValuation: quantity * price,
                        profitLoss: 0, estimatedAssets: 100_000_000,
                        positions: [Position(ticker: EngineHarness.samsung, name: "삼성전자", quantity: quantity, sellableQuantity: quantity,
                                             averagePrice: price, currentPrice: price, profitLoss: 0)])
    }

    @Test func aBuyFilledWhileTheStartUpAccountReadWasOutIsKeptAndExitedWithItsCost() async throws {
        let h = try EngineHarness(rules: [rule { _ in }])
        try await h.engine.restore()
        // 1. The start-up read is issued; the venue answers kt00018 at once: nothing held yet.
        let fillsBeforeRead = await h.engine.fillSequence()
        // 2. Meanwhile a headline's buy is accepted and fills (the `00` push).
        let buy = try await h.enter(1)
        await h.fill(buy, cumulative: buy.quantity, at: 10_000)
        #expect(await h.engine.positions().first?.quantity == buy.quantity)
        // 3. The read's answer (kt00001 came back later) reaches the check.
        await h.engine.reconcilePositions(with: Self.empty, fillsBeforeRead: fillsBeforeRead)
        #expect(await h.engine.positions().first?.quantity == buy.quantity, "the fill is not undone by an older snapshot")
        #expect(await h.engine.status().positionDifferences.isEmpty)
        // 4. The position is managed like any other: flattened, and the trade carries the buy's cost.
        #expect(await h.engine.flattenAll().isEmpty)
        await h.runWork()
        let sell = try #require(await h.sellOrders().first)
        #expect(sell.quantity == buy.quantity)
        await h.fill(sell, cumulative: sell.quantity, at: 10_100)
        let trade = try #require(await h.records.trades().first)
        #expect(trade.trade.quantity == buy.quantity)
        #expect(trade.trade.grossPnL == buy.quantity * 10_100 - buy.quantity * 10_000, "the trade's P&L is the fills' arithmetic")
        #expect(await h.engine.positions().isEmpty)
    }

    @Test func aSnapshotThatSawAFillWhosePushIsStillOnItsWayDoesNotCountItTwice() async throws {
        let h = try EngineHarness(rules: [rule { _ in }])
        try await h.engine.restore()
        let buy = try await h.enter(1)
        let fillsBeforeRead = await h.engine.fillSequence()
        // The venue filled the buy before answering kt00018; its `00` push is not applied yet.
        await h.engine.reconcilePositions(with: Self.holding(buy.quantity, at: 10_000), fillsBeforeRead: fillsBeforeRead)
        #expect(await h.engine.status().positionDifferences.isEmpty, "an order of ours out: its stock is not compared yet (not reported as held elsewhere)")
        await h.fill(buy, cumulative: buy.quantity, at: 10_000)
        #expect(await h.engine.positions().first?.quantity == buy.quantity, "not twice the shares")
    }
}
