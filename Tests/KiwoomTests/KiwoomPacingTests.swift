@testable import Kiwoom
import Foundation
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// The client's pacing against the simulator enforcing the live venue's limits, over loopback.
@Suite struct KiwoomPacingTests {
    /// A client whose api-ids each allow one request every `interval` seconds, so that queues form and stay.
    func slowClient(_ url: String, interval: Double = 2, lookupMaxWait: Duration = .seconds(1)) -> KiwoomClient {
        KiwoomClient(configuration: testConfiguration(url, rateLimits: KiwoomRateLimits(
            perAPIID: .init(perSecond: 1 / interval, burst: 1), lookupMaxWait: lookupMaxWait)))
    }

    /// Waits until `count` requests wait in the client's limiter.
    func waitForQueue(_ client: KiwoomClient, _ count: Int) async throws {
        let queued = try await eventually { await client.limiter.waitingCount == count }
        try #require(queued, "\(count) requests never queued")
    }

    @Test func aBurstOfQueriesAcrossApiIdsNeverMeetsA429WithTheDefaults() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            let codes = KiwoomSimulator.universe.prefix(5).map(\.code)
            // Five calls of each of three api-ids at once. Paced only by category (5/s), the fifteen would
            // leave within about 2.4 s, five of an api-id where the venue takes at most 2 + 2.4: a 429 for sure.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for code in codes {
                    group.addTask { _ = try await client.ka10001(stockCode: code) }
                    group.addTask { _ = try await client.ka10004(stockCode: code) }
                    group.addTask { _ = try await client.kt00011(stockCode: code) }
                }
                try await group.waitForAll()
            }
            #expect(sim.rateLimitedReplies == 0)
            for api in ["ka10001", "ka10004", "kt00011"] {
                #expect(sim.requestCount(api) == 5, "\(api): one request per call, none refused")
            }
        }
    }

    @Test func aLookupThatWouldWaitPastItsBoundIsRefusedAtOnceAndTakesNoSlot() async throws {
        try await withSimulator { sim, url in
            let client = slowClient(url, interval: 4)
            _ = try await client.ka10001(stockCode: "005930")
            // Its slot was at or before `start`; the next ka10001 slot is 4 s after it, the one after 8 s.
            let start = ContinuousClock.now
            let queued = Task { try await client.ka10001(stockCode: "000660") }
            try await waitForQueue(client, 1)
            let refusal = await #expect(throws: KiwoomError.self) {
                try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .lookup)) {
                    _ = try await client.ka10001(stockCode: "035420")
                }
            }
            #expect(refusal?.category == .paced)
            #expect((refusal?.retryAfter ?? .zero) > .seconds(1), "the slot it would have had is past the 1 s bound")
            // At once: the queued trading query has not left yet, and the lookup sent nothing.
            #expect(await client.limiter.waitingCount == 1)
            #expect(sim.requestCount("ka10001") == 1)
            // Nothing was reserved for it: the call after the queued one still gets the slot 8 s after the first
            // (within 10 s of `start`), not 12 s after (past it, unless that first call took over 2 s).
            let next = try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .trading, deadline: start + .seconds(10))) {
                try await client.ka10001(stockCode: "005380")
            }
            #expect(next.stk_nm == "현대차")
            _ = try await queued.value
            #expect(sim.requestCount("ka10001") == 3)
        }
    }

    @Test func anOrderIsServedBeforeQueuedQueriesAndTradingBeforeLookups() async throws {
        try await withSimulator { sim, url in
            let client = slowClient(url, interval: 4, lookupMaxWait: .seconds(10))
            let served = ServedOrder()
            _ = try await client.ka10001(stockCode: "005930")
            let lookup = Task {
                try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .lookup)) {
                    _ = try await client.ka10001(stockCode: "000660")
                    await served.append("lookup")
                }
            }
            try await waitForQueue(client, 1)
            let trading = Task {
                _ = try await client.ka10001(stockCode: "005380")
                await served.append("trading")
            }
            try await waitForQueue(client, 2)
            // The order leaves at once, ahead of both queued queries.
            let outcome = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            guard case .accepted = outcome else { Issue.record("\(outcome)"); return }
            #expect(sim.requestCount("ka10001") == 1 && sim.orderRequests == 1)
            #expect(await client.limiter.waitingCount == 2)
            _ = try await trading.value
            _ = try await lookup.value
            // The trading query arrived after the lookup and was still served first.
            #expect(await served.names == ["trading", "lookup"])
            #expect(sim.rateLimitedReplies == 0)
        }
    }

    @Test func aCancelledWaiterLeavesAtOnceAndItsSlotGoesToTheNext() async throws {
        // One slot every 10 s: long enough that the second caller is still queued however late a loaded
        // machine starts it (at 2 s apart it was sometimes granted at once, and the test's premise was gone).
        let limiter = KiwoomRateLimiter(limits: KiwoomRateLimits(perAPIID: .init(perSecond: 0.1, burst: 1)))
        let start = ContinuousClock.now
        try await limiter.acquire(.ka10001, purpose: .trading, notAfter: start + .seconds(60))
        let cancelled = Task { try await limiter.acquire(.ka10001, purpose: .trading, notAfter: start + .seconds(60)) }
        let queued = try await eventually { await limiter.waitingCount == 1 }
        try #require(queued)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(await limiter.waitingCount == 0)
        // The slot at about 10 s is free again: a caller bound to 15 s gets it (the one after would be at 20 s).
        try await limiter.acquire(.ka10001, purpose: .trading, notAfter: start + .seconds(15))
    }

    @Test func afterA429WithRetryAfterNothingIsSentOnThatBucketUntilItPasses() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            sim.inject(status: 429, count: 1, apiIDs: ["ka10004"], retryAfter: .seconds(2))
            // Two callers of the same api-id: the 429 to the first pauses the bucket for both. The second calls once
            // the 429 is back (the first caller's retry waits in the limiter: the event), not at once: on a loaded
            // machine the reply took longer than the api-id's 1 s pace, and the second request had rightly left
            // before the client could know of the 429.
            let first = Task { _ = try await client.ka10004(stockCode: "005930") }
            let paused = try await eventually {
                let waiting = await client.limiter.waitingCount
                return sim.requestCount("ka10004") == 1 && waiting == 1
            }
            try #require(paused, "the first caller's retry never queued")
            let second = Task { _ = try await client.ka10004(stockCode: "000660") }
            try await first.value
            try await second.value
            let arrivals = sim.arrivals(of: "ka10004")
            try #require(arrivals.count == 3, "one 429, then one request per caller: \(arrivals.count)")
            #expect(arrivals[1] >= arrivals[0] + .seconds(2), "the next request waited out Retry-After")
            #expect(sim.rateLimitedReplies == 0)
        }
    }

    @Test func anOrderMeetingA429IsUnknownNeverResentAndPausesTheOrderBucket() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            sim.inject(status: 429, count: 1, apiIDs: ["kt10000"], retryAfter: .seconds(2))
            let first = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            guard case .unknown = first else { Issue.record("expected unknown, got \(first)"); return }
            #expect(sim.orderRequests == 1)
            let second = await client.kt10000(stockCode: "000660", quantity: 1, price: nil)
            guard case .accepted = second else { Issue.record("\(second)"); return }
            let arrivals = sim.arrivals(of: "kt10000")
            #expect(arrivals.count == 2 && arrivals[1] >= arrivals[0] + .seconds(2))
        }
    }
}

/// The order in which calls were answered.
private actor ServedOrder {
    var names: [String] = []
    func append(_ name: String) { names.append(name) }
}
