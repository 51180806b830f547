import Foundation
import SokboCore

extension TradingEngine {
    // MARK: - Fills into positions

    /// Applies a fill to the position book, the exit state and the exit tracker; a sell that brings the
    /// position flat closes a trade, which is stored and published.
    func positionFilled(order: Order, quantity: Int, price: Int) async {
        let at = now()
        let fill = Fill(ticker: order.ticker, side: order.side, quantity: quantity, price: price, at: at, rule: order.rule,
                        newsID: order.newsID, exitReason: order.exitReason)
        let outcome = book.apply(fill)
        fillsApplied += 1
        lastFillApplied[order.ticker] = fillsApplied
        switch order.side {
        case .buy:
            var state = exitStates[order.ticker] ?? PositionExitState()
            state.bought(quantity)
            exitStates[order.ticker] = state
            let cost = book.positions[order.ticker]?.averageCost ?? Double(price)
            if var tracker = trackers[order.ticker] {
                tracker.updateAverageCost(cost)
                trackers[order.ticker] = tracker
            } else {
                trackers[order.ticker] = ExitTracker(policy: exitPolicy(forRule: order.rule), costs: book.costs, averageCost: cost, enteredAt: at)
                if !replaying { await watchPositions() }
            }
        case .sell:
            if outcome.unheldSellQuantity > 0 {
                counters.oversells += 1
                logger.critical("a sell filled beyond the shares held", metadata: [
                    "order": "\(order.id)", "ticker": "\(order.ticker)", "unheld": "\(outcome.unheldSellQuantity)"])
            }
            if exitStates[order.ticker]?.sells.contains(where: { $0.id == order.id }) == true {
                exitStates[order.ticker]?.sellFilled(id: order.id, cumulative: order.filledQuantity)
            } else {
                // A sell the exit state did not send (a manual one): what the book holds now is what is held.
                exitStates[order.ticker]?.brokerHolds(book.positions[order.ticker]?.quantity ?? 0)
            }
            if let trade = outcome.closedTrade { await closed(trade, lastSell: order) }
        }
    }

    /// A position went flat: the trade is stored and published, and its exit state dropped.
    private func closed(_ trade: Trade, lastSell: Order) async {
        rollDay(at: trade.closedAt)
        realisedToday += trade.netPnL
        trackers[trade.ticker] = nil
        exitStates[trade.ticker] = nil
        restingTakeProfitPlaced.remove(trade.ticker)
        exitWaits[trade.ticker] = nil
        let record = TradeRecord(id: "t-\(lastSell.id)", trade: trade)
        await records.append(record)
        guard !replaying else { return }
        events?.publish(kind: .trade, payload: record)
        logger.info("trade closed", metadata: ["ticker": "\(trade.ticker)", "reason": "\(trade.exitReason?.rawValue ?? "-")",
                                               "net": "\(trade.netPnL)"])
        await watchPositions()
    }

    /// A rule's exits; a manual position (no rule) or a rule since removed is only flattened at the close.
    func exitPolicy(forRule name: String?) -> ExitPolicy {
        if let name, let rule = rules.rules.first(where: { $0.name == name }) { return rule.exits }
        var policy = ExitPolicy.none
        policy.flattenAtClose = true
        return policy
    }

    /// Keeps the live quote feed on exactly the stocks held.
    func watchPositions() async {
        await broker.watch(Set(book.positions.keys))
    }
}
