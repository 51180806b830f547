@testable import Kiwoom
import Testing

@Suite struct KiwoomRateLimiterTests {
    @Test func burstThenPacedWithOrdersAndQueriesInSeparateBuckets() async {
        let limiter = KiwoomRateLimiter(limits: KiwoomRateLimits(
            queries: .init(perSecond: 5, burst: 2), orders: .init(perSecond: 1, burst: 1),
            perAPIID: ["ka10081": .init(perSecond: 1, burst: 1)]))
        #expect(await limiter.reserve(.ka10001) == .zero)
        #expect(await limiter.reserve(.ka10004) == .zero)
        let third = await limiter.reserve(.kt00011)
        #expect(third > .milliseconds(100) && third <= .milliseconds(200))
        let fourth = await limiter.reserve(.ka10100)
        #expect(fourth > .milliseconds(300) && fourth <= .milliseconds(400))
        // Orders and an api-id with its own bucket are not held up by the queries' debt.
        #expect(await limiter.reserve(.kt10000) == .zero)
        #expect(await limiter.reserve(.kt10001) > .milliseconds(900))
        #expect(await limiter.reserve(.ka10081) == .zero)
    }
}
