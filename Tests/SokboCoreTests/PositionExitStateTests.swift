import SokboCore
import Testing

/// The sell side of a position, one event at a time: never more sold than held, never two exits, a
/// resting take-profit cancelled before a stop sells.
@Suite struct PositionExitStateTests {
    @Test func anExitSellsWhatIsHeldAndASecondRequestDoesNothingWhileItIsOut() throws {
        var state = PositionExitState(held: 100)
        #expect(try state.requestExit(.stopLoss).get() == [.sell(quantity: 100, reason: .stopLoss, resting: false)])
        state.sellSent(id: "x1", quantity: 100, reason: .stopLoss, resting: false)
        #expect(state.requestExit(.timeLimit) == .failure(.exitInFlight))
        #expect(state.requestExit(.endOfDay) == .failure(.exitInFlight))
        #expect(state.sellable == 0)
    }

    @Test func partialFillsAreRespectedAndTheRestIsSoldAfterTheFirstSellEnds() throws {
        var state = PositionExitState(held: 100)
        _ = try state.requestExit(.timeLimit).get()
        state.sellSent(id: "x1", quantity: 100, reason: .timeLimit, resting: false)
        state.sellFilled(id: "x1", cumulative: 30)
        state.sellFilled(id: "x1", cumulative: 30)
        #expect(state.held == 70, "a repeated cumulative count is applied once")
        #expect(state.sellEnded(id: "x1", cumulative: 40) == [], "cancelled after 40 filled")
        #expect(state.held == 60)
        #expect(try state.requestExit(.timeLimit).get() == [.sell(quantity: 60, reason: .timeLimit, resting: false)])
    }

    @Test func anUnknownSellKeepsItsSharesOfferedSoNothingIsSoldTwice() {
        var state = PositionExitState(held: 50)
        state.sellSent(id: "x1", quantity: 50, reason: .stopLoss, resting: false)
        // The venue timed out: the sell is unknown, not ended. Nothing may sell those 50 again.
        #expect(state.requestExit(.stopLoss) == .failure(.exitInFlight))
        #expect(state.sellable == 0)
        // Reconciliation finds it filled.
        #expect(state.sellEnded(id: "x1", cumulative: 50) == [])
        #expect(state.held == 0)
        #expect(state.requestExit(.endOfDay) == .failure(.nothingHeld))
    }

    @Test func neverMoreIsSoldThanIsHeld() {
        var state = PositionExitState(held: 10)
        state.sellSent(id: "x1", quantity: 25, reason: .manual, resting: false)
        #expect(state.sells.first?.quantity == 10, "a sell is clamped to what is held and unoffered")
        state.sellFilled(id: "x1", cumulative: 25)
        #expect(state.held == 0, "fills beyond the order's quantity are not counted")
    }

    @Test func aRestingTakeProfitIsCancelledBeforeTheStopSells() throws {
        var state = PositionExitState(held: 100)
        #expect(try state.requestRestingTakeProfit().get() == [.sell(quantity: 100, reason: .takeProfit, resting: true)])
        state.sellSent(id: "tp", quantity: 100, reason: .takeProfit, resting: true)
        // The stop fires: first the cancel, no sell (the shares are tied up by the resting order).
        #expect(try state.requestExit(.stopLoss).get() == [.cancel(id: "tp", reason: .stopLoss)])
        #expect(state.requestExit(.stopLoss) == .failure(.awaitingCancel), "the cancel is sent once")
        // 20 filled at the take-profit before the cancel took effect: the stop sells the other 80.
        state.sellFilled(id: "tp", cumulative: 20)
        #expect(state.sellEnded(id: "tp", cumulative: 20) == [.sell(quantity: 80, reason: .stopLoss, resting: false)])
        state.sellSent(id: "x1", quantity: 80, reason: .stopLoss, resting: false)
        #expect(state.sellable == 0)
    }

    @Test func aTickDrivenTakeProfitLeavesARestingOneAtTheVenue() throws {
        var state = PositionExitState(held: 100)
        state.sellSent(id: "tp", quantity: 100, reason: .takeProfit, resting: true)
        #expect(state.requestExit(.takeProfit) == .failure(.takeProfitResting), "the venue fills it: nothing sold at market, nothing cancelled")
        // Another exit still cancels it first, and a take-profit asked while that cancel is out waits for it.
        #expect(try state.requestExit(.timeLimit).get() == [.cancel(id: "tp", reason: .timeLimit)])
        #expect(state.requestExit(.takeProfit) == .failure(.awaitingCancel))
    }

    @Test func aRestingTakeProfitThatFilledWholeLeavesNothingToStop() throws {
        var state = PositionExitState(held: 100)
        state.sellSent(id: "tp", quantity: 100, reason: .takeProfit, resting: true)
        _ = try state.requestExit(.stopLoss).get()
        #expect(state.sellEnded(id: "tp", cumulative: 100) == [], "all sold at the take-profit: nothing to sell")
        #expect(state.held == 0)
    }

    @Test func theBrokersQuantityWins() throws {
        var state = PositionExitState(held: 100)
        state.brokerHolds(70)
        #expect(try state.requestExit(.manual).get() == [.sell(quantity: 70, reason: .manual, resting: false)])
    }
}
