import Foundation
import SokboCore

extension TradingEngine {
    /// Rebuilds positions from today's stored orders' fills (in the order they were created), then each
    /// position's exit state (its open sells count as out) and exit tracker. A trade closed before the
    /// restart closes again in the replay and is stored once (its id is the closing sell's).
    func rebuildPositions(from stored: [Order]) async {
        replaying = true
        defer { replaying = false }
        for order in stored.sorted(by: { $0.createdAt < $1.createdAt }) where order.filledQuantity > 0 {
            guard let current = orders[order.id] else { continue }
            var before = current
            before.filledQuantity = 0
            before.averageFillPrice = nil
            await filledFurther(from: before, to: current)
        }
        exitStates = [:]
        for (ticker, position) in book.positions {
            var state = PositionExitState(held: position.quantity)
            for sell in orders.values where sell.ticker == ticker && sell.side == .sell && !sell.state.isTerminal && sell.quantity > 0 {
                state.sellSent(id: sell.id, quantity: sell.remainingQuantity, reason: sell.exitReason ?? .manual, resting: false)
            }
            exitStates[ticker] = state
            trackers[ticker] = ExitTracker(policy: exitPolicy(forRule: position.rule), costs: book.costs,
                                           averageCost: position.averageCost, enteredAt: position.openedAt)
        }
    }

    /// Checks the book against the broker's account (`kt00018`) once at start: a difference is reported
    /// (logged, in `/api/status`) and the broker's quantity wins. A stock held at the broker that Sokbo did
    /// not open today is reported and left alone. A row with 0 shares (sold out today) is no position.
    public func reconcilePositions(with account: AccountSnapshot) async {
        var held: [Ticker: Position] = [:]
        for row in account.positions where row.quantity > 0 { held[row.ticker] = row }
        for (ticker, position) in book.positions {
            let brokerQuantity = held[ticker]?.quantity ?? 0
            guard brokerQuantity != position.quantity else { continue }
            let note = "\(ticker.code): the store's fills hold \(position.quantity), the broker \(brokerQuantity); the broker's quantity wins"
            positionDifferences.append(note)
            logger.warning("position differs from the broker", metadata: ["ticker": "\(ticker)", "store": "\(position.quantity)",
                                                                             "broker": "\(brokerQuantity)"])
            book.override(ticker, quantity: brokerQuantity, averageCost: held[ticker].map { Double($0.averagePrice) }, at: now())
            if brokerQuantity == 0 {
                trackers[ticker] = nil
                exitStates[ticker] = nil
            } else {
                exitStates[ticker]?.brokerHolds(brokerQuantity)
                if let cost = book.positions[ticker]?.averageCost { trackers[ticker]?.updateAverageCost(cost) }
            }
        }
        for (ticker, row) in held where book.positions[ticker] == nil {
            positionDifferences.append("\(ticker.code): \(row.quantity) held at the broker, not opened by Sokbo today; not managed")
        }
        await watchPositions()
    }
}
