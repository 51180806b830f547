import SokboCore
import Testing

@Suite struct TickSizeTests {
    @Test(arguments: [
        (1, 1), (1_999, 1), (2_000, 5), (4_995, 5), (5_000, 10), (19_990, 10), (20_000, 50), (49_950, 50),
        (50_000, 100), (199_900, 100), (200_000, 500), (499_500, 500), (500_000, 1_000), (2_000_000, 1_000),
    ])
    func tickSizeAtEveryBandBoundary(price: Int, tick: Int) {
        #expect(KRXTick.size(at: price) == tick)
        #expect(KRXTick.isOnGrid(price))
    }

    @Test func roundingDownAndUpStaysOnTheGrid() {
        #expect(KRXTick.roundDown(70_050) == 70_000)
        #expect(KRXTick.roundUp(70_050) == 70_100)
        #expect(KRXTick.roundDown(4_999) == 4_995)
        #expect(KRXTick.roundUp(4_996) == 5_000)
        #expect(KRXTick.roundUp(199_901) == 200_000)
        #expect(KRXTick.roundUp(200_001) == 200_500)
        #expect(KRXTick.roundDown(200_499) == 200_000)
        #expect(KRXTick.roundDown(0) == nil)
        #expect(KRXTick.roundUp(-5) == 1)
        #expect(KRXTick.roundUp(70_000) == 70_000)
        #expect(!KRXTick.isOnGrid(70_050))
        #expect(!KRXTick.isOnGrid(0))
        #expect(KRXTick.up(from: 199_900) == 200_000)
        #expect(KRXTick.up(from: 200_000) == 200_500)
        #expect(KRXTick.down(from: 200_000) == 199_900)
        #expect(KRXTick.down(from: 5_000, ticks: 2) == 4_990)
    }

    @Test(arguments: [
        (169_100, 219_500, 118_400), // the spec's ka10001 example: upper truncated to the 500 grid
        (70_000, 91_000, 49_000),
        (239_500, 311_000, 168_000),
        (16_870, 21_900, 11_810),
        (4_000, 5_200, 2_800),
        (1_000, 1_300, 700),
        (40_000, 52_000, 28_000),
        (950_000, 1_235_000, 665_000),
    ])
    func dailyLimitsFollowTheKRXRule(base: Int, upper: Int, lower: Int) throws {
        let limits = try #require(KRXTick.dailyLimits(basePrice: base))
        #expect(limits.upper == upper)
        #expect(limits.lower == lower)
        #expect(KRXTick.isOnGrid(limits.upper) && KRXTick.isOnGrid(limits.lower))
        #expect(limits.contains(base))
        #expect(!limits.contains(limits.upper + 1))
    }

    @Test func noLimitsForANonPositiveBase() {
        #expect(KRXTick.dailyLimits(basePrice: 0) == nil)
    }
}
