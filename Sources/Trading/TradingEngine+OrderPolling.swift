import Foundation
import SokboCore

extension TradingEngine {
    /// Where an entry-timeout cancel stands.
    enum CancelState: Sendable, Hashable {
        /// Sent; no answer yet.
        case sent
        /// The answer was lost: reconciliation reads the open orders to learn whether it took.
        case unknown
        /// The venue refused it (the order had most likely filled or ended already): not asked again.
        case refused
        /// The venue took it while the account feed was down: the order ends once the open orders show what
        /// filled before the cancel (ending it on the reply alone would lose those fills, which no push brings).
        case accepted
    }

    // MARK: - Polling while the account feed is down

    /// Reads open orders once (`ka10075`) and moves ours on from them, when the account feed is down or a
    /// cancel's outcome is unknown. Called at the engine service's paced interval; a tick with nothing open
    /// makes no call. An order gone from the open list is settled from the day's fills (`ka10076`) where the
    /// venue answers them, else from the account.
    public nonisolated func pollOrders() async {
        // Upkeep behind entries: the venue client serves an entry's queries first when both wait for a slot.
        await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .background)) { await pollOpenOrders() }
    }

    private nonisolated func pollOpenOrders() async {
        let feedUp = broker.accountFeedConnected
        let watched = await ordersToPoll(feedUp: feedUp)
        guard !watched.isEmpty else { return }
        let listed: [BrokerOrder]
        do {
            listed = try await broker.openOrdersAndFills(nil)
        } catch {
            logger.warning("could not poll open orders", metadata: ["error": "\(error)"])
            return
        }
        await notePoll()
        var gone: [Order] = []
        for order in watched {
            if let row = listed.first(where: { $0.brokerOrderNo == order.brokerOrderNo }) {
                await applyListed(row, to: order.id)
            } else {
                gone.append(order)
            }
        }
        guard !gone.isEmpty else { return }
        var account: AccountSnapshot?
        for ticker in Set(gone.map(\.ticker)) {
            let fills = try? await broker.fills(ticker)
            // An empty list proves nothing where the venue leaves it empty (the mock host): the account decides.
            if fills?.isEmpty ?? true, account == nil { account = await readAccount() }
            for order in gone where order.ticker == ticker {
                await settleGone(order.id, fills: fills, account: account)
            }
        }
    }

    /// Open orders with a number, while the feed is down; and any with a cancel whose outcome is unknown or
    /// that was taken while the feed was down (its end and last fills are learned here, whatever the feed).
    private func ordersToPoll(feedUp: Bool) -> [Order] {
        orders.values.filter { order in
            guard order.brokerOrderNo != nil, order.state == .accepted || order.state == .partiallyFilled else { return false }
            if cancels[order.id] == .unknown || cancels[order.id] == .accepted { return true }
            return !feedUp
        }
    }

    private func notePoll() { counters.orderPolls += 1 }

    /// Moves an order on from its row in the open-order list.
    func applyListed(_ row: BrokerOrder, to id: String) async {
        guard var order = orders[id], order.state == .accepted || order.state == .partiallyFilled else { return }
        let cumulative = min(row.filledQuantity, order.quantity)
        if cumulative > order.filledQuantity {
            let added = cumulative - order.filledQuantity
            let price = Double(row.fillPrice ?? order.price.limitPrice ?? row.price)
            let average = ((order.averageFillPrice ?? 0) * Double(order.filledQuantity) + price * Double(added)) / Double(cumulative)
            order = await transition(order, .filled(cumulativeQuantity: cumulative, averagePrice: average))
        }
        if row.openQuantity == 0, order.state == .accepted || order.state == .partiallyFilled {
            cancels[id] = nil
            await endByVenue(order, reason: "no shares left open at the venue with \(order.filledQuantity) of \(order.quantity) filled")
        } else if row.openQuantity > 0, cancels[id] == .unknown {
            // Still open: the cancel did not take. The timeout sweep may ask once more.
            cancels[id] = nil
        }
    }

    /// An order no longer in the open list: filled or cancelled. The day's fills (`ka10076`: one row per order,
    /// its shares filled so far and their average price) say how much filled; where they name no fill, a list
    /// with rows in it proves there was none. Where the list is empty or unavailable, the account decides: shares
    /// it holds beyond the book are this order's fills. While another order of the stock may have fills nobody
    /// has reported (sent, or its outcome unknown), it waits rather than guess.
    func settleGone(_ id: String, fills: [BrokerExecution]?, account: AccountSnapshot?) async {
        guard var order = orders[id], order.state == .accepted || order.state == .partiallyFilled, let number = order.brokerOrderNo else { return }
        let reported = fills?.filter { $0.brokerOrderNo == number && $0.cumulativeQuantity > 0 }
            .max { $0.cumulativeQuantity < $1.cumulativeQuantity }
        if let reported {
            let cumulative = min(order.quantity, reported.cumulativeQuantity)
            if cumulative > order.filledQuantity {
                let price = reported.executionPrice ?? order.price.limitPrice ?? reported.orderPrice
                order = await transition(order, .filled(cumulativeQuantity: cumulative, averagePrice: Double(price)))
            }
        } else if fills?.isEmpty ?? true {
            guard let account else { return }
            let unreported = orders.values.contains { other in
                other.id != id && other.ticker == order.ticker && (other.state == .submitted || other.state == .unknown)
            }
            if unreported { return }
            let held = account.positions.first { $0.ticker == order.ticker }?.quantity ?? 0
            let beyondBook = held - (book.positions[order.ticker]?.quantity ?? 0)
            let cumulative = min(order.quantity, order.filledQuantity + max(0, beyondBook))
            if cumulative > order.filledQuantity {
                // The account gives no price per order: the limit (a marketable buy fills at or under it).
                let price = order.price.limitPrice ?? account.positions.first { $0.ticker == order.ticker }?.averagePrice ?? 0
                let added = cumulative - order.filledQuantity
                let average = ((order.averageFillPrice ?? 0) * Double(order.filledQuantity) + Double(price * added)) / Double(cumulative)
                order = await transition(order, .filled(cumulativeQuantity: cumulative, averagePrice: average))
            }
        }
        cancels[id] = nil
        await endByVenue(order, reason: "no longer open at the venue with \(order.filledQuantity) of \(order.quantity) filled")
    }

    // MARK: - Entry timeout

    /// Cancels entries still open after their rule's `entry-timeout` (a partly filled one keeps its fill).
    /// Each is asked once; a lost answer is reconciled from the open orders, and only an order proven still
    /// open is asked again.
    public nonisolated func sweepEntryTimeouts() async {
        for order in await entriesPastTimeout() {
            guard let number = order.brokerOrderNo else { continue }
            let outcome = await broker.cancel(CancelRequest(brokerOrderNo: number, ticker: order.ticker))
            await entryCancelAnswered(order.id, outcome)
        }
    }

    private func entriesPastTimeout() -> [Order] {
        let at = now()
        let due = orders.values.filter { order in
            guard order.side == .buy, let ruleName = order.rule, order.brokerOrderNo != nil, cancels[order.id] == nil,
                  order.state == .accepted || order.state == .partiallyFilled else { return false }
            let timeout = rules.rules.first { $0.name == ruleName }?.entryTimeoutSeconds ?? Rule.defaultEntryTimeoutSeconds
            return at.timeIntervalSince(order.createdAt) >= Double(timeout)
        }
        for order in due { cancels[order.id] = .sent }
        counters.entryTimeouts += due.count
        return due
    }

    private func entryCancelAnswered(_ id: String, _ outcome: OrderSubmission) async {
        guard let order = orders[id] else { return }
        switch outcome {
        case .accepted where !broker.accountFeedConnected:
            // No push will bring the fills made before the cancel took: the next poll ends the order with them.
            cancels[id] = .accepted
        case .accepted:
            cancels[id] = nil
            await endByVenue(order, reason: "entry timeout: the unfilled rest cancelled with \(order.filledQuantity) of \(order.quantity) filled")
        case .rejected(let code, let message):
            cancels[id] = .refused
            logger.notice("the venue refused an entry-timeout cancel; the order's own reports settle it",
                          metadata: ["order": "\(id)", "code": "\(code)", "message": "\(message)"])
        case .unknown(let reason):
            cancels[id] = .unknown
            logger.warning("entry-timeout cancel outcome unknown; reconciling from the open orders",
                           metadata: ["order": "\(id)", "reason": "\(reason)"])
        }
    }
}
