import SokboCore
import Testing

/// A generator that returns the same word every time.
private struct FixedGenerator: RandomNumberGenerator {
    let word: UInt64
    mutating func next() -> UInt64 { word }
}

@Suite struct BackoffTests {
    @Test func theBoundDoublesFromTheInitialStepUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(250), cap: .seconds(2))
        #expect((1...6).map(backoff.bound(attempt:)) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2)])
        #expect(backoff.bound(attempt: 0) == .milliseconds(250), "attempts below 1 count as the first")
        #expect(backoff.bound(attempt: 10_000) == .seconds(2), "a long run of failures stays at the cap")
    }

    @Test func withoutACapTheBoundKeepsDoubling() {
        let backoff = Backoff(initial: .milliseconds(100))
        #expect(backoff.bound(attempt: 5) == .milliseconds(1_600))
        #expect(backoff.bound(attempt: 1_000) == .milliseconds(100) * (1 << 30), "the exponent stops at 30 rather than overflowing")
    }

    @Test func equalJitterSpansTheUpperHalfOfTheBound() {
        let backoff = Backoff(initial: .seconds(1), cap: .seconds(30))
        var zeros = FixedGenerator(word: 0)
        var ones = FixedGenerator(word: .max)
        var middle = FixedGenerator(word: 1 << 63)
        #expect(backoff.delay(attempt: 3, using: &ones) == .seconds(2), "never less than half the bound")
        #expect(backoff.delay(attempt: 3, using: &zeros) == .seconds(4), "never more than the bound")
        let mid = backoff.delay(attempt: 3, using: &middle)
        #expect(mid > .seconds(2.9) && mid < .seconds(3.1))
    }

    @Test func fullJitterReachesZeroAndNoJitterIsTheBound() {
        var zeros = FixedGenerator(word: 0)
        var ones = FixedGenerator(word: .max)
        let full = Backoff(initial: .seconds(1), cap: .seconds(30), jitter: 1)
        #expect(full.delay(attempt: 2, using: &ones) == .zero)
        #expect(full.delay(attempt: 2, using: &zeros) == .seconds(2))
        let none = Backoff(initial: .seconds(1), jitter: 0)
        #expect(none.delay(attempt: 2, using: &ones) == .seconds(2))
        #expect(Backoff(initial: .seconds(1), jitter: 7).jitter == 1, "the random part is at most the whole step")
    }

    @Test(arguments: [0.5, 1.0])
    func everyDrawFallsWithinTheBounds(jitter: Double) {
        let backoff = Backoff(initial: .milliseconds(50), cap: .milliseconds(200), jitter: jitter)
        for attempt in 1...8 {
            let bound = backoff.bound(attempt: attempt)
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt)
                #expect(delay >= bound * (1 - jitter) && delay <= bound)
            }
        }
    }
}
