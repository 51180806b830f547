import Alerts
import Foundation
import Logging
import SokboCore
import SokboTestSupport
import Testing

/// How the alerts read the live events: in batches from a polled subscription, so the engine publishing an
/// order's change never wakes their task; each change still makes exactly one message.
@Suite struct AlertEventReadingTests {
    /// An order of its own for each `n`, accepted: one `order.accepted` message each.
    static func accepted(_ n: Int) -> LiveEvent {
        var order = Order(id: "n-\(n)-005930-buy", newsID: "\(n)", rule: "공급계약", ticker: Ticker("005930")!, side: .buy, quantity: 12,
                          price: .limit(71_000), createdAt: Date())
        order.state = .accepted
        return LiveEvent(kind: .order, payload: order)
    }

    /// Publishes `count` order events one at a time, each once the previous one's message was made (so a reader
    /// woken per event is surely waiting in between), with `interval` as the read interval; returns the hub's
    /// wake-ups, the messages made and the reading.
    static func publishOneAtATime(_ count: Int, interval: Duration) async throws -> (wakeUps: Int, messages: Int, reading: AlertService.EventReading) {
        let hub = EventHub()
        let service = AlertService(configuration: AlertsConfiguration(eventReadInterval: interval), hub: hub, control: RecordingControl(),
                                   health: nil, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        for n in 1...count {
            hub.publish(Self.accepted(n))
            let made = try await eventually(timeout: .seconds(30)) { service.status().messages["order.accepted"] == n }
            try #require(made, "message \(n) made")
        }
        return (hub.wakeUps, service.status().messages["order.accepted"] ?? 0, service.eventReading())
    }

    @Test func publishingAnOrderEventWakesNoAlertTaskAndEachChangeMakesOneMessage() async throws {
        let (wakeUps, messages, reading) = try await Self.publishOneAtATime(20, interval: .milliseconds(20))
        #expect(wakeUps == 0, "the publisher scheduled the alerts' reader \(wakeUps) times")
        #expect(messages == 20)
        #expect(reading.events == 20 && reading.reads <= 20)
    }

    /// The contrast, `SOKBO_ALERTS_EVENT_READ_MS=0` (how the alerts read before): the same publishes wake the reader.
    @Test func readingEachEventAsPublishedWakesTheReaderFromThePublisher() async throws {
        let (wakeUps, messages, reading) = try await Self.publishOneAtATime(20, interval: .zero)
        #expect(wakeUps > 0)
        #expect(messages == 20)
        #expect(reading.events == 20 && reading.reads == 20, "one read per event")
    }

    @Test func eventsPublishedBeyondTheBoundBetweenTwoReadsAreCountedAsMissed() {
        let hub = EventHub()
        let polled = hub.subscribePolled(kinds: [.order], capacity: 3)
        for n in 1...5 { hub.publish(Self.accepted(n)) }
        hub.publish(LiveEvent(kind: .news, payload: ["n": 1]))
        let taken = polled.take()
        #expect(taken.first == .gap(missed: 2), "the two oldest gave way")
        #expect(taken.count == 4, "a gap, then the three newest order events (no news: not subscribed)")
        #expect(polled.take().isEmpty, "taken once")
        #expect(hub.wakeUps == 0)
        polled.cancel()
        #expect(hub.subscriberCount == 0)
    }
}
