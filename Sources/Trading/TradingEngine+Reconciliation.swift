import Foundation
import SokboCore

extension TradingEngine {
    /// Settles unknown orders from the broker's open orders and positions. The account (cash and positions)
    /// is read only when something is unsettled: an order whose outcome is unknown, or orders sent since the
    /// last read, whose effect on cash (sizing) and positions (an unknown order's baseline) is not seen yet.
    /// Otherwise a tick makes no call: the venue's request budget is left to entries.
    public nonisolated func reconcile() async {
        let (unknown, accountStale) = await unsettled()
        guard !unknown.isEmpty || accountStale else { return }
        let account = await readAccount()
        for order in unknown {
            let open: [BrokerOrder]
            do {
                open = try await broker.openOrdersAndFills(order.ticker)
            } catch {
                logger.warning("reconciliation could not read open orders", metadata: ["order": "\(order.id)", "error": "\(error)"])
                continue
            }
            await settle(order, open: open, account: account)
        }
    }

    /// Reads cash and positions for sizing (the engine service calls it once at start); nil when it failed.
    @discardableResult
    public nonisolated func readAccount() async -> AccountSnapshot? {
        let (sentBefore, fillsBefore) = await noteAccountRead()
        guard let account = try? await broker.account() else { return nil }
        await setAccount(account, sentBefore: sentBefore, fillsBefore: fillsBefore)
        return account
    }

    private func noteAccountRead() -> (sent: Int, fills: Int) {
        counters.accountReads += 1
        return (sentSinceAccountRead, fillsApplied)
    }

    /// Orders sent while the read was out stay unseen. Stocks the start-up check deferred are compared now.
    private func setAccount(_ account: AccountSnapshot, sentBefore: Int, fillsBefore: Int) async {
        self.account = account
        sentSinceAccountRead = max(0, sentSinceAccountRead - sentBefore)
        await recheckDeferredPositions(with: account, fillsBeforeRead: fillsBefore)
    }

    /// With two nodes, an older epoch's order in flight at the takeover is left unknown (it keeps its headline
    /// from a second entry and its position from a second exit) and unread until the fence says its request
    /// can no longer land: read sooner, the broker could show no trace of it yet.
    private func unsettled() -> (unknown: [Order], accountStale: Bool) {
        let unknown = orders.values.filter { $0.state == .unknown }
        guard let fence else { return (unknown, sentSinceAccountRead > 0) }
        let waiting = Set(unknown.filter { !fence.mayReconcile(orderID: $0.id) }.map(\.id))
        if !waiting.isEmpty, !reconciliationHeldLogged {
            reconciliationHeldLogged = true
            logger.notice("reconciliation of an older epoch's orders in flight waits until their requests can no longer land",
                          metadata: ["orders": "\(waiting.sorted())"])
        }
        return (unknown.filter { !waiting.contains($0.id) }, sentSinceAccountRead > 0)
    }

    /// Applies what the broker's records say (`OrderReconciliation.match`); an order with no trace after
    /// `notFoundAfterAttempts` reads was never placed.
    private func settle(_ order: Order, open: [BrokerOrder], account: AccountSnapshot?) async {
        guard let current = orders[order.id], current.state == .unknown else { return }
        let claimed = Set(orders.values.compactMap(\.brokerOrderNo))
        switch OrderReconciliation.match(current, open: open, claimed: claimed, account: account) {
        case .found(let number, let quantity, let price, let isClosed):
            _ = await transition(current, .reconciledFound(brokerOrderNo: number, cumulativeQuantity: quantity,
                                                            averagePrice: price, isClosed: isClosed))
        case .noTrace:
            let attempts = (reconcileAttempts[current.id] ?? 0) + 1
            reconcileAttempts[current.id] = attempts
            if attempts >= settings.notFoundAfterAttempts {
                let settled = await transition(current, .reconciledNotFound)
                if settled.state == .rejected { ledger.release(amount: current.budgetAmount) }
            }
        }
    }
}
