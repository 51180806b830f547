import Foundation
import SokboCore

extension TradingEngine {
    // MARK: - Manual orders and control

    /// Why a manual order or cancel was refused.
    public enum ManualError: Error, Sendable, Equatable {
        /// The input is wrong (nothing was sent).
        case invalid(String)
        /// A risk limit or the kill switch refused it.
        case refused(String)
        /// No such order.
        case notFound
        /// The order cannot be cancelled in its state.
        case conflict(String)
        /// The broker could not be asked (snapshot failed).
        case unavailable(String)
    }

    /// A manual order: the same limits, storing and outcome handling as news orders.
    /// `quantity` or `amount` (KRW) sizes it; a limit order without a price uses the best ask (buy) or bid (sell).
    public func placeManual(ticker: Ticker, side: OrderSide, quantity: Int?, amount: Int?, market: Bool, limitPrice: Int?) async throws(ManualError) -> Order {
        let at = now()
        if halted { throw .refused("trading is halted (kill switch)") }
        guard settings.calendar.allowsEntry(at: at) else { throw .refused("outside the entry window or not a trading day (KST)") }
        let snapshot: StockSnapshot
        do {
            snapshot = try await broker.snapshot(ticker)
        } catch let error as BrokerError where error.kind == .notFound || error.kind == .invalidInput {
            // The caller's input is wrong (an unknown stock), not the broker unavailable.
            throw .invalid("the broker does not know \(ticker): \(error.message)")
        } catch {
            throw .unavailable("stock snapshot failed: \(error)")
        }
        let unitPrice: Int
        if market {
            unitPrice = side == .buy ? snapshot.limits.upper : snapshot.limits.lower
        } else if let limitPrice {
            guard KRXTick.isOnGrid(limitPrice), snapshot.limits.contains(limitPrice) else {
                throw .invalid("price \(limitPrice) is off the tick grid or outside today's limits \(snapshot.limits.lower)–\(snapshot.limits.upper)")
            }
            unitPrice = limitPrice
        } else {
            let best = side == .buy ? snapshot.book?.asks.first?.price : snapshot.book?.bids.first?.price
            guard let best else { throw .unavailable("no order book to price a limit order") }
            unitPrice = best
        }
        let shares = quantity ?? (amount.map { $0 / unitPrice } ?? 0)
        guard shares > 0 else { throw .invalid("the order comes to 0 shares at \(unitPrice)") }
        let (total, overflow) = shares.multipliedReportingOverflow(by: unitPrice)
        guard !overflow else { throw .invalid("\(shares) shares at \(unitPrice) is beyond any budget") }
        if let refusal = ledger.refusal(side: side, ticker: ticker, amount: total, at: at, limits: settings.limits) {
            throw .refused(refusal)
        }
        var order = Order(id: "m-\(UUID().uuidString.lowercased())", newsID: nil, rule: nil, ticker: ticker, side: side,
                          quantity: shares, price: market ? .market : .limit(unitPrice), createdAt: at)
        order.positionBefore = account?.positions.first { $0.ticker == ticker }?.quantity ?? 0
        // A sell of a position Sokbo holds offers only shares no other sell offers, and counts as out like an
        // exit's sell, so an exit can never sell the same shares again.
        if side == .sell, var state = exitStates[ticker] {
            guard shares <= state.sellable else {
                throw .refused("only \(state.sellable) shares of \(ticker.code) are held and not already offered")
            }
            state.sellSent(id: order.id, quantity: shares, reason: .manual, resting: false)
            exitStates[ticker] = state
        }
        order.committedAmount = side == .buy ? total : nil
        ledger.record(order, amount: order.budgetAmount)
        orders[order.id] = order
        let submitted = await transition(order, .sent)
        guard submitted.state == OrderState.submitted else {
            _ = exitStates[ticker]?.sellEnded(id: order.id, cumulative: 0)
            throw .unavailable("the order could not be stored; not sent")
        }
        let request = OrderRequest(clientOrderID: order.id, ticker: ticker, side: side, quantity: shares, price: submitted.price)
        counters.ordersSent += 1
        let outcome = await broker.submit(request)
        await record(outcome, for: order.id)
        return orders[order.id] ?? submitted
    }

    /// Cancels an order's unfilled rest. An unknown answer leaves the order as it was (reconciliation follows).
    public func cancel(orderID: String) async throws(ManualError) -> Order {
        guard let order = orders[orderID], order.quantity > 0 else { throw .notFound }
        guard order.state == .accepted || order.state == .partiallyFilled, let number = order.brokerOrderNo else {
            throw .conflict("an order in state \(order.state.rawValue) cannot be cancelled")
        }
        switch await broker.cancel(CancelRequest(brokerOrderNo: number, ticker: order.ticker)) {
        case .accepted:
            return await transition(order, .cancelled(reason: "cancelled on request"))
        case .rejected(let code, let message):
            throw .conflict("the broker refused the cancel: [\(code)] \(message)")
        case .unknown(let reason):
            throw .unavailable("the cancel's outcome is unknown (\(reason)); the order will be reconciled")
        }
    }

    /// The kill switch.
    public func setHalted(_ value: Bool) {
        halted = value
        logger.notice(value ? "trading halted" : "trading resumed")
        events?.publish(kind: .trading, payload: ["halted": value])
    }

    /// Replaces the rules (already validated).
    public func replaceRules(_ newRules: RuleSet) {
        rules = newRules
    }

    /// The rules in force.
    public func currentRules() -> RuleSet { rules }
}
