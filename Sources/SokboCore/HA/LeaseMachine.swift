/// When a node tries for the lease, renews it, and stops acting: a state machine with no I/O and no clock
/// of its own. Each event carries the monotonic instant it happened at (any origin, one per process); the
/// shell performs the actions it returns and reports their outcome as the next event.
///
/// States:
/// - `standby`: tries to acquire every `acquireEvery`; can become `active` (won) and nothing else.
/// - `active(epoch)`: renews every `renewEvery`; may act until `deadline` (the last successful renewal's
///   *send* instant plus `demoteAfter`); becomes `demoted` when that passes or a renewal finds the lease
///   taken.
/// - `demoted`: terminal. A node that lost the lease never acts again in this process; it must be started
///   anew, as a standby, and win the lease again (a new epoch).
public struct LeaseMachine: Sendable, Equatable {
    /// Where the node stands.
    public enum Role: Sendable, Equatable {
        /// Not holding the lease; touches no venue session.
        case standby
        /// Holding the lease at this epoch.
        case active(epoch: UInt64)
        /// Lost the lease; acts no more.
        case demoted(cause: String)
    }

    /// What the shell should do.
    public enum Action: Sendable, Equatable {
        /// Try to take the lease (a conditional update on the database's clock).
        case acquire
        /// Renew the lease held at this epoch.
        case renew(epoch: UInt64)
        /// The lease was won at this epoch: read the orders in flight, then trade.
        case promote(epoch: UInt64)
        /// Stop sending at once and close the venue sessions.
        case demote(cause: String)
    }

    /// The timings.
    public let timings: LeaseTimings
    /// The current role.
    public private(set) var role: Role = .standby
    /// Until when the active may act (monotonic); nil unless active.
    public private(set) var deadline: Duration?
    /// When the next acquire or renew is due.
    private var nextAttempt: Duration
    /// True while an acquire or renew is out (one at a time).
    private var attemptOut = false

    /// Starts as a standby whose first attempt is due at `start`.
    public init(timings: LeaseTimings, start: Duration) {
        self.timings = timings
        self.nextAttempt = start
    }

    /// True while this node may send orders: active and before its deadline.
    public func maySend(at now: Duration) -> Bool {
        guard case .active = role, let deadline else { return false }
        return now < deadline
    }

    /// The clock moved on: what is due now.
    public mutating func tick(at now: Duration) -> [Action] {
        switch role {
        case .demoted:
            return []
        case .active(let epoch):
            if let deadline, now >= deadline {
                return demote("no successful lease renewal for \(timings.demoteAfter) (database unreachable or slow)")
            }
            guard !attemptOut, now >= nextAttempt else { return [] }
            attemptOut = true
            nextAttempt = now + timings.renewEvery
            return [.renew(epoch: epoch)]
        case .standby:
            guard !attemptOut, now >= nextAttempt else { return [] }
            attemptOut = true
            nextAttempt = now + timings.acquireEvery
            return [.acquire]
        }
    }

    /// An acquire sent at `sentAt` won the lease at `epoch`.
    public mutating func acquired(epoch: UInt64, sentAt: Duration) -> [Action] {
        attemptOut = false
        guard case .standby = role else { return [] }
        role = .active(epoch: epoch)
        deadline = sentAt + timings.demoteAfter
        nextAttempt = sentAt + timings.renewEvery
        return [.promote(epoch: epoch)]
    }

    /// An acquire found the lease held by another node, or failed: try again at the next interval.
    public mutating func acquireFailed() {
        attemptOut = false
    }

    /// A renewal sent at `sentAt` succeeded: the deadline moves to `sentAt + demoteAfter` (never back).
    public mutating func renewed(sentAt: Duration) {
        attemptOut = false
        guard case .active = role else { return }
        deadline = max(deadline ?? sentAt, sentAt + timings.demoteAfter)
    }

    /// A renewal could not reach the database: nothing changes; the deadline will demote if none succeeds.
    public mutating func renewFailed() {
        attemptOut = false
    }

    /// A renewal found the lease no longer ours (another epoch, or expired on the database's clock).
    public mutating func renewRefused() -> [Action] {
        attemptOut = false
        guard case .active = role else { return [] }
        return demote("the lease was taken by another node or expired on the database's clock")
    }

    /// Gives up the lease on purpose (graceful shutdown): stop acting now.
    public mutating func resign() -> [Action] {
        guard case .active = role else { return [] }
        return demote("shutting down")
    }

    private mutating func demote(_ cause: String) -> [Action] {
        role = .demoted(cause: cause)
        deadline = nil
        return [.demote(cause: cause)]
    }
}
