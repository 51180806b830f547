import Foundation
import SokboCore
import Testing
@testable import Trading

/// Each exit one tick or minute at a time. The entry is 100 shares at 10,000 won; with the default costs
/// (0.015 % commission each side, 0.20 % tax on sells) the net return of selling at a bid b is
/// (b × 0.99785 − 10,001.5) / 10,001.5.
@Suite struct ExitTests {
    @Test func theStopLossFiresAtTheTickThatCrossesItAndNotBefore() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        let entry = try await h.hold()
        await h.tick(9_750)  // −2.73 %
        #expect(await h.sells().isEmpty)
        await h.tick(9_700)  // −3.22 %
        let sells = await h.sells()
        #expect(sells.count == 1)
        #expect(sells.first?.quantity == entry.quantity)
        #expect(sells.first?.price == .market)
        #expect(await h.sellOrders().first?.exitReason == .stopLoss)
        await h.tick(9_600)
        #expect(await h.sells().count == 1, "never two exits for one position")
    }

    /// The stop fired by a tick read off the realtime socket is timed from that read to the sell leaving, step by
    /// step, and shown in the status; an exit from a polled price (no read instant) or the clock is not.
    @Test func aTickDrivenExitRecordsItsStagesFromTheFrameReadToTheSellLeaving() async throws {
        let hynix = Ticker("000660")!
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        try await h.hold()
        try await h.hold(2, ticker: hynix)
        let read = ContinuousClock.now
        await h.tick(9_750, received: read)
        #expect(await h.engine.status().tickToExit.count == 0, "no exit, no sample")
        await h.tick(9_700, received: read)
        #expect(await h.sells().count == 1)
        let stages = try #require(await h.engine.exitLatencySamples().first)
        #expect(stages.received == read)
        #expect(stages.received <= stages.handled && stages.handled <= stages.decided && stages.decided <= stages.stored && stages.stored <= stages.sent)
        #expect(stages.steps.map(\.name) == ["to engine", "decide", "store", "to task"])
        #expect(await h.engine.status().tickToExit.count == 1)
        await h.tick(9_600, ticker: hynix)
        #expect(await h.sells().count == 2)
        #expect(await h.engine.status().tickToExit.count == 1, "a price with no frame read is not a realtime sample")
    }

    @Test func theTakeProfitFiresAtItsThreshold() async throws {
        let h = try EngineHarness(rules: [rule { $0.takeProfitPercent = 5 }])
        try await h.hold()
        await h.tick(10_500)  // 4.76 %
        #expect(await h.sells().isEmpty)
        await h.tick(10_550)  // 5.26 %
        #expect(await h.sellOrders().map(\.exitReason) == [.takeProfit])
    }

    @Test func theTrailingStopActivatesAtItsOffsetAndFiresAtTheTrailBelowTheHigh() async throws {
        let h = try EngineHarness(rules: [rule { $0.trailPercent = 2; $0.trailActivationPercent = 4 }])
        try await h.hold()
        await h.tick(10_400)  // 3.76 %: not active yet
        await h.tick(10_000)
        #expect(await h.sells().isEmpty, "a fall before activation is no trail exit")
        await h.tick(10_500)  // 4.76 %: active, high 10,500
        await h.tick(10_300)  // above 10,290
        #expect(await h.sells().isEmpty)
        await h.tick(10_290)  // 2 % below the high
        #expect(await h.sellOrders().map(\.exitReason) == [.trailingStop])
    }

    @Test func theROITableExitsByMinutesHeldAndANegativeStepForcesTheExit() async throws {
        let h = try EngineHarness(rules: [rule { $0.roi = [ROIStep(minutes: 0, minimumReturnPercent: 10), ROIStep(minutes: 10, minimumReturnPercent: 1)] }])
        try await h.hold()
        h.clock.advance(5 * 60)
        await h.tick(10_200)  // 1.77 %, below 10 %
        #expect(await h.sells().isEmpty)
        h.clock.advance(5 * 60)
        await h.tick(10_200)  // minute 10: 1 % is enough
        #expect(await h.sellOrders().map(\.exitReason) == [.roi])

        let forced = try EngineHarness(rules: [rule { $0.roi = [ROIStep(minutes: 20, minimumReturnPercent: -1)] }])
        try await forced.hold()
        forced.clock.advance(19 * 60 + 59)
        await forced.tick(9_990)
        await forced.engine.sweepExits()
        #expect(await forced.sells().isEmpty)
        forced.clock.advance(1)
        await forced.engine.sweepExits()
        await forced.runWork()
        #expect(await forced.sellOrders().map(\.exitReason) == [.roi], "a negative step forces the exit at its minute, with no tick")
    }

    @Test func theTimeLimitFiresAtMaxHoldMinutesWithoutATick() async throws {
        let h = try EngineHarness(rules: [rule { $0.maxHoldMinutes = 30 }])
        try await h.hold()
        h.clock.advance(30 * 60 - 1)
        await h.engine.sweepExits()
        #expect(await h.sells().isEmpty)
        h.clock.advance(1)
        await h.engine.sweepExits()
        await h.runWork()
        #expect(await h.sellOrders().map(\.exitReason) == [.timeLimit])
    }

    @Test func everyPositionIsFlattenedAt1515KSTUnlessItsRuleOptsOut() async throws {
        // The clock starts at 08:40 KST; 15:15 is 6 h 35 min later.
        let h = try EngineHarness(rules: [rule { $0.flattenAtClose = true }])
        try await h.hold()
        h.clock.advance(6 * 3600 + 35 * 60 - 1)
        await h.tick(10_000)
        #expect(await h.sells().isEmpty)
        h.clock.advance(1)
        await h.tick(10_000)
        #expect(await h.sellOrders().map(\.exitReason) == [.endOfDay])

        let multiDay = try EngineHarness(rules: [rule { $0.flattenAtClose = false }])
        try await multiDay.hold()
        multiDay.clock.advance(6 * 3600 + 40 * 60)
        await multiDay.tick(10_000)
        #expect(await multiDay.sells().isEmpty, "a rule that opts out holds overnight")
    }

    @Test func whenSeveralFireOnOneTickTheDocumentedOrderNamesTheReason() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3; $0.maxHoldMinutes = 30; $0.flattenAtClose = true }])
        try await h.hold()
        h.clock.advance(6 * 3600 + 40 * 60)  // past the time limit and the close
        await h.tick(9_600)                   // and through the stop
        #expect(await h.sellOrders().map(\.exitReason) == [.stopLoss])
    }

    @Test func aPartlyFilledExitIsNeverOversoldAndTheTradeClosesOnItsLastFill() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        let entry = try await h.enter(1)
        await h.fill(entry, cumulative: 60, at: 10_000)  // 60 of 100 so far
        await h.tick(9_600)
        let firstSell = try #require(await h.sellOrders().first)
        #expect(firstSell.quantity == 60, "only what is held")
        await h.fill(entry, cumulative: 100, at: 10_000)  // the entry fills further while the exit is out
        await h.tick(9_500)
        #expect(await h.sells().count == 1, "no second exit while one is out")
        await h.fill(firstSell, cumulative: 20, at: 9_600)
        await h.fill(firstSell, cumulative: 60, at: 9_590)
        #expect(await h.engine.positions().first?.quantity == 40)
        // The first exit ended; the next tick exits the 40 left, under the next attempt's id.
        await h.tick(9_500)
        let sells = await h.sellOrders()
        #expect(sells.count == 2)
        #expect(sells.map(\.quantity).sorted() == [40, 60])
        let second = try #require(sells.first { $0.quantity == 40 })
        await h.fill(second, cumulative: 40, at: 9_500)
        #expect(await h.engine.positions().isEmpty)
        #expect(await h.engine.status().counters.oversells == 0)
        let trades = await h.records.rows.filter { $0.0 == .trades }.compactMap { TradeRecord(row: $0.1) }
        #expect(trades.count == 1)
        let trade = try #require(trades.first).trade
        #expect(trade.quantity == 100)
        // The fills' arithmetic, fees and tax included.
        let costs = TradingCosts()
        let bought = 100 * 10_000
        let sold = 20 * 9_600 + 40 * 9_590 + 40 * 9_500
        let fees = costs.commission(on: Double(60 * 10_000)) + costs.commission(on: Double(40 * 10_000))
            + costs.commission(on: Double(20 * 9_600)) + costs.commission(on: Double(40 * 9_590)) + costs.commission(on: Double(40 * 9_500))
        let tax = costs.tax(onSellOf: Double(20 * 9_600)) + costs.tax(onSellOf: Double(40 * 9_590)) + costs.tax(onSellOf: Double(40 * 9_500))
        #expect(trade.netPnL == sold - bought - fees - tax)
        #expect(trade.exitReason == .stopLoss)
    }

    @Test func aHaltedStockIsNotSoldIntoAndTheExitSaysWhyThenGoesOnWhenTheHaltLifts() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        try await h.hold()
        await h.engine.handle(.halt(EngineHarness.samsung, true))
        await h.tick(9_600)
        #expect(await h.sells().isEmpty)
        let waiting = try #require(await h.engine.positions().first?.waiting)
        #expect(waiting.contains("halted"))
        await h.engine.handle(.halt(EngineHarness.samsung, false))
        await h.runWork()
        #expect(await h.sellOrders().map(\.exitReason) == [.stopLoss])
    }

    /// The client's pacing refuses a sell unsent when the order budget has no slot in time: the stop, crossed
    /// again on every tick, waits a moment instead of storing a refused sell per tick (the tick-to-exit burst
    /// stored 2,186 for 20 positions), then tries again.
    @Test func aSellRefusedUnsentForTheOrderBudgetWaitsBeforeTheStopTriesAgain() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        _ = try await h.hold()
        await h.broker.answerSubmits([.rejected(code: "paced", message: "no order slot within 10 s")])
        await h.tick(9_600)
        #expect(await h.sells().count == 1)
        for bid in [9_590, 9_580, 9_570] { await h.tick(bid) }
        #expect(await h.sells().count == 1, "no refused sell per tick while the budget is spent")
        #expect(await h.engine.positions().first?.waiting?.contains("order budget") == true)
        h.clock.advance(1)
        await h.tick(9_560)
        #expect(await h.sells().count == 2, "tried again after the pause")
        #expect(await h.sellOrders().filter { $0.state == .rejected }.count == 1)
    }

    @Test func aSellWhoseOutcomeIsUnknownIsReconciledAndNeverResent() async throws {
        let h = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        let entry = try await h.hold()
        await h.broker.answerSubmits([.unknown(reason: "timeout after sending")])
        await h.tick(9_600)
        let sell = try #require(await h.sellOrders().first)
        #expect(sell.state == .unknown)
        await h.tick(9_500)
        await h.engine.sweepExits()
        await h.runWork()
        #expect(await h.sells().count == 1, "an unknown exit counts as out: nothing is re-sent")
        // The account shows the position sold out: the sell filled.
        await h.broker.setAccount(AccountSnapshot(cash: 0, orderableCash: 0, totalPurchase: 0, totalValuation: 0, profitLoss: 0,
                                                  estimatedAssets: 0, positions: []))
        await h.engine.reconcile()
        #expect(await h.engine.order(sell.id)?.state == .filled)
        #expect(await h.engine.order(sell.id)?.filledQuantity == entry.quantity)
        #expect(await h.engine.positions().isEmpty)
        #expect(await h.sells().count == 1)
    }

    @Test func aRestartRebuildsPositionsFromTheStoreAndTheBrokersQuantityWins() async throws {
        let first = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }])
        let entry = try await first.hold()
        let second = try EngineHarness(rules: [rule { $0.stopLossPercent = 3 }], store: first.store, clock: first.clock)
        try await second.engine.restore()
        #expect(await second.engine.positions().first?.quantity == entry.quantity)
        await second.engine.reconcilePositions(with: AccountSnapshot(
            cash: 0, orderableCash: 0, totalPurchase: 0, totalValuation: 0, profitLoss: 0, estimatedAssets: 0,
            positions: [Position(ticker: EngineHarness.samsung, name: "삼성전자", quantity: 60, sellableQuantity: 60, averagePrice: 10_000,
                                 currentPrice: 10_000, profitLoss: 0)]))
        #expect(await second.engine.positions().first?.quantity == 60)
        #expect(await second.engine.status().positionDifferences.count == 1)
        await second.tick(9_600)
        #expect(await second.sells().map(\.quantity) == [60], "never more than the broker holds")
    }

    @Test func flattenSellsEveryPositionAndCloseSellsOneWhileHaltOnlyStopsEntries() async throws {
        let hynix = Ticker("000660")!
        let h = try EngineHarness(rules: [rule { _ in }])
        try await h.hold(1)
        try await h.hold(2, ticker: hynix)
        await h.engine.setHalted(true)
        #expect(await h.engine.evaluate(h.news(3)) == nil, "halt stops entries")
        #expect(await h.engine.closePosition(hynix) == nil)
        await h.runWork()
        #expect(await h.sellOrders().map(\.exitReason) == [.manual])
        let refused = await h.engine.flattenAll()
        await h.runWork()
        #expect(refused[hynix] != nil, "already exiting")
        #expect(Set(await h.sellOrders().compactMap(\.exitReason)) == [.manual, .flattenAll])
    }

    @Test func theDailyLossLimitHaltsEntriesAndMaxOpenPositionsRefusesANewStock() async throws {
        let h = try EngineHarness(rules: [rule { _ in }]) { $0.dailyLossLimit = 10_000; $0.maxOpenPositions = 2 }
        try await h.hold(1)
        try await h.hold(2, ticker: Ticker("000660")!)
        #expect(await h.engine.evaluate(h.news(3, ticker: Ticker("035420")!)) == nil)
        #expect(await h.records.signals().last?.reason.contains("max 2") == true)
        await h.tick(9_850)  // −150 × 100 shares and costs
        #expect(await h.engine.pnl().lossLimitHit)
        #expect(await h.engine.status().halted)
        #expect(await h.engine.evaluate(h.news(4)) == nil)
    }
}
