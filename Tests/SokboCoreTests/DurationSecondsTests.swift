import SokboCore
import Testing

@Suite struct DurationSecondsTests {
    @Test func wholeAndFractionalSecondsAreKept() {
        #expect(Duration.seconds(3).seconds == 3)
        #expect(Duration.milliseconds(1_500).seconds == 1.5)
        #expect(Duration.nanoseconds(250_000_000).seconds == 0.25)
        #expect(Duration.zero.seconds == 0)
    }

    @Test func negativeDurationsStayNegative() {
        #expect(Duration.milliseconds(-1_500).seconds == -1.5)
        #expect(Duration.milliseconds(-1_500).milliseconds == -1_500)
    }

    @Test func millisecondsIncludeTheFraction() {
        #expect(Duration.seconds(2).milliseconds == 2_000)
        #expect(Duration.microseconds(1_500).milliseconds == 1.5)
    }

    @Test func nanosecondsTruncateAndSaturate() {
        #expect(Duration.milliseconds(1_500).nanoseconds == 1_500_000_000)
        #expect((Duration.nanoseconds(7) + .seconds(2)).nanoseconds == 2_000_000_007)
        #expect(Duration.seconds(Int64.max / 1_000).nanoseconds == .max, "a duration past Int64 nanoseconds saturates")
        #expect(Duration.seconds(Int64.min / 1_000).nanoseconds == .min)
    }
}
