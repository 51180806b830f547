import Foundation
import SokboCore
import Testing
@testable import Trading

@Suite struct OrderLifeTests {
    @Test func pushedFillsMoveAnOrderThroughPartiallyFilledToFilledOnce() async throws {
        let h = try EngineHarness()
        let order = try await h.enter(1)
        #expect(order.state == .accepted)
        await h.fill(order, cumulative: 40, at: 10_000)
        let partly = try #require(await h.engine.order(order.id))
        #expect(partly.state == .partiallyFilled)
        #expect(partly.filledQuantity == 40)
        await h.fill(order, cumulative: 40, at: 10_000)  // the same report again
        await h.fill(order, cumulative: order.quantity, at: 10_050)
        let filled = try #require(await h.engine.order(order.id))
        #expect(filled.state == .filled)
        #expect(filled.averageFillPrice == (40 * 10_000 + Double(order.quantity - 40) * 10_050) / Double(order.quantity))
        let fillEvents = await h.records.orderEvents().filter { $0.kind == "filled" }
        #expect(fillEvents.count == 2, "each fill stored as an order event, the repeat not")
        #expect(await h.engine.status().counters.fills == 2)
        #expect(await h.engine.positions().first?.quantity == order.quantity)
    }

    @Test func aReportThatCameBeforeTheOrdersNumberIsAppliedOnceReconciliationFindsIt() async throws {
        let h = try EngineHarness()
        await h.broker.answerSubmits([.unknown(reason: "timeout after sending")])
        let order = try await h.enter(1)
        #expect(order.state == .unknown)
        await h.engine.handle(.execution(BrokerExecution(
            brokerOrderNo: "0000077", ticker: order.ticker, side: .buy, status: .filled, orderQuantity: order.quantity,
            orderPrice: 10_000, openQuantity: order.quantity - 10, cumulativeQuantity: 10, executionPrice: 10_000, executionQuantity: 10,
            time: KST.timeString(order.createdAt))))
        #expect(await h.engine.order(order.id)?.filledQuantity == 0)
        await h.broker.setOpenOrders([EngineHarness.openOrder(order, number: "0000077", time: KST.timeString(order.createdAt))])
        await h.engine.reconcile()
        let found = try #require(await h.engine.order(order.id))
        #expect(found.brokerOrderNo == "0000077")
        #expect(found.state == .partiallyFilled)
        #expect(found.filledQuantity == 10, "the report held for the number was applied")
    }

    @Test func aCancelReportEndsTheRestAndKeepsTheFill() async throws {
        let h = try EngineHarness()
        let order = try await h.enter(1)
        await h.fill(order, cumulative: 30, at: 10_000)
        let committed = await h.engine.status().committedToday
        await h.engine.handle(.execution(BrokerExecution(
            brokerOrderNo: "0000999", originalOrderNo: order.brokerOrderNo, ticker: order.ticker, side: .buy, status: .confirmed,
            orderQuantity: order.quantity - 30, orderPrice: 0, openQuantity: 0, cumulativeQuantity: 0, time: "100000")))
        let ended = try #require(await h.engine.order(order.id))
        #expect(ended.state == .cancelled)
        #expect(ended.filledQuantity == 30)
        #expect(await h.engine.status().committedToday == committed - order.budgetAmount * (order.quantity - 30) / order.quantity)
        // A fill that happened before the cancel took effect, reported after it, is still kept.
        await h.fill(order, cumulative: 35, at: 10_000)
        #expect(await h.engine.order(order.id)?.filledQuantity == 35)
        #expect(await h.engine.order(order.id)?.state == .cancelled)
        #expect(await h.engine.positions().first?.quantity == 35, "the late fill reaches the position book too")
        #expect(await h.engine.positions().first?.sellable == 35, "and its exits manage it")
    }

