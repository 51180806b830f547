import Foundation
import SokboCore

extension TradingEngine {
    /// Rebuilds today's orders and risk ledger from the store. Orders found `intent` or `submitted`
    /// may have reached the broker before the process died: they become `unknown` and are reconciled.
    /// Each buy holds the amount committed when it was sized (`Order.budgetAmount`), market orders included.
    public func restore() async throws {
        if let journal { try await fold(journal) }
        let today = now()
        var query = RowQuery(table: .orders, orderBy: "created_at", descending: false, limit: 10_000)
        let midnight = today.addingTimeInterval(-Double(KST.secondsIntoDay(today)))
        query.atLeast["created_at"] = .integer(midnight.epochMilliseconds)
        let stored = try await store.select(query).compactMap(Order.init(row:))
        ledger = RiskLedger(day: today)
        for var order in stored {
            // Exit sells are no entries: they take no count, budget or cooldown of the risk limits.
            if order.exitReason == nil {
                ledger.record(order, amount: order.budgetAmount)
                if order.state == .rejected { ledger.release(amount: order.budgetAmount) }
            }
            if let number = order.brokerOrderNo { byBrokerNumber[number] = order.id }
            if order.state == .intent || order.state == .submitted {
                order = await transition(order, .outcomeUnknown(reason: "the process stopped before the broker's answer was known"))
                logger.warning("order outcome unknown after restart; reconciling", metadata: ["order": "\(order.id)"])
            }
            orders[order.id] = order
            if let newsID = order.newsID { orderedNewsIDs.insert(newsID) }
        }
        restoredOrderIDs = Set(orders.keys)
        await rebuildPositions(from: stored)
        restored = true
        if !stored.isEmpty {
            logger.info("restored today's orders and positions", metadata: ["orders": "\(stored.count)", "positions": "\(book.positions.count)"])
        }
    }

    /// Writes into the store what the journal holds and the store does not (the process stopped between
    /// the journal write and the store write), then empties the journal. A torn last line is an order whose
    /// journal write did not finish, so it was never sent: it is counted and dropped.
    private func fold(_ journal: any OrderJournal) async throws {
        let (rows, unreadable) = try journal.load()
        if unreadable > 0 {
            logger.warning("order journal lines that could not be read were dropped (torn writes of unsent orders)",
                           metadata: ["lines": "\(unreadable)"])
        }
        var latest: [String: Order] = [:]
        for order in rows.compactMap(Order.init(row:)) where (latest[order.id]?.eventCount ?? -1) < order.eventCount {
            latest[order.id] = order
        }
        var folded = 0
        for order in latest.values {
            var query = RowQuery(table: .orders, orderBy: "created_at", limit: 1)
            query.equals["id"] = .text(order.id)
            let stored = try await store.select(query).first.flatMap(Order.init(row:))
            if (stored?.eventCount ?? -1) < order.eventCount {
                try await store.upsert(order.row, into: .orders)
                folded += 1
            }
        }
        try journal.clear()
        if folded > 0 { logger.warning("orders recovered from the order journal", metadata: ["orders": "\(folded)"]) }
    }
}
