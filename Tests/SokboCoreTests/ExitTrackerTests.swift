import Foundation
import SokboCore
import Testing

/// Each exit, one tick at a time on a virtual clock: it fires at the tick that crosses it and not before.
@Suite struct ExitTrackerTests {
    private let entry = Date(timeIntervalSince1970: 1_790_000_000)
    private func at(minutes: Double) -> Date { entry.addingTimeInterval(minutes * 60) }

    private func tracker(_ policy: ExitPolicy, cost: Double = 10_000) -> ExitTracker {
        ExitTracker(policy: policy, costs: .zero, averageCost: cost, enteredAt: entry)
    }

    @Test func theStopFiresAtTheTickThatCrossesItAndNotBefore() {
        var policy = ExitPolicy.none
        policy.stopLossPercent = 3
        var exits = tracker(policy)
        #expect(exits.observe(bid: 9_800, at: at(minutes: 1)) == .hold)
        #expect(exits.observe(bid: 9_710, at: at(minutes: 2)) == .hold, "-2.9 % is not yet -3 %")
        #expect(exits.observe(bid: 9_700, at: at(minutes: 3)) == .exit(.stopLoss))
    }

    @Test func costsCountTowardsTheReturn() {
        var policy = ExitPolicy.none
        policy.takeProfitPercent = 1
        // Zero costs: +1 % is enough. With 0.015 % a side and 0.20 % tax, +1 % gross is 0.77 % net.
        var free = tracker(policy)
        #expect(free.observe(bid: 10_100, at: at(minutes: 1)) == .exit(.takeProfit))
        var costed = ExitTracker(policy: policy, costs: TradingCosts(), averageCost: 10_000, enteredAt: entry)
        #expect(costed.observe(bid: 10_100, at: at(minutes: 1)) == .hold)
        #expect(costed.observe(bid: 10_125, at: at(minutes: 2)) == .exit(.takeProfit))
    }

    @Test func theTrailArmsAtItsActivationAndFiresOnTheDrawBackFromTheHigh() {
        var policy = ExitPolicy.none
        policy.trailPercent = 2
        policy.trailActivationPercent = 4
        var exits = tracker(policy)
        #expect(exits.observe(bid: 10_300, at: at(minutes: 1)) == .hold)
        #expect(exits.observe(bid: 10_050, at: at(minutes: 2)) == .hold, "not armed below +4 %: a 2 % dip does nothing")
        #expect(!exits.trailActive)
        #expect(exits.observe(bid: 10_400, at: at(minutes: 3)) == .hold)
        #expect(exits.trailActive)
        #expect(exits.observe(bid: 10_800, at: at(minutes: 4)) == .hold, "new high")
        #expect(exits.observe(bid: 10_590, at: at(minutes: 5)) == .hold, "1.94 % below the high")
        #expect(exits.observe(bid: 10_584, at: at(minutes: 6)) == .exit(.trailingStop), "2 % below 10,800")
    }

    @Test func aTrailWithoutActivationIsArmedFromTheEntry() {
        var policy = ExitPolicy.none
        policy.trailPercent = 1
        var exits = tracker(policy)
        #expect(exits.trailActive)
        #expect(exits.observe(bid: 10_000, at: at(minutes: 0)) == .hold)
        #expect(exits.observe(bid: 9_900, at: at(minutes: 1)) == .exit(.trailingStop))
    }

    @Test func theROITableAppliesTheStepInForceByMinutesHeld() {
        var policy = ExitPolicy.none
        policy.roi = [ROIStep(minutes: 0, minimumReturnPercent: 5), ROIStep(minutes: 10, minimumReturnPercent: 2),
                      ROIStep(minutes: 20, minimumReturnPercent: -1)]
        var exits = tracker(policy)
        #expect(exits.observe(bid: 10_300, at: at(minutes: 5)) == .hold, "+3 % < 5 % in the first ten minutes")
        #expect(exits.observe(bid: 10_300, at: at(minutes: 9.99)) == .hold)
        #expect(exits.observe(bid: 10_300, at: at(minutes: 10)) == .exit(.roi), "+3 % ≥ 2 % from minute ten")
        var forced = tracker(policy)
        #expect(forced.observe(bid: 9_500, at: at(minutes: 19.9)) == .hold)
        #expect(forced.observe(bid: 9_500, at: at(minutes: 20)) == .exit(.roi), "a negative step forces the exit at its minute")
    }