    @Test func withTheAccountFeedDownOpenOrdersAndFillsArePolledAndWithItUpTheyAreNot() async throws {
        let h = try EngineHarness()
        let order = try await h.enter(1)
        let number = try #require(order.brokerOrderNo)
        await h.broker.setOpenOrders([EngineHarness.openOrder(order, number: number, filled: 30)])
        await h.engine.pollOrders()
        #expect(await h.engine.order(order.id)?.filledQuantity == 30)
        // Gone from the open list: the day's fills say it filled completely.
        await h.broker.setOpenOrders([])
        await h.broker.setFills([BrokerExecution(brokerOrderNo: number, ticker: order.ticker, side: .buy, status: .filled,
                                                 orderQuantity: order.quantity, orderPrice: 10_000, openQuantity: 0,
                                                 cumulativeQuantity: order.quantity, executionPrice: 10_000,
                                                 executionQuantity: order.quantity, time: "084001")])
        await h.engine.pollOrders()
        #expect(await h.engine.order(order.id)?.state == .filled)

        let second = try await h.enter(2)
        await h.broker.setOpenOrders([EngineHarness.openOrder(second, number: try #require(second.brokerOrderNo), time: "084002")])
        h.broker.push(.feed(connected: true))
        await h.engine.handle(.feed(connected: true))
        // Once after the feed came up (fills made before its registration took are pushed to nobody)...
        await h.engine.pollOrders()
        // ...and then never while fills arrive as pushes.
        let before = await h.broker.calls.count
        await h.engine.pollOrders()
        #expect(await h.broker.calls.count == before, "no REST poll while fills arrive as pushes")
        #expect(await h.engine.order(second.id)?.state == .accepted)
    }

    /// A push and a poll that report the same fill at once (the engine waits on the store between reading an
    /// order and keeping its next state) move the order and the book once: 100 shares held, never 200.
    @Test func aFillReportedByAPushAndAPollAtOnceIsCountedOnce() async throws {
        for _ in 0..<20 {
            let h = try EngineHarness(store: MemoryStore(upsertYields: 50))
            let order = try await h.enter(1)
            let number = try #require(order.brokerOrderNo)
            await h.broker.setOpenOrders([EngineHarness.openOrder(order, number: number, filled: order.quantity)])
            h.broker.push(.feed(connected: true))
            await h.engine.handle(.feed(connected: true))
            let report = BrokerExecution(
                brokerOrderNo: number, ticker: order.ticker, side: .buy, status: .filled, orderQuantity: order.quantity,
                orderPrice: 10_000, openQuantity: 0, cumulativeQuantity: order.quantity, executionID: "e1", executionPrice: 10_000,
                executionQuantity: order.quantity, time: "084000")
            async let pushed: Void = h.engine.handle(.execution(report))
            async let polled: Void = h.engine.pollOrders()
            _ = await (pushed, polled)
            #expect(await h.engine.order(order.id)?.filledQuantity == order.quantity)
            #expect(await h.engine.positions().first?.quantity == order.quantity, "the fill is in the book once")
        }
    }

    /// The simulator and the venue push `00` only to sockets whose registration already took: a buy that fills
    /// while the feed is down, with the feed back before the next poll, is learned by one catch-up read.
    @Test func aFillMadeWhileTheFeedWasDownIsLearnedOnceTheFeedIsBack() async throws {
        let h = try EngineHarness()
        let order = try await h.enter(1)
        let number = try #require(order.brokerOrderNo)
        // Filled at the venue while the feed was down; no poll ran before it came back.
        await h.broker.setOpenOrders([EngineHarness.openOrder(order, number: number, filled: order.quantity)])
        h.broker.push(.feed(connected: true))
        await h.engine.handle(.feed(connected: true))
        await h.engine.pollOrders()
        let settled = try #require(await h.engine.order(order.id))
        #expect(settled.filledQuantity == order.quantity, "the fill made while the feed was down is learned")
        #expect(await h.engine.positions().first?.quantity == order.quantity, "and its shares are a managed position")
        let polls = await h.broker.calls.count
        await h.engine.pollOrders()
        #expect(await h.broker.calls.count == polls, "one catch-up read, not polling while the feed is up")
    }

    @Test func anEntryStillOpenAfterItsTimeoutIsCancelledOnceAndKeepsItsFill() async throws {
        let h = try EngineHarness(rules: [rule({ _ in }, entryTimeout: 60)])
        h.broker.push(.feed(connected: true))
        let order = try await h.enter(1)
        await h.fill(order, cumulative: 30, at: 10_000)
        h.clock.advance(59)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().isEmpty, "not before the timeout")
        h.clock.advance(1)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().map(\.brokerOrderNo) == [order.brokerOrderNo])
        let ended = try #require(await h.engine.order(order.id))
        #expect(ended.state == .cancelled)
        #expect(ended.filledQuantity == 30)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().count == 1)
        #expect(await h.engine.positions().first?.quantity == 30)
    }

    @Test func anEntryTimeoutCancelWhoseOutcomeIsUnknownIsReconciledNotResent() async throws {
        let h = try EngineHarness(rules: [rule({ _ in }, entryTimeout: 60)])
        h.broker.push(.feed(connected: true))
        let order = try await h.enter(1)
        await h.broker.answerCancels([.unknown(reason: "timeout")])
        h.clock.advance(60)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.engine.order(order.id)?.state == .accepted)
        await h.engine.sweepEntryTimeouts()
        #expect(await h.broker.cancels().count == 1, "not asked again while its outcome is unknown")
        // The open orders show nothing left open: the cancel took.
        await h.broker.setOpenOrders([EngineHarness.openOrder(order, open: 0, status: "취소")])
        await h.engine.pollOrders()
        #expect(await h.engine.order(order.id)?.state == .cancelled)
        #expect(await h.broker.cancels().count == 1)
    }
}
