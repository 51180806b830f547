import Foundation
import Testing
@testable import SokboCore

@Suite struct SizingTests {
    static func snapshot(price: Int, ask: Int?, base: Int? = nil, changePercent: Double = 2, halted: Bool? = false,
                         margin: Int? = 100) -> StockSnapshot {
        let basePrice = base ?? price
        let limits = KRXTick.dailyLimits(basePrice: basePrice)!
        let book = ask.map { OrderBook(asks: [BookLevel(price: $0, quantity: 100)], bids: [BookLevel(price: KRXTick.down(from: $0), quantity: 100)],
                                        totalAskQuantity: 100, totalBidQuantity: 100, time: nil) }
        return StockSnapshot(ticker: Ticker("005930")!, name: "삼성전자", price: price, basePrice: basePrice, change: price - basePrice,
                             changePercent: changePercent, open: nil, high: nil, low: nil, volume: 0, limits: limits, halted: halted,
                             marginRatePercent: margin, book: book, missing: [], asOf: Date(timeIntervalSince1970: 0))
    }

    static func rule(budget: Int = 1_000_000, type: Rule.OrderType = .marketableLimit, maxRise: Double? = 15) -> Rule {
        Rule(name: "r", anyKeywords: ["공급계약"], budget: budget, orderType: type, maxRisePercent: maxRise)
    }

    /// (ask, budget, expected price, expected quantity) across the KRX tick bands.
    @Test(arguments: [
        (1_999, 1_000_000, 1_999, 500),       // tick 1
        (4_995, 1_000_000, 4_995, 200),       // tick 5
        (19_990, 1_000_000, 19_990, 50),      // tick 10
        (49_950, 1_000_000, 49_950, 20),      // tick 50
        (70_100, 1_000_000, 70_100, 14),      // tick 100
        (199_900, 1_000_000, 199_900, 5),     // tick 100 below 200,000
        (204_500, 1_000_000, 204_500, 4),     // tick 500
        (499_500, 1_000_000, 499_500, 2),     // tick 500 below 500,000
        (1_234_000, 3_000_000, 1_234_000, 1), // tick 1,000 (budget capped by the 2,000,000 per-order maximum)
    ])
    func aMarketableLimitBuysAtTheBestAskOnTheTickGrid(ask: Int, budget: Int, price: Int, quantity: Int) {
        let decision = Sizing.buy(rule: Self.rule(budget: budget), snapshot: Self.snapshot(price: ask, ask: ask),
                                  budgetLeft: 10_000_000, maxPerOrder: 2_000_000, orderableCash: 100_000_000)
        #expect(decision == .order(quantity: quantity, price: .limit(price), unitPrice: price, amount: quantity * price))
        #expect(KRXTick.isOnGrid(price))
    }

    @Test func anAskOffTheGridIsRoundedUpToTheNextTick() {
        let decision = Sizing.buy(rule: Self.rule(), snapshot: Self.snapshot(price: 70_000, ask: 70_050),
                                  budgetLeft: 10_000_000, maxPerOrder: 2_000_000, orderableCash: nil)
        #expect(decision == .order(quantity: 14, price: .limit(70_100), unitPrice: 70_100, amount: 981_400))
    }

    @Test func theSmallestOfTheBudgetsAndCashBinds() {
        let snap = Self.snapshot(price: 10_000, ask: 10_000)
        func quantity(_ budgetLeft: Int, _ maxPerOrder: Int, _ cash: Int?, margin: Int? = 100) -> Int? {
            var s = snap
            s.marginRatePercent = margin
            if case .order(let q, _, _, _) = Sizing.buy(rule: Self.rule(budget: 1_000_000), snapshot: s, budgetLeft: budgetLeft,
                                                         maxPerOrder: maxPerOrder, orderableCash: cash) { return q }
            return nil
        }
        #expect(quantity(10_000_000, 2_000_000, nil) == 100)       // rule budget
        #expect(quantity(300_000, 2_000_000, nil) == 30)           // what is left of the day
        #expect(quantity(10_000_000, 250_000, nil) == 25)          // per-order maximum
        #expect(quantity(10_000_000, 2_000_000, 120_000) == 12)    // cash at a 100 % margin rate
        #expect(quantity(10_000_000, 2_000_000, 120_000, margin: 40) == 30) // cash × 100 / 40
        #expect(quantity(10_000_000, 2_000_000, 120_000, margin: nil) == 12) // unknown rate counts as 100 %
    }

    @Test(arguments: [
        ("halted", snapshot(price: 70_000, ask: 70_100, halted: true)),
        ("upper limit", snapshot(price: 91_000, ask: 91_000, base: 70_000, changePercent: 30)),
        ("already up", snapshot(price: 84_000, ask: 84_100, base: 70_000, changePercent: 20)),
        ("no order book", snapshot(price: 70_000, ask: nil)),
        ("quantity 0", snapshot(price: 1_500_000, ask: 1_500_000)),
    ])
    func skipsSayWhy(fragment: String, snapshot: StockSnapshot) {
        let decision = Sizing.buy(rule: Self.rule(), snapshot: snapshot, budgetLeft: 10_000_000, maxPerOrder: 2_000_000, orderableCash: nil)
        guard case .skip(let reason) = decision else {
            Issue.record("expected a skip for \(fragment), got \(decision)")
            return
        }
        #expect(reason.contains(fragment), "\(reason)")
    }

    @Test func aMarketBuyIsSizedAtTheUpperLimit() {
        let snap = Self.snapshot(price: 70_000, ask: 70_100)
        let decision = Sizing.buy(rule: Self.rule(type: .market), snapshot: snap, budgetLeft: 10_000_000, maxPerOrder: 2_000_000, orderableCash: nil)
        #expect(decision == .order(quantity: 1_000_000 / snap.limits.upper, price: .market, unitPrice: snap.limits.upper,
                                   amount: (1_000_000 / snap.limits.upper) * snap.limits.upper))
    }
}
