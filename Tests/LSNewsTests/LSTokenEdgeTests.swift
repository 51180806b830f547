import Foundation
@testable import LSNews
import Simulator
import SokboCore
import Synchronization
import Testing

/// A wall clock the test moves by hand.
final class VirtualWallClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    @Sendable func now() -> Date { current.withLock { $0 } }

    func set(_ date: Date) { current.withLock { $0 = date } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Counts tokens a stub issued.
final class IssueCount: Sendable {
    let value = Atomic<Int>(0)
}

/// The 07:00 KST token edge (spec §2.3, §8) on a virtual clock.
@Suite struct LSTokenEdgeTests {
    static let sixFiftyFive = KST.date(yyyymmdd: "20250320", hhmmss: "065500")!
    static let seven = KST.date(yyyymmdd: "20250320", hhmmss: "070000")!
    static let nextSixFiftyFive = KST.date(yyyymmdd: "20250321", hhmmss: "065500")!

    @Test func tokenIssuedAt0655IsUsedUntil0700ThenRenewedOnce() async throws {
        let clock = VirtualWallClock(Self.sixFiftyFive)
        let issued = IssueCount()
        let provider = LSTokenProvider(refreshMargin: .seconds(300), now: clock.now) {
            // As the venue: every token expires at the next 07:00 KST.
            let n = issued.value.add(1, ordering: .relaxed).newValue
            return LSToken(value: "token-\(n)", expiresAt: KST.next(hour: 7, after: clock.now()))
        }
        let first = try await provider.token()
        #expect(await provider.renewalDue() == Self.seven)
        // One call a second until 06:59:59, each one event on the virtual clock: always the same token.
        for _ in 0..<299 {
            clock.advance(by: 1)
            #expect(try await provider.token() == first)
        }
        #expect(await provider.issuedCount == 1)
        clock.set(Self.seven)
        let second = try await provider.token()
        #expect(second != first)
        #expect(await provider.issuedCount == 2)
        // Tomorrow's token is renewed the usual 5 minutes ahead of its 07:00.
        #expect(await provider.renewalDue() == Self.nextSixFiftyFive)
        clock.advance(by: 3_600)
        #expect(try await provider.token() == second)
        #expect(await provider.issuedCount == 2)
    }

    @Test func listenerStartedAt0656SubscribesOnceAndResubscribesOnceAt0700() async throws {
        let clock = VirtualWallClock(Self.sixFiftyFive.addingTimeInterval(60))
        var simulatorConfiguration = LSSimulatorConfiguration(framesPerSecond: 0)
        simulatorConfiguration.now = clock.now
        try await withSimulator(simulatorConfiguration) { simulator in
            var configuration = try await listenerConfiguration(for: simulator)
            configuration.now = clock.now
            let collector = Collector()
            try await withListener(configuration, consumer: collector) { listener in
                let up = await eventually { await simulator.counters().subscriptionsAccepted == 1 }
                try #require(up)
                #expect(await listener.tokens.renewalDue() == Self.seven, "the 06:56 token is used until 07:00")
                // A headline received on this socket: the watchdog has been running with that renewal time.
                let before = await simulator.publish(title: "삼성전자, 2차전지 소재 공급계약 체결", tickers: [])
                let arrived = await eventually { await collector.items.contains { $0.id == before } }
                #expect(arrived)
                var counters = await simulator.counters()
                #expect(counters.tokensIssued == 1)
                #expect(counters.connectionsAccepted == 1)

                clock.set(Self.seven)
                let renewed = await eventually { await simulator.counters().subscriptionsAccepted == 2 }
                #expect(renewed, "renewed and resubscribed at 07:00")
                #expect(await listener.tokens.renewalDue() == Self.nextSixFiftyFive, "next renewal tomorrow at 06:55")
                let after = await simulator.publish(title: "SK하이닉스, 자사주 소각 결정", tickers: [])
                let arrivedAfter = await eventually { await collector.items.contains { $0.id == after } }
                #expect(arrivedAfter)
                counters = await simulator.counters()
                #expect(counters.tokensIssued == 2)
                #expect(counters.connectionsAccepted == 2)
                #expect(counters.subscriptionsAccepted == 2)
                #expect(counters.subscriptionsRefused == 0, "the new registration carried the new token")
            }
        }
    }
}
