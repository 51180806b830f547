import Foundation
import SokboCore

extension TradingEngine {
    // MARK: - Sending

    /// Sends once and records the outcome.
    nonisolated func send(_ order: Order, journaledRow: Row?) async {
        let request = OrderRequest(clientOrderID: order.id, ticker: order.ticker, side: order.side, quantity: order.quantity, price: order.price)
        // With a journal the row is durable already: the store gets it while the request is out, and before
        // the outcome's own write, which must land after it.
        async let stored: Void = storeJournaled(journaledRow, orderID: order.id)
        let outcome = await broker.submit(request)
        await stored
        await record(outcome, for: order.id)
    }

    /// Writes a journaled order's row to the store; on failure the journal keeps it for the next start.
    private nonisolated func storeJournaled(_ row: Row?, orderID: String) async {
        guard let row else { return }
        do {
            try await store.upsert(row, into: .orders)
            await journalEntryStored()
        } catch {
            // Still pending: the journal is not emptied before the next start folds it into the store.
            logger.error("cannot store a sent order; the order journal keeps it for the next start",
                         metadata: ["order": "\(orderID)", "error": "\(error)"])
        }
    }

    /// Empties the journal once it is long and every order in it has reached the store. On the actor, as the
    /// appends are: with nothing pending, no order is between its journal write and its store write.
    private func journalEntryStored() {
        guard journalCompaction.stored(), let journal else { return }
        do {
            try journal.clear()
            journalCompaction.cleared()
        } catch {
            logger.error("cannot empty the order journal; it is folded at the next start", metadata: ["error": "\(error)"])
        }
    }

    /// Applies the broker's answer to a submit.
    func record(_ outcome: OrderSubmission, for id: String) async {
        // Answered (or given up on): the venue has seen it, so the next account read shows its effect.
        sentSinceAccountRead += 1
        guard let order = orders[id] else { return }
        switch outcome {
        case .accepted(let number):
            _ = await transition(order, .accepted(brokerOrderNo: number))
        case .rejected(let code, let message):
            let done = await transition(order, .rejected(reason: "[\(code)] \(message)"))
            if done.state == .rejected { ledger.release(amount: order.budgetAmount) }
        case .unknown(let reason):
            _ = await transition(order, .outcomeUnknown(reason: reason))
        }
    }

    // MARK: - Transitions

    /// Applies an event, stores the order (write-through), records the event and notifies.
    @discardableResult
    func transition(_ order: Order, _ event: OrderEvent) async -> Order {
        await apply(event, to: order, beforeSending: false).order
    }

    /// `transition`, writing to the journal instead of the store when `beforeSending` and there is one; returns
    /// the row it journaled, built once.
    func apply(_ event: OrderEvent, to order: Order, beforeSending: Bool) async -> (order: Order, journaledRow: Row?) {
        switch OrderStateMachine.apply(order, event, at: now()) {
        case .failure(let error):
            logger.error("refused order transition", metadata: ["order": "\(order.id)", "error": "\(error)"])
            return (order, nil)
        case .success(let (next, effects)):
            var journaledRow: Row?
            if effects.contains(.persist) {
                let row = next.row
                do {
                    if beforeSending, let journal {
                        try journal.append(row)
                        journaledRow = row
                        journalCompaction.appended()
                    } else {
                        try await store.upsert(row, into: .orders)
                    }
                } catch {
                    logger.critical("cannot store order state", metadata: ["order": "\(order.id)", "error": "\(error)"])
                    if event == .sent { return (order, nil) }
                }
            }
            orders[next.id] = next
            await records.append(OrderEventRecord(orderID: next.id, sequence: next.eventCount, kind: event.name,
                                                  detail: next.reason ?? next.state.rawValue, createdAt: next.updatedAt))
            if effects.contains(.notify) { events?.publish(kind: .order, payload: next) }
            return (next, journaledRow)
        }
    }
}
