/// How many shares to buy and at what price, from a rule, a snapshot and what is left to spend.
///
/// amount = min(rule budget, what is left of the daily budget, the per-order maximum, orderable cash
/// given the margin rate); price = the best ask rounded up to the KRX tick (never above the upper
/// limit) for a marketable limit; quantity = floor(amount / price).
public enum Sizing {
    /// A sized order, or why there is none.
    public enum Decision: Sendable, Hashable {
        /// Buy `quantity` at `price` (the estimate for a market order), spending at most `amount`.
        case order(quantity: Int, price: OrderPrice, unitPrice: Int, amount: Int)
        /// No order, for this reason.
        case skip(String)
    }

    /// Sizes a buy.
    /// - Parameters:
    ///   - orderableCash: cash available for orders (nil when unknown: then only the budgets bind).
    public static func buy(rule: Rule, snapshot: StockSnapshot, budgetLeft: Int, maxPerOrder: Int, orderableCash: Int?) -> Decision {
        if snapshot.halted == true { return .skip("trading in \(snapshot.ticker) is halted") }
        if snapshot.price >= snapshot.limits.upper { return .skip("\(snapshot.ticker) is at its upper limit \(snapshot.limits.upper)") }
        if let ceiling = rule.maxRisePercent, snapshot.changePercent > ceiling {
            return .skip("\(snapshot.ticker) is already up \(formatted(snapshot.changePercent))% today (ceiling \(formatted(ceiling))%)")
        }
        let unitPrice: Int
        switch rule.orderType {
        case .marketableLimit:
            guard let ask = snapshot.book?.asks.first(where: { $0.price > 0 })?.price else {
                return .skip("no order book for \(snapshot.ticker): cannot price a marketable limit")
            }
            unitPrice = min(KRXTick.roundUp(ask), snapshot.limits.upper)
        case .market:
            // Market buys are sized at the upper limit: the worst price the exchange can fill at.
            unitPrice = snapshot.limits.upper
        }
        guard unitPrice > 0 else { return .skip("no usable price for \(snapshot.ticker)") }
        // A margin rate r% lets cash c buy c × 100 / r; unknown rates count as 100 % (cash only).
        let rate = max(1, snapshot.marginRatePercent ?? 100)
        let cashCapacity = orderableCash.map { $0 * 100 / rate } ?? Int.max
        let amount = min(rule.budget, budgetLeft, maxPerOrder, cashCapacity)
        let quantity = amount / unitPrice
        guard quantity > 0 else {
            return .skip("quantity 0: one share at \(unitPrice) exceeds the \(amount) available "
                + "(rule \(rule.budget), day left \(budgetLeft), per order \(maxPerOrder)\(orderableCash.map { ", cash \($0)" } ?? ""))")
        }
        let price: OrderPrice = rule.orderType == .market ? .market : .limit(unitPrice)
        return .order(quantity: quantity, price: price, unitPrice: unitPrice, amount: quantity * unitPrice)
    }

    private static func formatted(_ x: Double) -> String {
        let scaled = (x * 100).rounded() / 100
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
