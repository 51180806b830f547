import Foundation
@testable import Kiwoom
import SokboCore
import Testing

/// The pacing decisions, one event at a time on explicit instants (no sleeping, no real clock).
@Suite struct KiwoomPacingQueueTests {
    typealias Instant = ContinuousClock.Instant
    let t0 = ContinuousClock.now
    func at(_ ms: Int) -> Instant { t0 + .milliseconds(ms) }
    /// The defaults: queries 5/s burst 3, orders 5/s burst 3, each api-id 1/s burst 1.
    let defaults = KiwoomRateLimits()

    /// Enqueues one request and pumps at the same instant.
    func add(_ queue: inout KiwoomPacingQueue, _ id: Int, _ api: KiwoomAPI, _ purpose: BrokerCallContext.Purpose = .trading,
             deadlineMs: Int = 10_000, atMs: Int = 0) -> KiwoomPacingQueue.Outcome {
        queue.enqueue(id: id, api: api, purpose: purpose, deadline: at(deadlineMs), now: at(atMs))
        return queue.pump(now: at(atMs))
    }

    @Test func eachRequestTakesATokenFromItsApiIdAndFromItsCategory() {
        var queue = KiwoomPacingQueue(limits: defaults)
        // Three api-ids at once: the category's burst of three, one token of each api-id.
        for (id, api) in [KiwoomAPI.ka10001, .ka10004, .ka10100].enumerated() {
            #expect(add(&queue, id, api).granted == [id])
        }
        // A fourth api-id finds the category empty: its slot is one refill (200 ms) away.
        let fourth = add(&queue, 3, .kt00011)
        #expect(fourth.granted.isEmpty && fourth.wake == at(200))
        // A second ka10001 waits for its api-id's next token, a second away, though the category refills sooner.
        #expect(add(&queue, 4, .ka10001).granted.isEmpty)
        #expect(queue.pump(now: at(199)).granted.isEmpty)
        let later = queue.pump(now: at(200))
        #expect(later.granted == [3] && later.wake == at(1_000))
        #expect(queue.pump(now: at(1_000)).granted == [4])
        #expect(queue.waiters.isEmpty)
    }

    @Test func aRequestWhoseSlotIsPastItsBoundIsRefusedAtOnceAndConsumesNothing() throws {
        var queue = KiwoomPacingQueue(limits: defaults)
        #expect(add(&queue, 1, .ka10004).granted == [1])
        #expect(add(&queue, 2, .ka10004).granted.isEmpty)     // slot at 1 s
        #expect(add(&queue, 3, .ka10004).granted.isEmpty)     // slot at 2 s
        let tokensBefore = try #require(queue.buckets["ka10004"]?.tokens)
        // A lookup bound to 2 s would leave at 3 s: refused now, with when a slot could be free.
        let lookup = add(&queue, 4, .ka10004, .lookup, deadlineMs: 2_000)
        #expect(lookup.granted.isEmpty)
        #expect(lookup.refused == [.init(id: 4, api: .ka10004, retryAfter: .seconds(3))])
        #expect(queue.waiters.map(\.id) == [2, 3])
        #expect(queue.buckets["ka10004"]?.tokens == tokensBefore)
        // The waiters keep their slots: nothing was reserved for the refused one.
        #expect(queue.projections(now: at(0)).map(\.slot) == [at(1_000), at(2_000)])
        // However long the queue, a bounded caller is never accepted into debt.
        for id in 5..<100 { _ = add(&queue, id, .ka10004, deadlineMs: 2_500) }
        #expect(queue.waiters.map(\.id) == [2, 3])
    }

    @Test func tradingQueriesGoAheadOfLookupsAndAMoreUrgentArrivalCanPushALookupOut() {
        var queue = KiwoomPacingQueue(limits: defaults)
        #expect(add(&queue, 1, .ka10001, .lookup).granted == [1])
        #expect(add(&queue, 2, .ka10001, .lookup, deadlineMs: 1_500).granted.isEmpty)  // slot at 1 s
        // A trading query arriving later takes the next slot; the lookup's moves to 2 s, past its bound.
        let trading = add(&queue, 3, .ka10001, .trading, atMs: 100)
        #expect(trading.refused.map(\.id) == [2])
        #expect(queue.pump(now: at(1_000)).granted == [3])
    }

    @Test func ordersAreNotHeldUpByQueuedQueries() {
        var queue = KiwoomPacingQueue(limits: defaults)
        for id in 0..<4 { _ = add(&queue, id, .ka10001) }
        #expect(queue.waiters.count == 3)
        // Orders have buckets of their own (the venue counts them apart): sent at once while the queries queue.
        #expect(add(&queue, 10, .kt10000, .order).granted == [10])
        #expect(queue.waiters.map(\.id) == [1, 2, 3])
    }

    @Test func aPauseAfterA429HoldsTheBucketForEveryCallerUntilItEnds() {
        var queue = KiwoomPacingQueue(limits: defaults)
        #expect(add(&queue, 1, .ka10004).granted == [1])
        // The venue's 429 says Retry-After 3 s.
        let pause = queue.penalize(.ka10004, retryAfter: .seconds(3), now: at(50))
        #expect(pause == .seconds(3))
        #expect(add(&queue, 2, .ka10004, atMs: 60).granted.isEmpty)
        #expect(add(&queue, 3, .ka10004, atMs: 70).granted.isEmpty)
        // Another api-id is not paused.
        #expect(add(&queue, 4, .ka10001, atMs: 80).granted == [4])
        #expect(queue.pump(now: at(3_049)).granted.isEmpty)
        // One request when the pause ends, then the bucket's own rate.
        let ended = queue.pump(now: at(3_050))
        #expect(ended.granted == [2] && ended.wake == at(4_050))
        #expect(queue.pump(now: at(4_050)).granted == [3])
    }

    @Test func withoutRetryAfterThePauseDoublesAndResetsAfterASuccess() {
        var queue = KiwoomPacingQueue(limits: defaults)
        var pauses = [queue.penalize(.ka10001, retryAfter: nil, now: at(0))]
        // Replies to requests sent before the pause began do not lengthen it.
        pauses.append(queue.penalize(.ka10001, retryAfter: nil, now: at(10)))
        pauses.append(queue.penalize(.ka10001, retryAfter: nil, now: at(1_000)))
        pauses.append(queue.penalize(.ka10001, retryAfter: nil, now: at(3_000)))
        queue.succeeded(.ka10001)
        pauses.append(queue.penalize(.ka10001, retryAfter: nil, now: at(8_000)))
        #expect(pauses == [.seconds(1), .milliseconds(990), .seconds(2), .seconds(4), .seconds(1)])
    }

    @Test func aCancelledWaiterLeavesAndTheOthersMoveUp() {
        var queue = KiwoomPacingQueue(limits: defaults)
        _ = add(&queue, 1, .ka10001)
        _ = add(&queue, 2, .ka10001)
        _ = add(&queue, 3, .ka10001, deadlineMs: 2_000)
        let cancelled = queue.cancel(id: 2)
        let again = queue.cancel(id: 2)
        #expect(cancelled && !again)
        #expect(queue.pump(now: at(1_000)).granted == [3])
    }
}

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
