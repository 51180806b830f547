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
                state.sellSent(id: sell.id, quantity: sell.remainingQuantity, reason: sell.exitReason ?? .manual, resting: sell.isRestingTakeProfit)
            }
            exitStates[ticker] = state
            trackers[ticker] = ExitTracker(policy: exitPolicy(forRule: position.rule), costs: book.costs,
                                           averageCost: position.averageCost, enteredAt: position.openedAt)
        }
    }

    /// Fills applied to the book so far: taken just before an account read is issued, it tells the start-up
    /// check which stocks moved while the read was out.
    public func fillSequence() -> Int { fillsApplied }

    /// Checks the book against the broker's account (`kt00018`) once at start: a difference is reported
    /// (logged, in `/api/status`) and the broker's quantity wins. A stock held at the broker that Sokbo did
    /// not open today is reported and left alone. A row with 0 shares (sold out today) is no position.
    ///
    /// The read runs beside entries, so the account can be older than the book: a stock whose book moved after
    /// the read was issued (`fillsBeforeRead`), or with an order of ours not ended (its fills may be on their
    /// way), is not compared with it (the snapshot would undo fills it never saw, leaving their shares at the
    /// venue unmanaged and their cost out of the trade); it is compared at a later account read instead.
    public func reconcilePositions(with account: AccountSnapshot, fillsBeforeRead: Int? = nil) async {
        await comparePositions(with: account, fillsBeforeRead: fillsBeforeRead ?? fillsApplied, only: nil)
    }

    /// Compares the deferred stocks with an account read issued when `fillsBeforeRead` fills had been applied.
    func recheckDeferredPositions(with account: AccountSnapshot, fillsBeforeRead: Int) async {
        guard !deferredPositionChecks.isEmpty else { return }
        let due = deferredPositionChecks
        deferredPositionChecks = []
        await comparePositions(with: account, fillsBeforeRead: fillsBeforeRead, only: due)
    }

    private func comparePositions(with account: AccountSnapshot, fillsBeforeRead: Int, only: Set<Ticker>?) async {
        var held: [Ticker: Position] = [:]
        for row in account.positions where row.quantity > 0 { held[row.ticker] = row }
        func comparable(_ ticker: Ticker) -> Bool {
            guard only?.contains(ticker) ?? true else { return false }
            // Deferred and traded since start: this session's own reports keep its book, which a later read
            // (with fills of its own possibly on their way) must not override.
            if only != nil, orders.values.contains(where: { $0.ticker == ticker && $0.quantity > 0 && !restoredOrderIDs.contains($0.id) }) {
                return false
            }
            let moved = (lastFillApplied[ticker] ?? 0) > fillsBeforeRead
                || orders.values.contains { $0.ticker == ticker && $0.quantity > 0 && !$0.state.isTerminal }
            if moved { deferredPositionChecks.insert(ticker) }
            return !moved
        }
        for (ticker, position) in book.positions where comparable(ticker) {
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
        for (ticker, row) in held where book.positions[ticker] == nil && comparable(ticker) {
            positionDifferences.append("\(ticker.code): \(row.quantity) held at the broker, not opened by Sokbo today; not managed")
        }
        await watchPositions()
    }
}
