import Foundation
import SokboCore
import Testing
@testable import Trading

/// `take-profit-resting`: the take-profit left at the venue as a limit sell once the entry is done, one per
/// position; a stop cancels it before selling; a tick past it sells nothing more; one the venue refused is not
/// sent again (the take-profit then fires from ticks); after a restart it is still resting. One event at a
/// time on the injected clock, against the scripted broker.
@Suite struct RestingTakeProfitTests {
    static func restingRule() -> Rule {
        rule {
            $0.takeProfitPercent = 5
            $0.stopLossPercent = 3
            $0.restingTakeProfit = true
        }
    }

    static let target = ExitPolicy(takeProfitPercent: 5).takeProfitPrice(averageCost: 10_000, costs: TradingCosts())!

    @Test func theTakeProfitPriceIsOnTheGridAndReachesTheNetReturnAfterCosts() {
        let costs = TradingCosts()
        #expect(Self.target == 10_530, "10,000 × 1.05 = 10,500 nets 4.77 % after fees and tax; 10,530 is the first 10-won tick past 5 %")
        #expect(costs.netReturnPercent(averageCost: 10_000, price: Double(Self.target)) >= 5)
        #expect(costs.netReturnPercent(averageCost: 10_000, price: Double(KRXTick.down(from: Self.target))) < 5)
        #expect(ExitPolicy(takeProfitPercent: nil).takeProfitPrice(averageCost: 10_000, costs: costs) == nil)
        #expect(ExitPolicy(takeProfitPercent: nil, restingTakeProfit: true).restingTakeProfit == false, "nothing to rest without a take-profit")
    }

    @Test func itRestsOnceTheEntryIsDoneAndAStopCancelsItBeforeSelling() async throws {
        let h = try EngineHarness(rules: [Self.restingRule()])
        let entry = try await h.enter(1)
        await h.fill(entry, cumulative: entry.quantity / 2, at: 10_000)
        await h.engine.sweepExits()
        await h.runWork()
        #expect(await h.sells().isEmpty, "nothing rests while the entry is still open")
        await h.fill(entry, cumulative: entry.quantity, at: 10_000)
        await h.engine.sweepExits()
        await h.runWork()
        await h.engine.sweepExits()
        await h.runWork()
        let sells = await h.sells()
        #expect(sells.count == 1, "one resting take-profit per position")
        #expect(sells.first?.price == .limit(Self.target))
        #expect(sells.first?.quantity == entry.quantity)
        let resting = try #require(await h.sellOrders().first)
        #expect(resting.state == .accepted && resting.exitReason == .takeProfit)
        // A tick past the target: the venue fills the resting sell; nothing is sold at market for it.
        await h.tick(Self.target + 100)
        #expect(await h.sells().count == 1)
        #expect(await h.broker.cancels().isEmpty)
        // The stop: the resting sell is cancelled first, and the stop sells once the cancel has ended.
        await h.tick(9_600)
        #expect(await h.broker.cancels().map(\.brokerOrderNo) == [resting.brokerOrderNo])
        #expect(await h.sells().count == 1, "the stop waits for the cancel")
        // Gone from the open orders; the day's fills list the entry alone: the resting sell filled nothing.
        await h.broker.setOpenOrders([])
        await h.broker.setFills([RestFallbackFillTests.dayFill(try #require(await h.engine.order(entry.id)), cumulative: entry.quantity, at: 10_000)])
        await h.engine.pollOrders()
        await h.runWork()
        #expect(await h.engine.order(resting.id)?.state == .cancelled)
        let after = await h.sells()
        #expect(after.count == 2)
        #expect(after.last?.price == .market && after.last?.quantity == entry.quantity)
        #expect(await h.sellOrders().first { $0.id != resting.id }?.exitReason == .stopLoss)
    }

    @Test func oneTheVenueRefusesIsNotSentAgainAndTheTickDrivenTakeProfitSells() async throws {
        let h = try EngineHarness(rules: [Self.restingRule()])
        await h.broker.answerSubmits([.accepted(brokerOrderNo: "0000001"), .rejected(code: "RC4027", message: "상한가를 초과합니다")])
        let entry = try await h.hold()
        await h.engine.sweepExits()
        await h.runWork()
        #expect(await h.sellOrders().first?.state == .rejected)
        await h.engine.sweepExits()
        await h.runWork()
        #expect(await h.sells().count == 1, "a refused resting take-profit is not sent again")
        await h.tick(Self.target)
        let sells = await h.sells()
        #expect(sells.count == 2)
        #expect(sells.last?.price == .market && sells.last?.quantity == entry.quantity)
    }

    @Test func afterARestartItIsStillRestingAndAStopCancelsItFirst() async throws {
        let first = try EngineHarness(rules: [Self.restingRule()])
        let entry = try await first.hold()
        await first.engine.sweepExits()
        await first.runWork()
        let resting = try #require(await first.sellOrders().first)
        #expect(resting.state == .accepted)
        let second = try EngineHarness(rules: [Self.restingRule()], store: first.store, clock: first.clock)
        try await second.engine.restore()
        await second.engine.sweepExits()
        await second.runWork()
        #expect(await second.sells().isEmpty, "the restored one still rests: none placed beside it")
        await second.tick(Self.target + 100)
        #expect(await second.sells().isEmpty)
        await second.tick(9_600)
        #expect(await second.broker.cancels().map(\.brokerOrderNo) == [resting.brokerOrderNo])
        #expect(await second.sells().isEmpty, "the stop waits for the cancel of the restored resting sell")
        await second.broker.setOpenOrders([])
        await second.broker.setFills([RestFallbackFillTests.dayFill(entry, cumulative: entry.quantity, at: 10_000)])
        await second.engine.pollOrders()
        await second.runWork()
        #expect(await second.sells().map(\.quantity) == [entry.quantity])
    }
}