    @Test func theTimeLimitFiresAtMaxHoldMinutes() {
        var policy = ExitPolicy.none
        policy.maxHoldMinutes = 30
        var exits = tracker(policy)
        #expect(exits.observe(bid: 10_000, at: at(minutes: 29.99)) == .hold)
        #expect(exits.observe(bid: 10_000, at: at(minutes: 30)) == .exit(.timeLimit))
    }

    @Test func theEndOfDayFlattenFiresAtItsTimeUnlessTheRuleHoldsOvernight() {
        var policy = ExitPolicy.none
        policy.flattenAtClose = true
        let flattenAt = at(minutes: 60)
        var exits = tracker(policy)
        #expect(exits.observe(bid: 10_000, at: at(minutes: 59.9), flattenAt: flattenAt) == .hold)
        #expect(exits.observe(bid: 10_000, at: flattenAt, flattenAt: flattenAt) == .exit(.endOfDay))
        policy.flattenAtClose = false
        var overnight = tracker(policy)
        #expect(overnight.observe(bid: 10_000, at: at(minutes: 61), flattenAt: flattenAt) == .hold)
    }

    @Test func whenSeveralFireOnOneTickTheDocumentedOrderNamesTheReason() {
        let flattenAt = at(minutes: 1)
        let everything = ExitPolicy(takeProfitPercent: 1, stopLossPercent: 1, trailPercent: 1, trailActivationPercent: 0,
                                    roi: [ROIStep(minutes: 0, minimumReturnPercent: -1)], maxHoldMinutes: 0, flattenAtClose: true)
        // A loss: stop-loss, trailing, roi (forced), time and end-of-day all fire; stop-loss wins.
        var losing = tracker(everything)
        #expect(losing.observe(bid: 9_800, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.stopLoss))
        // Without the stop, the trail comes next.
        var noStop = everything
        noStop.stopLossPercent = nil
        var trailing = tracker(noStop)
        _ = trailing.observe(bid: 10_500, at: at(minutes: 0))
        #expect(trailing.observe(bid: 10_200, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.trailingStop))
        // A gain with no trail: take-profit before roi, time and end-of-day.
        var noTrail = noStop
        noTrail.trailPercent = nil
        var gaining = tracker(noTrail)
        #expect(gaining.observe(bid: 10_200, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.takeProfit))
        var noTarget = noTrail
        noTarget.takeProfitPercent = nil
        var roi = tracker(noTarget)
        #expect(roi.observe(bid: 10_000, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.roi))
        noTarget.roi = []
        var timed = tracker(noTarget)
        #expect(timed.observe(bid: 10_000, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.timeLimit))
        noTarget.maxHoldMinutes = nil
        var closing = tracker(noTarget)
        #expect(closing.observe(bid: 10_000, at: at(minutes: 2), flattenAt: flattenAt) == .exit(.endOfDay))
    }

    @Test func aHaltedStockIsNotSoldIntoTheExitWaitsAndSaysWhy() {
        var policy = ExitPolicy.none
        policy.stopLossPercent = 3
        var exits = tracker(policy)
        #expect(exits.observe(bid: 9_500, at: at(minutes: 1), halted: true) == .waitHalted(.stopLoss))
        #expect(exits.observe(bid: 9_500, at: at(minutes: 2), halted: true) == .waitHalted(.stopLoss))
        #expect(exits.observe(bid: 9_400, at: at(minutes: 3), halted: false) == .exit(.stopLoss), "sold on the first tick after the halt")
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let defaults = ExitPolicy()
        #expect(defaults.stopLossPercent == 3)
        #expect(defaults.takeProfitPercent == 10)
        #expect(defaults.trailPercent == 2 && defaults.trailActivationPercent == 4)
        #expect(defaults.maxHoldMinutes == 30)
        #expect(defaults.flattenAtClose)
        #expect(defaults.roi.isEmpty)
    }
}
