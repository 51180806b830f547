import Foundation

/// What the broker's records say about one order whose outcome is unknown.
public enum ReconciliationVerdict: Sendable, Hashable {
    /// The broker holds (or held) it: apply `OrderEvent.reconciledFound` with these values.
    case found(brokerOrderNo: String, cumulativeQuantity: Int, averagePrice: Double?, isClosed: Bool)
    /// No trace this time: count the attempt; after enough of them it was never placed.
    case noTrace
}

/// The pure matching behind reconciliation: an unknown order against the broker's open orders and the
/// account, with no I/O. The engine reads both and applies the verdict.
public enum OrderReconciliation {
    /// Matches `order` (state `unknown`) against `open` (the broker's orders for its stock today).
    ///
    /// 1. An open order of the same stock, side and quantity, at the same limit price (any price for a
    ///    market order), placed no earlier than ours (`HHMMSS` KST) and not already claimed by another of
    ///    our orders (`claimed`): that is ours, with its fills.
    /// 2. Otherwise, when the order is a buy and the account shows the position grew by at least the
    ///    order's size since it was sent (`positionBefore`), it filled completely and left no open order.
    ///    For a sell, the position shrinking by the order's size proves the same.
    /// 3. Otherwise no trace.
    public static func match(_ order: Order, open: [BrokerOrder], claimed: Set<String>, account: AccountSnapshot?) -> ReconciliationVerdict {
        let createdTime = KST.timeString(order.createdAt)
        let limit = order.price.limitPrice
        let candidates = open.filter { $0.ticker == order.ticker && $0.side == order.side && $0.quantity == order.quantity }
        if let match = candidates.first(where: { candidate in
            let priceMatches = limit == nil || candidate.price == limit
            return priceMatches && candidate.time >= createdTime && !claimed.contains(candidate.brokerOrderNo)
        }) {
            return .found(brokerOrderNo: match.brokerOrderNo, cumulativeQuantity: match.filledQuantity,
                          averagePrice: match.fillPrice.map(Double.init), isClosed: match.openQuantity == 0)
        }
        if let account, let before = order.positionBefore {
            let position = account.positions.first { $0.ticker == order.ticker }
            let held = position?.quantity ?? 0
            let moved = order.side == .buy ? held - before : before - held
            // A sold-out position leaves no row: the held quantity is then 0, which is what a full sell proves.
            if (position != nil || order.side == .sell), moved >= order.quantity {
                return .found(brokerOrderNo: "filled-\(order.id.suffix(12))", cumulativeQuantity: order.quantity,
                              averagePrice: order.side == .buy ? position.map { Double($0.averagePrice) } : nil, isClosed: true)
            }
        }
        return .noTrace
    }
}
