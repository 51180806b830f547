import SokboCore
import Testing

/// The lease state machine one event at a time, on instants the test chooses (seconds since an origin).
@Suite struct LeaseMachineTests {
    static let timings = LeaseTimings()   // lease 5 s, renew 1 s, demote 3 s, acquire 1 s

    static func s(_ seconds: Double) -> Duration { .milliseconds(Int(seconds * 1000)) }

    /// An active machine that won epoch 7 with an acquire sent at 1.0 s.
    static func active() -> LeaseMachine {
        var machine = LeaseMachine(timings: timings, start: .zero)
        _ = machine.tick(at: s(1))
        _ = machine.acquired(epoch: 7, sentAt: s(1))
        return machine
    }

    @Test func aStandbyTriesOncePerIntervalAndOneAtATime() {
        var machine = LeaseMachine(timings: Self.timings, start: .zero)
        #expect(machine.tick(at: Self.s(0)) == [.acquire])
        #expect(machine.tick(at: Self.s(0.5)) == [])
        // Still out at the next interval: no second attempt beside it.
        #expect(machine.tick(at: Self.s(1.2)) == [])
        machine.acquireFailed()
        #expect(machine.tick(at: Self.s(1.2)) == [.acquire])
        machine.acquireFailed()
        #expect(machine.tick(at: Self.s(2.1)) == [])
        #expect(machine.tick(at: Self.s(2.2)) == [.acquire])
        #expect(machine.role == .standby)
        #expect(!machine.maySend(at: Self.s(2.2)))
    }

    @Test func winningPromotesAndAllowsSendingUntilTheDemotionDeadline() {
        var machine = LeaseMachine(timings: Self.timings, start: .zero)
        _ = machine.tick(at: Self.s(1))
        #expect(machine.acquired(epoch: 7, sentAt: Self.s(1)) == [.promote(epoch: 7)])
        #expect(machine.role == .active(epoch: 7))
        // The deadline counts from when the acquire was sent: 1 + 3 s.
        #expect(machine.deadline == Self.s(4))
        #expect(machine.maySend(at: Self.s(3.999)))
        #expect(!machine.maySend(at: Self.s(4)))
    }

    @Test func theActiveRenewsEachIntervalAndARenewalMovesTheDeadlineFromItsSendInstant() {
        var machine = Self.active()
        #expect(machine.tick(at: Self.s(1.5)) == [])
        #expect(machine.tick(at: Self.s(2)) == [.renew(epoch: 7)])
        // The reply came late (at 4.9 s): the deadline is 2 + 3 s, not 4.9 + 3 s.
        machine.renewed(sentAt: Self.s(2))
        #expect(machine.deadline == Self.s(5))
        #expect(machine.maySend(at: Self.s(4.9)))
        #expect(!machine.maySend(at: Self.s(5)))
    }

    @Test func aLateReplyToAnOlderRenewalNeverMovesTheDeadlineBack() {
        var machine = Self.active()
        _ = machine.tick(at: Self.s(2))
        machine.renewed(sentAt: Self.s(2))
        machine.renewed(sentAt: Self.s(1.5))
        #expect(machine.deadline == Self.s(5))
    }

    @Test func renewalsThatFailDemoteAtTheDeadlineAndNotBefore() {
        var machine = Self.active()
        #expect(machine.tick(at: Self.s(2)) == [.renew(epoch: 7)])
        machine.renewFailed()
        #expect(machine.tick(at: Self.s(3)) == [.renew(epoch: 7)])
        machine.renewFailed()
        #expect(machine.tick(at: Self.s(3.999)) == [])
        #expect(machine.maySend(at: Self.s(3.999)))
        let actions = machine.tick(at: Self.s(4))
        #expect(actions.count == 1)
        guard case .demote = actions.first else { Issue.record("expected a demotion, got \(actions)"); return }
        #expect(!machine.maySend(at: Self.s(4)))
        guard case .demoted = machine.role else { Issue.record("expected demoted"); return }
    }

    @Test func aRenewalThatFindsTheLeaseTakenDemotesAtOnce() {
        var machine = Self.active()
        _ = machine.tick(at: Self.s(2))
        let actions = machine.renewRefused()
        guard case .demote = actions.first else { Issue.record("expected a demotion, got \(actions)"); return }
        #expect(!machine.maySend(at: Self.s(2.1)))
    }

    @Test func aDemotedNodeNeverTriesAgainNorActsOnALateWin() {
        var machine = Self.active()
        _ = machine.tick(at: Self.s(2))
        _ = machine.renewRefused()
        #expect(machine.tick(at: Self.s(10)) == [])
        #expect(machine.acquired(epoch: 9, sentAt: Self.s(10)) == [])
        #expect(!machine.maySend(at: Self.s(10)))
        guard case .demoted = machine.role else { Issue.record("expected demoted"); return }
    }

    @Test func resigningStopsSending() {
        var machine = Self.active()
        guard case .demote = machine.resign().first else { Issue.record("expected a demotion"); return }
        #expect(!machine.maySend(at: Self.s(1.1)))
    }

    /// The active is silent before any other node can win: its deadline (send instant + demote) is before the
    /// lease's expiry (set on the database after that same send, + lease), whatever the renewals' fate.
    @Test func theDeadlineAlwaysFallsBeforeTheLeaseCanExpire() {
        var machine = Self.active()
        var lastSent = Self.s(1)
        var at = Self.s(1)
        for step in 0..<40 {
            at += .milliseconds(250)
            for action in machine.tick(at: at) {
                if case .renew = action {
                    if step % 3 == 0 { machine.renewFailed() } else { machine.renewed(sentAt: at); lastSent = at }
                }
            }
            if machine.maySend(at: at) { #expect(at < lastSent + Self.timings.lease) }
        }
    }

    @Test func timingsThatCannotKeepOneActiveAreRefused() {
        #expect(LeaseTimings().validationError == nil)
        #expect(LeaseTimings(lease: .seconds(3), demoteAfter: .seconds(3)).validationError != nil)
        #expect(LeaseTimings(renewEvery: .seconds(3), demoteAfter: .seconds(3)).validationError != nil)
        #expect(LeaseTimings(renewEvery: .zero).validationError != nil)
    }

    /// The hold on an older epoch's orders in flight counts from the old holder's deadline: after an expired lease
    /// its last send came at least lease - demotion (2 s) before the win, so an 11 s request window is 9 s after
    /// the win; after a release (it stopped as it released) or an unknown cause, the whole window; never negative.
    @Test func anOrderInFlightIsHeldForItsRequestWindowCountedFromTheOldHoldersDeadline() {
        let timings = Self.timings
        #expect(timings.inFlightHold(requestWindow: .seconds(11), cause: "expired") == .seconds(9))
        #expect(timings.inFlightHold(requestWindow: .seconds(11), cause: "released") == .seconds(11))
        #expect(timings.inFlightHold(requestWindow: .seconds(11), cause: nil) == .seconds(11))
        #expect(timings.inFlightHold(requestWindow: .seconds(1), cause: "expired") == .zero)
    }
}
