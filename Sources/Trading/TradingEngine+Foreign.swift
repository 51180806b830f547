import Foundation
import SokboCore

extension TradingEngine {
    /// A broker order none of this engine's orders claims.
    public struct ForeignOrder: Sendable, Hashable {
        /// The broker's order number.
        public var brokerOrderNo: String
        /// The stock.
        public var ticker: Ticker
        /// Buy or sell, when the venue said.
        public var side: OrderSide?
        /// Shares ordered.
        public var quantity: Int
    }

    /// With two nodes, after a takeover once reconciliation has settled every unknown order: today's broker
    /// orders (open ones, `ka10075`, and those with fills, `ka10076`) that match no order of ours were placed
    /// by another node after it lost the lease, or by hand. They are never adopted; when there are any, entries
    /// halt (close-only: exits keep running), which the kill-switch alert reports, and each is logged as critical.
    /// Returns them; nil while something is still unknown (the audit would mistake our own orders for foreign).
    public nonisolated func auditForeignOrders() async -> [ForeignOrder]? {
        guard await unknownCount() == 0 else { return nil }
        var seen: [String: ForeignOrder] = [:]
        do {
            for order in try await broker.openOrdersAndFills(nil) {
                seen[order.brokerOrderNo] = ForeignOrder(brokerOrderNo: order.brokerOrderNo, ticker: order.ticker, side: order.side,
                                                         quantity: order.quantity)
            }
            for fill in (try? await broker.fills(nil)) ?? [] where seen[fill.brokerOrderNo] == nil {
                seen[fill.brokerOrderNo] = ForeignOrder(brokerOrderNo: fill.brokerOrderNo, ticker: fill.ticker, side: fill.side,
                                                        quantity: fill.orderQuantity)
            }
        } catch {
            logger.warning("cannot read the broker's orders for the foreign-order audit", metadata: ["error": "\(error)"])
            return nil
        }
        return await flagForeign(Array(seen.values))
    }

    /// Unknown orders left; `Int.max` before `restore` has run.
    private func unknownCount() -> Int { restored ? orders.values.filter { $0.state == .unknown }.count : .max }

    private func flagForeign(_ candidates: [ForeignOrder]) -> [ForeignOrder] {
        let known = Set(orders.values.compactMap(\.brokerOrderNo))
        let foreign = candidates.filter { !known.contains($0.brokerOrderNo) }.sorted { $0.brokerOrderNo < $1.brokerOrderNo }
        let new = foreign.filter { !flaggedForeign.contains($0.brokerOrderNo) }
        guard !new.isEmpty else { return foreign }
        flaggedForeign.formUnion(new.map(\.brokerOrderNo))
        for order in new {
            logger.critical("foreign broker order: no order of ours claims it; entries halt (close-only)", metadata: [
                "broker_order": "\(order.brokerOrderNo)", "ticker": "\(order.ticker)", "side": "\(order.side?.rawValue ?? "?")",
                "quantity": "\(order.quantity)"])
        }
        // Once per new foreign order: a person who checked it and resumed is not overruled by the next audit.
        if !halted { setHalted(true) }
        return foreign
    }
}
