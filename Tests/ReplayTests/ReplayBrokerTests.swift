import Foundation
import Replay
import SokboCore
import Testing

@Suite("Replay broker: reports as the venue does, never ahead of the clock")
struct ReplayBrokerTests {
    typealias F = ReplayFixtures

    func broker(latency: Int = 300) -> (ReplayBroker, VirtualClock) {
        var market = HistoricalMarket(day: F.day)
        market.add(F.candles(override: ["1000": (70_000, 70_500, 69_800, 70_100)]))
        let clock = VirtualClock(F.at("100010"))
        return (ReplayBroker(market: market, clock: clock, model: FillModel(latencyMilliseconds: latency), startingCash: 10_000_000,
                             costs: .zero), clock)
    }

    @Test func executionsAndWatchedQuotesArePushedOnlyOnceTheClockPassesThem() async throws {
        let (broker, _) = broker()
        var pushes = broker.pushes().makeAsyncIterator()
        await broker.watch([F.samsung])
        let outcome = await broker.submit(OrderRequest(clientOrderID: "n-1-005930", ticker: F.samsung, side: .buy, quantity: 10, price: .market))
        #expect(outcome == .accepted(brokerOrderNo: "R0000001"))
        // Nothing is reported, and the account holds nothing, before the order reaches the market.
        #expect(try await broker.account().positions.isEmpty)
        broker.advance(to: F.at("100020"))
        guard case .execution(let received) = await pushes.next() else { Issue.record("expected 접수"); return }
        #expect(received.status == .received)
        guard case .execution(let filled) = await pushes.next() else { Issue.record("expected 체결"); return }
        #expect(filled.status == .filled)
        #expect(filled.executionPrice == 70_500)
        // Then the 10:00 minute's ticks from after the clock's previous position: low at :15 (the high at :30 is later).
        guard case .quote(let low) = await pushes.next() else { Issue.record("expected a quote"); return }
        #expect(low.price == 69_800)
        #expect(low.at == F.at("100015"))
        #expect(try await broker.account().positions.first?.quantity == 10)
        broker.finish()
        #expect(await pushes.next() == nil)
    }

    @Test func aSnapshotSeesOnlyTheOpenOfTheMinuteUnderWay() async throws {
        let (broker, clock) = broker()
        let during = try await broker.snapshot(F.samsung)
        #expect(during.price == 70_000)
        #expect(during.high == 70_100)
        clock.advance(to: F.at("100100"))
        let after = try await broker.snapshot(F.samsung)
        #expect(after.price == 70_000)
        #expect(after.high == 70_500)
        await #expect(throws: BrokerError.self) { try await broker.snapshot(F.hynix) }
    }
}
