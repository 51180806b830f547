import Foundation
import Synchronization
import Testing
@testable import SokboCore

@Suite struct EventHubTests {
    func event(_ n: Int) -> LiveEvent { LiveEvent(kind: .news, payload: ["n": n]) }

    @Test func aFastSubscriberGetsEveryEventInOrder() async {
        let hub = EventHub(bufferSize: 8)
        let stream = hub.subscribe()
        let read = Mutex(0)
        let reader = Task {
            var seen: [String] = []
            for await delivery in stream {
                guard case .event(let e) = delivery else { seen.append("\(delivery)"); break }
                seen.append(e.json)
                read.withLock { $0 = seen.count }
                if seen.count == 100 { break }
            }
            read.withLock { $0 = .max }  // done, or told of a gap: the publisher stops waiting
            return seen
        }
        // A subscriber that keeps up: four events at a time, each batch read before the next is published (waiting
        // on the reader, not on 1 ms, which a loaded machine can pass before the reader runs at all).
        for n in 0..<100 {
            hub.publish(event(n))
            if n % 4 == 3 { while read.withLock({ $0 }) < n + 1 { try? await Task.sleep(for: .milliseconds(1)) } }
        }
        let seen = await reader.value
        #expect(seen == (0..<100).map { event($0).json })
    }

    @Test func aSlowSubscriberLosesTheOldestAndIsToldHowMany() async {
        let hub = EventHub(bufferSize: 10)
        let stream = hub.subscribe()
        for n in 0..<25 { hub.publish(event(n)) }   // nobody reading: publish must not wait
        var iterator = stream.makeAsyncIterator()
        var deliveries: [LiveDelivery] = []
        for _ in 0..<11 { if let d = await iterator.next() { deliveries.append(d) } }
        #expect(deliveries.first == .gap(missed: 15))
        #expect(deliveries.dropFirst().compactMap { if case .event(let e) = $0 { e.json } else { nil } } == (15..<25).map { event($0).json })
    }

    @Test func cancellingAReaderUnsubscribesIt() async throws {
        let hub = EventHub()
        let reader = Task { for await _ in hub.subscribe() {} }
        // Subscribed once the reader task has run (an event, not 50 ms).
        while hub.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(hub.subscriberCount == 1)
        reader.cancel()
        _ = await reader.value
        #expect(hub.subscriberCount == 0)
    }

    /// A waiter `closeAll` failed to wake would hang its reader: the time limit makes that a failure.
    @Test(.timeLimit(.minutes(1)))
    func closeAllEndsEveryOpenStreamAndLaterSubscribersStillReceive() async throws {
        let hub = EventHub()
        let waiting = Task { var n = 0; for await _ in hub.subscribe() { n += 1 }; return n }
        let behind = hub.subscribe()
        hub.publish(event(1))
        while hub.subscriberCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(hub.closeAll() == 2)
        // The reader waiting for its next event ends (its loop returns), and so does the one with an event pending.
        _ = await waiting.value
        var iterator = behind.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        #expect(hub.subscriberCount == 0)
        let later = hub.subscribe()
        let second = event(2)
        hub.publish(second)
        var laterIterator = later.makeAsyncIterator()
        #expect(await laterIterator.next() == .event(second))
    }

    /// Counts how often it is encoded.
    final class EncodeCounter: Sendable {
        let count = Mutex(0)
    }

    struct CountedPayload: Encodable, Sendable {
        let counter: EncodeCounter
        func encode(to encoder: any Encoder) throws {
            counter.count.withLock { $0 += 1 }
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("a/b", forKey: .path)
        }
        enum CodingKeys: String, CodingKey { case path }
    }

    /// The engine publishes on its transitions: it hands over the value and encodes nothing; the JSON is made
    /// on the subscribers' side, once per event however many clients read it.
    @Test func publishingEncodesNothingAndClientsShareOneEncoding() async throws {
        let hub = EventHub()
        let counter = EncodeCounter()
        let first = hub.subscribe(), second = hub.subscribe()
        hub.publish(kind: .order, payload: CountedPayload(counter: counter))
        #expect(counter.count.withLock { $0 } == 0, "publishing encodes nothing")
        var one = first.makeAsyncIterator(), two = second.makeAsyncIterator()
        guard case .event(let a) = try #require(await one.next()), case .event(let b) = try #require(await two.next()) else {
            Issue.record("no event")
            return
        }
        #expect(counter.count.withLock { $0 } == 0, "nor does delivering it")
        #expect(a.json == #"{"path":"a/b"}"#, "sorted keys, slashes unescaped, as before")
        #expect(b.json == a.json)
        #expect(counter.count.withLock { $0 } == 1, "two clients, one encoding")
        #expect(a.payload is CountedPayload, "in-process subscribers read the value itself")
    }
}
