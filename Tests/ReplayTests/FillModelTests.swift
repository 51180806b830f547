import Foundation
import Replay
import SokboCore
import Testing

@Suite("Fill model: latency, slippage and the conservative path inside a minute")
struct FillModelTests {
    typealias F = ReplayFixtures
    let candles = F.candles(override: ["1000": (70_000, 70_500, 69_800, 70_100), "1001": (70_200, 70_300, 70_000, 70_100)]).candles

    @Test func aMarketBuyArrivingInsideAMinuteTakesItsHighPlusSlippage() {
        let model = FillModel(latencyMilliseconds: 300, slippageTicks: 1)
        let fill = model.fill(side: .buy, limit: nil, sentAt: F.at("100010"), candles: candles, limits: nil)
        #expect(fill?.price == 70_600)
        #expect(fill?.at == F.at("100010", plusMilliseconds: 300))
    }

    @Test func latencyReachingTheNextMinuteExactlyStartsAtItsOpen() {
        let model = FillModel(latencyMilliseconds: 300, slippageTicks: 0)
        let fill = model.fill(side: .buy, limit: nil, sentAt: F.at("100059", plusMilliseconds: 700), candles: candles, limits: nil)
        #expect(fill?.price == 70_200)
        #expect(fill?.at == F.at("100100"))
    }

    @Test func aLimitBuyBelowTheAdverseExtremeFillsAtItsLimitNeverAbove() {
        let model = FillModel(latencyMilliseconds: 0, slippageTicks: 2)
        let fill = model.fill(side: .buy, limit: 70_000, sentAt: F.at("100010"), candles: candles, limits: nil)
        #expect(fill?.price == 70_000)
    }

    @Test func aMarketSellInsideAMinuteTakesItsLowLessSlippage() {
        let model = FillModel(latencyMilliseconds: 0, slippageTicks: 1)
        let fill = model.fill(side: .sell, limit: nil, sentAt: F.at("100010"), candles: candles, limits: nil)
        #expect(fill?.price == 69_700)
    }

    @Test func aLimitTheDayNeverReachesDoesNotFill() {
        let fill = FillModel().fill(side: .buy, limit: 60_000, sentAt: F.at("100010"), candles: candles, limits: nil)
        #expect(fill == nil)
    }
}
