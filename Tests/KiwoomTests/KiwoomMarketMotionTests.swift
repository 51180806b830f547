import Foundation
@testable import Simulator
import SokboCore
import Testing

/// The simulated market's own motion, one step at a time: the news impulse's shape, the grid, determinism.
@Suite struct KiwoomMarketMotionTests {
    @Test func aNewsImpulseRisesThenHalvesEveryHalfLife() {
        let market = KiwoomMarket(seed: 1, startingCash: 0, motion: .init(impulseRise: 5, impulseHalfLife: 120))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let impulse = KiwoomMarket.Impulse(percent: 5, anchor: 70_000, start: start, applied: 0)
        #expect(market.impulseOffset(impulse, at: start) == 0)
        #expect(market.impulseOffset(impulse, at: start + 2.5) == 1_750)
        #expect(market.impulseOffset(impulse, at: start + 5) == 3_500)
        #expect(market.impulseOffset(impulse, at: start + 125) == 1_750)
        #expect(market.impulseOffset(impulse, at: start + 245) == 875)
        #expect(market.impulseOffset(impulse, at: start + 5 + 1_200) < 5)
    }

    @Test func stepsStayOnTheGridWithinLimitsAndRepeatForASeed() {
        func walk(seed: UInt64) -> [Int] {
            var market = KiwoomMarket(seed: seed, startingCash: 0, motion: .init(largeMoveChance: 0.2))
            let start = Date(timeIntervalSince1970: 1_000_000)
            market.startImpulse("005930", percent: 6, at: start)
            return (0..<400).map { n in
                market.step("005930", at: start + Double(n))
                return market.quotes["005930"]!.price
            }
        }
        let prices = walk(seed: 7)
        let limits = KiwoomMarket(seed: 7, startingCash: 0).quotes["005930"]!.limits
        #expect(prices.allSatisfy { KRXTick.isOnGrid($0) && limits.contains($0) })
        #expect(prices == walk(seed: 7), "the same seed, the same path")
        #expect(prices != walk(seed: 8))
        let jumps = zip(prices, prices.dropFirst()).count { abs($1 - $0) >= 3 * 100 }
        #expect(jumps > 10, "larger moves happen (\(jumps))")
        #expect(prices.prefix(10).max()! > prices[0] + 20 * 100, "the impulse lifts the stock at once")
    }

    @Test func aVolatilityInterruptionFreezesTheStockUntilItEnds() {
        var market = KiwoomMarket(seed: 3, startingCash: 10_000_000, motion: .init(viDuration: 120))
        let start = Date(timeIntervalSince1970: 1_000_000)
        market.startVI("005930", at: start)
        let frozen = market.quotes["005930"]!.price
        for n in 1..<120 { market.step("005930", at: start + Double(n)) }
        #expect(market.quotes["005930"]!.price == frozen && market.inVI("005930"))
        market.step("005930", at: start + 120)
        #expect(!market.inVI("005930"))
        let vi = market.takeEvents().filter { $0.type == "1h" }.map { $0.values["9068"] }
        #expect(vi == ["1", "2"])
    }
}
