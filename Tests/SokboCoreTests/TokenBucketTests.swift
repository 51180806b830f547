import SokboCore
import Testing

@Suite struct TokenBucketTests {
    let start = ContinuousClock.now

    @Test func aNewBucketIsFullAndRefillsAtItsRateUpToTheBurst() {
        var bucket = TokenBucket(rate: 5, burst: 3, now: start)
        #expect(bucket.tokens == 3)
        bucket.tokens = 0
        bucket.refill(to: start + .milliseconds(200))
        #expect(abs(bucket.tokens - 1) < 1e-9)
        bucket.refill(to: start + .milliseconds(300))
        #expect(abs(bucket.tokens - 1.5) < 1e-9, "tokens accrue continuously, fractions included")
        bucket.refill(to: start + .seconds(10))
        #expect(bucket.tokens == 3, "never more than the burst")
    }

    @Test func refillingAtOrBeforeTheLastLookChangesNothing() {
        var bucket = TokenBucket(rate: 5, burst: 3, now: start + .seconds(1))
        bucket.tokens = 0
        bucket.refill(to: start)
        #expect(bucket.tokens == 0 && bucket.last == start + .seconds(1), "an instant from the past neither adds nor removes tokens")
    }

    @Test func aPauseEarnsNothing() {
        var bucket = TokenBucket(rate: 1, burst: 5, now: start)
        bucket.tokens = 0
        let pausedUntil = start + .seconds(2)
        bucket.refill(to: start + .seconds(1), earningFrom: pausedUntil)
        #expect(bucket.tokens == 0 && bucket.last == start, "inside the pause")
        bucket.refill(to: start + .seconds(3), earningFrom: pausedUntil)
        #expect(bucket.tokens == 1, "only the second after the pause counts")
    }

    @Test func theInstantATokenExistsIsProjectedInWholeNanoseconds() {
        var bucket = TokenBucket(rate: 3, burst: 1, now: start)
        #expect(bucket.instant(holding: 1, after: start) == start, "a full bucket has its token now")
        bucket.tokens = 0
        #expect(bucket.instant(holding: 1, after: start) == start + .nanoseconds(333_333_333))
        #expect(bucket.instant(holding: 2, after: start) == start + .nanoseconds(666_666_667))
        bucket.tokens = 1 - 1e-7
        #expect(bucket.instant(holding: 1, after: start, tolerance: 1e-6) == start, "within the tolerance counts as held")
    }

    @Test func aProjectionPastAPauseCountsOnlyWhatIsEarnedAfterIt() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: start)
        bucket.tokens = 0
        let pausedUntil = start + .seconds(3)
        #expect(bucket.instant(holding: 1, after: pausedUntil, earningFrom: pausedUntil) == start + .seconds(4),
                "the seconds inside the pause earn nothing")
        #expect(bucket.instant(holding: 1, after: pausedUntil) == pausedUntil, "without the pause they would")
    }
}
