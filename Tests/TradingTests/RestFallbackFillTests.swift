import Foundation
import SokboCore
import Testing
@testable import Trading

/// Fill detection over REST while the account feed (`00`/`04`) is down: an order gone from the open orders
/// (`ka10075`) is settled from the day's fills (`ka10076`, one row per order with its shares filled so far) or,
/// where those are empty (the mock host's quirk), from the account (`kt00018`); an entry-timeout cancel never
/// leaves filled shares unmanaged.
@Suite struct RestFallbackFillTests {
    /// A `ka10076` row as `KiwoomBroker.fill` makes it: the order's filled shares so far and their average price,
    /// no single execution's quantity.
    static func dayFill(_ order: Order, cumulative: Int, at price: Int) -> BrokerExecution {
        BrokerExecution(brokerOrderNo: order.brokerOrderNo ?? "", ticker: order.ticker, side: order.side, status: .filled,
                        orderQuantity: order.quantity, orderPrice: order.price.limitPrice ?? 0,
                        openQuantity: order.quantity - cumulative, cumulativeQuantity: cumulative, executionPrice: price, time: "084000")
    }

    static func account(holding ticker: Ticker, quantity: Int, at price: Int) -> AccountSnapshot {
        AccountSnapshot(cash: 100_000_000, orderableCash: 100_000_000, totalPurchase: quantity * price, totalValuation: quantity * price,
                        profitLoss: 0, estimatedAssets: 100_000_000,
                        positions: [Position(ticker: ticker, name: "삼성전자", quantity: quantity, sellableQuantity: quantity,
                                             averagePrice: price, currentPrice: price, profitLoss: 0)])
    }

    @Test func aBuyFilledAtTheVenueIsFilledFromTheDaysFillsAndHeld() async throws {
        let h = try EngineHarness()
        #expect(!h.broker.accountFeedConnected)
        let order = try await h.enter(1)
        #expect(order.state == .accepted)
        // The whole order filled at the venue: gone from the open orders, one ka10076 row for it.
        await h.broker.setOpenOrders([])
        await h.broker.setFills([Self.dayFill(order, cumulative: order.quantity, at: 10_000)])
        await h.engine.pollOrders()
        let settled = try #require(await h.engine.order(order.id))
        #expect(settled.state == .filled)
        #expect(settled.filledQuantity == order.quantity)
        #expect(settled.averageFillPrice == 10_000)
        #expect(await h.engine.positions().first?.quantity == order.quantity, "the filled shares are a managed position")
    }

    @Test func withTheDaysFillsEmptyTheAccountProvesTheFill() async throws {
        let h = try EngineHarness()
        let order = try await h.enter(1)
        await h.broker.setOpenOrders([])
        await h.broker.setFills([])  // the mock host answers ka10076 with an empty list
        await h.broker.setAccount(Self.account(holding: order.ticker, quantity: order.quantity, at: 10_000))
        await h.engine.pollOrders()
        let settled = try #require(await h.engine.order(order.id))
        #expect(settled.state == .filled)
        #expect(await h.engine.positions().first?.quantity == order.quantity)
    }

    @Test func withTheDaysFillsEmptyAnExitSellGoneFromTheOpenOrdersIsFilledWhenTheAccountNoLongerHoldsTheShares() async throws {
        let h = try EngineHarness(rules: [rule { _ in }])
        let entry = try await h.hold()
        #expect(await h.engine.flattenAll().isEmpty)
        await h.runWork()
        let sell = try #require(await h.sellOrders().first)
        #expect(sell.state == .accepted)
        await h.tick(10_100)
        await h.broker.setOpenOrders([])
        await h.broker.setFills([])
        await h.broker.setAccount(StartUpPositionCheckTests.empty)  // sold out: no row
        await h.engine.pollOrders()
        let settled = try #require(await h.engine.order(sell.id))
        #expect(settled.state == .filled, "not cancelled with the shares gone from the account")
        #expect(settled.filledQuantity == entry.quantity)
        #expect(await h.engine.positions().isEmpty)
        #expect(await h.records.trades().count == 1)
    }

    @Test func anEntryTimeoutCancelWithTheFeedDownKeepsTheFillsMadeBeforeIt() async throws {
        let h = try EngineHarness(rules: [rule({ _ in }, entryTimeout: 60)])
        let order = try await h.enter(1)
        await h.broker.setOpenOrders([EngineHarness.openOrder(order)])
        await h.engine.pollOrders()
        #expect(await h.engine.order(order.id)?.state == .accepted)
        // 30 shares fill at the venue; before the next poll the entry times out and the cancel takes the rest.
        h.clock.advance(60)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().count == 1)
        let afterCancel = try #require(await h.engine.order(order.id))
        #expect(afterCancel.state != .cancelled || afterCancel.filledQuantity == 30,
                "not ended as cancelled before the fills made before the cancel are known")
        await h.broker.setOpenOrders([])
        await h.broker.setFills([Self.dayFill(order, cumulative: 30, at: 10_000)])
        await h.engine.pollOrders()
        let ended = try #require(await h.engine.order(order.id))
        #expect(ended.state == .cancelled)
        #expect(ended.filledQuantity == 30)
        #expect(await h.engine.positions().first?.quantity == 30, "the 30 shares are a managed position")
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().count == 1, "the cancel is asked once")
    }

    /// A resting take-profit cancelled for a stop while the feed is down: shares it sold before the cancel took
    /// reach the book before the stop's sell is sized, so the stop never offers shares already sold.
    @Test func aRestingSellsCancelWithTheFeedDownKeepsItsFillsBeforeTheStopSells() async throws {
        let h = try EngineHarness(rules: [RestingTakeProfitTests.restingRule()])
        let entry = try await h.hold()
        await h.engine.sweepExits()
        await h.runWork()
        let resting = try #require(await h.sellOrders().first)
        #expect(resting.state == .accepted)
        // 40 shares sell at the venue; the stop crosses before any poll: the resting sell is cancelled first.
        await h.tick(9_600)
        #expect(await h.broker.cancels().count == 1)
        await h.runWork()
        #expect(await h.sells().count == 1, "the stop waits for the cancel and the resting sell's fills")
        await h.broker.setOpenOrders([])
        await h.broker.setFills([Self.dayFill(resting, cumulative: 40, at: 10_500)])
        await h.engine.pollOrders()
        await h.runWork()
        let ended = try #require(await h.engine.order(resting.id))
        #expect(ended.state == .cancelled)
        #expect(ended.filledQuantity == 40)
        #expect(await h.sells().map(\.quantity) == [entry.quantity, entry.quantity - 40], "the stop sells only what is left")
    }
}
