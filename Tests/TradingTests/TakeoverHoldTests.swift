import Foundation
import SokboCore
import Synchronization
import Testing
@testable import Trading

/// The engine of a node that took over from another (`SOKBO_HA=on`), one event at a time: an older epoch's order
/// in flight stays unknown and unread at the broker while the fence holds it (its request could still land), and
/// the engine trades meanwhile; a node that no longer acts writes no order state.
@Suite struct TakeoverHoldTests {
    /// A fence over the harness's store: commits write the row there; what it holds and whether the node acts are
    /// set by the test.
    final class ScriptedFence: OrderFence {
        let store: MemoryStore
        let held = Mutex<Set<String>>([])
        let acting = Mutex(true)

        init(store: MemoryStore) { self.store = store }

        func commit(orderID: String, row: Row) async throws {
            guard acting.withLock({ $0 }) else { throw FenceRefusal(.demoted) }
            try await store.upsert(row, into: .orders)
        }

        func mayReconcile(orderID: String) -> Bool { !held.withLock { $0.contains(orderID) } }

        func mayWriteOrders() -> Bool { acting.withLock { $0 } }
    }

    static let hynix = Ticker("000660")!

    func openOrderReads(_ broker: ScriptedBroker) async -> Int {
        await broker.calls.filter { if case .openOrders = $0 { true } else { false } }.count
    }

    /// The old node's buy went out and its outcome was never known. The new node's engine makes it unknown and,
    /// while the fence holds it, never asks the broker about it (no `ka10075`: the request may not have landed yet)
    /// — yet it trades another headline, and the held order's headline gets no second entry. Once the hold ends,
    /// reconciliation reads the broker and settles it, never re-sending it.
    @Test func anOlderEpochsOrderInFlightIsReadAtTheBrokerOnlyOnceTheFenceLetsItAndTheEngineTradesMeanwhile() async throws {
        let old = try EngineHarness()
        await old.broker.answerSubmits([.unknown(reason: "the node stopped before the answer")])
        let order = try await old.enter(1)
        #expect(order.state == .unknown)

        let fence = ScriptedFence(store: old.store)
        fence.held.withLock { $0 = [order.id] }
        let new = try EngineHarness(store: old.store, clock: old.clock, fence: fence)
        try await new.engine.restore()
        await new.broker.setOpenOrders([EngineHarness.openOrder(order, number: "0000042", filled: order.quantity,
                                                                price: order.price.limitPrice ?? 0, time: KST.timeString(order.createdAt))])
        await new.engine.reconcile()
        #expect(await openOrderReads(new.broker) == 0, "read at the broker while its request could still land")
        #expect(await new.engine.order(order.id)?.state == .unknown)

        // Trading goes on: another headline buys; the held order's headline does not buy again.
        let other = try await new.enter(2, ticker: Self.hynix)
        #expect(other.state == .accepted)
        #expect(await new.engine.evaluate(old.news(1)) == nil)
        await new.engine.reconcile()
        #expect(await openOrderReads(new.broker) == 0)

        fence.held.withLock { $0 = [] }
        await new.engine.reconcile()
        #expect(await openOrderReads(new.broker) == 1)
        let settled = try #require(await new.engine.order(order.id))
        #expect(settled.state == .filled)
        #expect(settled.brokerOrderNo == "0000042")
        #expect(await new.broker.submits().map(\.ticker) == [Self.hynix], "the held order was re-sent")
    }

    /// The old node's exit sell went out and its outcome was never known: while it is held, the position gets no
    /// other exit (the unknown sell still offers its shares), whatever the price does; another position exits.
    @Test func aPositionWhoseExitIsInFlightGetsNoOtherExitWhileItIsHeld() async throws {
        let stop = rule { $0.stopLossPercent = 3 }
        let old = try EngineHarness(rules: [stop])
        try await old.hold(1)
        try await old.hold(2, ticker: Self.hynix)
        await old.broker.answerSubmits([.unknown(reason: "the node stopped before the answer")])
        await old.tick(9_700)
        let sell = try #require(await old.sellOrders().first)
        #expect(sell.state == .unknown)

        let fence = ScriptedFence(store: old.store)
        fence.held.withLock { $0 = [sell.id] }
        let new = try EngineHarness(rules: [stop], store: old.store, clock: old.clock, fence: fence)
        try await new.engine.restore()
        await new.tick(9_500)
        await new.tick(9_400)
        #expect(await new.sells().isEmpty, "a second exit while the first may still land")
        await new.tick(9_500, ticker: Self.hynix)
        #expect(await new.sells().map(\.ticker) == [Self.hynix], "the other position's exit")
    }

    /// A node that no longer acts (woken after losing the lease) leaves an order's row and events as they are:
    /// a late answer or report is not written over what the active node's reconciliation wrote.
    @Test func aNodeThatNoLongerActsWritesNoOrderState() async throws {
        let store = MemoryStore()
        let fence = ScriptedFence(store: store)
        let h = try EngineHarness(store: store, fence: fence)
        let order = try await h.enter(1)
        #expect(order.state == .accepted)
        let stored = try await store.select(RowQuery(table: .orders, orderBy: "created_at"))
        let upserts = await store.upserts
        let events = await h.records.rows.count

        fence.acting.withLock { $0 = false }
        await h.fill(order, cumulative: order.quantity, at: 10_000)
        #expect(await store.upserts == upserts, "the row was written after the node stopped acting")
        #expect(try await store.select(RowQuery(table: .orders, orderBy: "created_at")) == stored)
        #expect(await h.records.rows.count == events, "an order event was recorded after the node stopped acting")
        #expect(await h.engine.order(order.id)?.state == .accepted)
    }
}
