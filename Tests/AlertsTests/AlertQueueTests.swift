import Alerts
import Foundation
import Testing

/// The bounded queue: informational messages give way, trading-critical ones never do.
@Suite struct AlertQueueTests {
    static func message(_ kind: AlertKind, _ n: Int) -> AlertMessage { AlertMessage(kind: kind, text: "\(kind.rawValue) \(n)") }

    @Test func aFullQueueDropsTheOldestInformationalMessageAndCountsIt() {
        var queue = AlertQueue(capacity: 3)
        queue.push(Self.message(.venue, 1))
        queue.push(Self.message(.orderAccepted, 2))
        queue.push(Self.message(.venue, 3))
        let dropped = queue.push(Self.message(.orderFilled, 4))
        #expect(dropped?.text == "venue 1")
        #expect(queue.items.map(\.text) == ["order.accepted 2", "venue 3", "order.filled 4"])
        #expect(queue.droppedInformational == 1)
    }

    @Test func tradingCriticalMessagesAreKeptOverTheBound() {
        var queue = AlertQueue(capacity: 2)
        for n in 0..<5 {
            let dropped = queue.push(Self.message(.orderFilled, n))
            #expect(dropped == nil)
        }
        // An informational message arriving at a queue full of critical ones is the one that goes.
        let r1 = queue.push(Self.message(.dailySummary, 9))
        #expect(r1?.kind == .dailySummary)
        #expect(queue.count == 5)
        #expect(queue.items.allSatisfy { $0.isTradingCritical })
        #expect(queue.droppedInformational == 1)
    }

    @Test func theBotAPILimitsSpaceSendsPerChatAndOverall() {
        var chat = SendPacer(perSecond: 1)
        let first = chat.reserve(now: 10), second = chat.reserve(now: 10.2), idle = chat.reserve(now: 13)
        #expect(first == 0)
        #expect(abs(second - 0.8) < 1e-9, "the second message in a chat waits for its second")
        #expect(idle == 0, "an idle chat sends at once")
        var overall = SendPacer(perSecond: 30)
        let waits = (0..<31).map { _ in overall.reserve(now: 0) }
        #expect(abs(waits[30] - 1) < 1e-9, "the 31st message of a second waits a second")
        chat.hold(until: 20)
        let held = chat.reserve(now: 14)
        #expect(held == 6, "a 429's retry_after holds the chat")
    }
}
