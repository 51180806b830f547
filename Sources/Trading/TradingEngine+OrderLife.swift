import Foundation
import SokboCore

extension TradingEngine {
    /// One fill of an order, as published on the live events (`fill`).
    public struct FillReport: Sendable, Codable, Hashable {
        /// Our order's id.
        public var orderID: String
        /// The stock.
        public var ticker: Ticker
        /// Buy or sell.
        public var side: OrderSide
        /// Shares in this fill.
        public var quantity: Int
        /// Its price, won.
        public var price: Int
        /// Shares of the order filled in all.
        public var cumulativeQuantity: Int
        /// The order's average fill price.
        public var averagePrice: Double
        /// When it was applied.
        public var at: Date
    }

    // MARK: - Pushes

    /// Applies one push from the venue: order reports move orders on; the position side (holdings, quotes,
    /// halts) follows.
    public func handle(_ push: BrokerPush) async {
        switch push {
        case .execution(let report):
            await apply(report)
        case .feed(let connected):
            // Fills made while the feed was down (or before its registration took) come as no push: the next
            // poll reads every open order once, whatever the feed, so none is left waiting for a report.
            if connected { feedCatchUpPending = true }
            logger.notice(connected ? "account feed up: fills arrive as pushes" : "account feed down: orders and fills are polled over REST")
        case .holding, .quote, .halt:
            await handlePositionPush(push)
        }
    }

    /// Applies an order status report (`00`): fills, cancels and refusals. A report for an order whose
    /// number is not known yet (the push came before the submit's answer) is held until it is.
    func apply(_ report: BrokerExecution) async {
        let original = report.originalOrderNo.flatMap { Int($0) == 0 ? nil : $0 }
        let endsOriginal = original != nil && (report.status == .confirmed || report.status == .cancelled)
        // The cancel's own acceptance (접수 of a report naming an original) changes nothing yet.
        if original != nil && !endsOriginal { return }
        let number = endsOriginal ? original! : report.brokerOrderNo
        guard let id = byBrokerNumber[number], let order = orders[id] else {
            holdEarly(report, number: number)
            return
        }
        if endsOriginal {
            await endByVenue(order, reason: "cancelled at the venue with \(order.filledQuantity) of \(order.quantity) filled")
            return
        }
        switch report.status {
        case .received, .confirmed:
            return
        case .filled:
            let cumulative = min(max(report.cumulativeQuantity, order.filledQuantity), order.quantity)
            guard cumulative > order.filledQuantity else { return }  // a repeat, or nothing new
            let added = cumulative - order.filledQuantity
            let price = Double(report.executionPrice ?? report.orderPrice)
            let average = ((order.averageFillPrice ?? 0) * Double(order.filledQuantity) + price * Double(added)) / Double(cumulative)
            _ = await transition(order, .filled(cumulativeQuantity: cumulative, averagePrice: average))
        case .cancelled:
            await endByVenue(order, reason: "cancelled at the venue with \(order.filledQuantity) of \(order.quantity) filled")
        case .rejected:
            if order.state == .submitted {
                _ = await transition(order, .rejected(reason: "refused by the venue: \(report.reason ?? "no reason")"))
            } else {
                await endByVenue(order, reason: "refused by the venue after acceptance: \(report.reason ?? "no reason")")
            }
        }
    }

    /// The venue ended an order's rest: cancelled, and its unfilled budget released.
    func endByVenue(_ order: Order, reason: String) async {
        guard order.state == .accepted || order.state == .partiallyFilled else { return }
        let ended = await transition(order, .cancelled(reason: reason))
        if ended.state == .cancelled { releaseUnfilled(ended) }
    }

    /// Gives back to the daily budget what an ended buy did not spend.
    func releaseUnfilled(_ order: Order) {
        guard order.side == .buy, order.quantity > 0 else { return }
        let unfilled = order.budgetAmount * order.remainingQuantity / order.quantity
        ledger.release(amount: unfilled)
    }

    private func holdEarly(_ report: BrokerExecution, number: String) {
        // Only while some order of ours has no number yet can the report be ours; others are not Sokbo's
        // (orders placed elsewhere on the account) and are counted.
        guard orders.values.contains(where: { $0.state == .submitted || $0.state == .unknown }), earlyReportCount < 1_000 else {
            counters.unmatchedReports += 1
            return
        }
        earlyReports[number, default: []].append(report)
        earlyReportCount += 1
    }

    /// Applies the reports held for `number` now that an order has it.
    func replayEarly(_ number: String) async {
        guard let held = earlyReports.removeValue(forKey: number) else { return }
        earlyReportCount -= held.count
        for report in held { await apply(report) }
    }

    /// Every transition that filled more shares comes here once: counts, the live event, the position.
    func filledFurther(from before: Order, to after: Order) async {
        let added = after.filledQuantity - before.filledQuantity
        guard added > 0 else { return }
        // The average moves by what the new shares cost; a venue record without a price (a fill proven
        // by the account alone) is priced at the order's limit, else the last mark.
        let value = (after.averageFillPrice ?? 0) * Double(after.filledQuantity) - (before.averageFillPrice ?? 0) * Double(before.filledQuantity)
        var price = after.averageFillPrice == nil ? 0 : Int((value / Double(added)).rounded())
        if price <= 0 { price = after.price.limitPrice ?? marks[after.ticker] ?? 0 }
        guard price > 0 else {
            logger.error("a fill with no price and no mark to value it; the position is rebuilt from the account",
                         metadata: ["order": "\(after.id)", "shares": "\(added)"])
            counters.unpricedFills += 1
            return
        }
        if !replaying { counters.fills += 1 }
        let report = FillReport(orderID: after.id, ticker: after.ticker, side: after.side, quantity: added, price: price,
                                cumulativeQuantity: after.filledQuantity, averagePrice: after.averageFillPrice ?? Double(price), at: now())
        if !replaying { events?.publish(kind: .fill, payload: report) }
        await positionFilled(order: after, quantity: added, price: price)
    }
}
