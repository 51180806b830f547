import Foundation
import SokboCore
import Testing
@testable import Trading

@Suite struct RestoreTests {
    @Test func aRestartRestoresAMarketOrdersCommittedAmount() async throws {
        let market = Rule(name: "supply", anyKeywords: ["공급계약"], budget: 1_000_000, orderType: .market)
        let first = try EngineHarness(rules: [market])
        let order = try await first.enter(1)
        #expect(order.price == .market)
        let committed = await first.engine.status().committedToday
        #expect(committed > 0, "a market buy commits its size at the upper limit")
        #expect(order.committedAmount == committed)

        let second = try EngineHarness(rules: [market], store: first.store, clock: first.clock)
        try await second.engine.restore()
        #expect(await second.engine.status().committedToday == committed, "not 0 KRW: the committed amount is stored on the order")
    }

    @Test func aRestartTurnsAnOrderStoredAsSubmittedIntoUnknownAndReconcilesItWithoutResending() async throws {
        let first = try EngineHarness()
        await first.broker.answerSubmits([.unknown(reason: "timeout after sending")])
        let order = try await first.enter(1)
        #expect(order.state == .unknown)

        let second = try EngineHarness(store: first.store, clock: first.clock)
        try await second.engine.restore()
        #expect(await second.engine.order(order.id)?.state == .unknown)
        await second.broker.setOpenOrders([EngineHarness.openOrder(order, number: "0000042", filled: order.quantity, price: order.price.limitPrice ?? 0,
                                                               time: KST.timeString(order.createdAt))])
        await second.engine.reconcile()
        let settled = try #require(await second.engine.order(order.id))
        #expect(settled.state == .filled)
        #expect(settled.brokerOrderNo == "0000042")
        #expect(await second.broker.submits().isEmpty, "reconciliation never re-sends")
        // A second headline for the same news id is refused: one entry per headline, across restarts.
        #expect(await second.engine.evaluate(first.news(1)) == nil)
    }
}
