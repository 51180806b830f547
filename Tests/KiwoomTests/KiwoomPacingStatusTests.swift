import Foundation
@testable import Kiwoom
import SokboCore
import Testing

/// What `/api/status` shows of the buckets, one event at a time on explicit instants.
@Suite struct KiwoomPacingStatusTests {
    let t0 = ContinuousClock.now
    let wall = Date(timeIntervalSince1970: 1_790_000_000)
    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    @Test func theSnapshotShowsEachBucketsHeadroomQueueUseAnd429s() throws {
        var queue = KiwoomPacingQueue(limits: KiwoomRateLimits())
        // Before any request: the two categories, full.
        #expect(queue.snapshot(now: at(0), wallNow: wall).map(\.bucket) == ["orders", "queries"])
        #expect(queue.snapshot(now: at(0), wallNow: wall).allSatisfy { $0.available == 3 && $0.used == 0 && $0.queued == 0 })
        // One order leaves; a second of the same api-id waits for its api-id's next token.
        queue.enqueue(id: 1, api: .kt10000, purpose: .order, deadline: at(10_000), now: at(0))
        #expect(queue.pump(now: at(0)).granted == [1])
        queue.enqueue(id: 2, api: .kt10000, purpose: .order, deadline: at(10_000), now: at(0))
        #expect(queue.pump(now: at(0)).granted.isEmpty)
        var status = Dictionary(uniqueKeysWithValues: queue.snapshot(now: at(0), wallNow: wall).map { ($0.bucket, $0) })
        #expect(queue.snapshot(now: at(0), wallNow: wall).map(\.bucket) == ["orders", "queries", "kt10000"])
        let order = try #require(status["kt10000"])
        #expect(order.kind == .apiID && order.available == 0 && order.limit == 1 && order.perSecond == 1)
        #expect(order.queued == 1 && order.used == 1 && order.isExhausted)
        let orders = try #require(status["orders"])
        #expect(orders.kind == .category && orders.available == 2 && orders.limit == 3 && orders.queued == 1 && orders.used == 1)
        #expect(!orders.isExhausted)
        // Half a second on: half a token earned, still exhausted with its waiter.
        #expect(queue.snapshot(now: at(500), wallNow: wall).first { $0.bucket == "kt10000" }?.available == 0.5)
        // A 429 on the api-id: counted, paused (the 1 s back-off), shown until when.
        queue.penalize(.kt10000, retryAfter: nil, now: at(600))
        status = Dictionary(uniqueKeysWithValues: queue.snapshot(now: at(600), wallNow: wall).map { ($0.bucket, $0) })
        #expect(status["kt10000"]?.rateLimited == 1)
        #expect(status["kt10000"]?.pausedUntil == wall.addingTimeInterval(1))
        #expect(status["kt10000"]?.lastRateLimitedAt == wall)
        #expect(status["orders"]?.rateLimited == 0 && status["orders"]?.pausedUntil == nil)
        // A waiter whose slot comes after its deadline is refused, counted on the bucket that set the slot.
        queue.enqueue(id: 3, api: .kt10000, purpose: .order, deadline: at(700), now: at(600))
        #expect(queue.pump(now: at(600)).refused.map(\.id) == [3])
        status = Dictionary(uniqueKeysWithValues: queue.snapshot(now: at(600), wallNow: wall).map { ($0.bucket, $0) })
        #expect(status["kt10000"]?.refused == 1 && status["orders"]?.refused == 0)
        // Once the pause is over the waiter leaves and the queue is empty.
        #expect(queue.pump(now: at(1_600)).granted == [2])
        status = Dictionary(uniqueKeysWithValues: queue.snapshot(now: at(1_600), wallNow: wall).map { ($0.bucket, $0) })
        #expect(status["kt10000"]?.queued == 0 && status["kt10000"]?.used == 2 && status["kt10000"]?.pausedUntil == nil)
        #expect(status["kt10000"]?.isExhausted == false)
    }
}
