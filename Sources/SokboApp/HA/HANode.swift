import Foundation
import Logging
import ServiceLifecycle
import SokboCore
import Synchronization

/// This node's part in active/standby (`SOKBO_HA=on`): runs the lease (`LeaseMachine`) against the shared
/// database, gates every order behind it (`OrderFence`, `maySend`), holds back the reconciliation of older
/// epochs' orders still in flight when it wins (`mayReconcile`), and ends the process when it loses the lease.
///
/// Why end the process on demotion rather than step back to standby in place: every service that touched
/// the venue (the realtime socket, the engine's tasks, the pacers and the token) stops with it, and nothing
/// of the old epoch's state can leak into a later one. A supervisor (systemd `Restart=always`) starts it
/// again as a standby.
public final class HANode: Service, OrderFence, Sendable {
    /// What `/api/status` (`ha`) shows.
    public struct Status: Sendable, Codable, Equatable {
        /// This node's name (`SOKBO_NODE_NAME`).
        public var node: String
        /// This process's holder id in the lease row: the node's name and a per-start id.
        public var holder: String
        /// `starting`, `standby`, `takeover` (won, barrier running), `active` or `demoted`.
        public var role: String
        /// The lease's epoch as last seen (this node's, while it holds it).
        public var epoch: UInt64
        /// The node holding the lease as last seen (its name), nil when none does.
        public var activeNode: String?
        /// Milliseconds since the lease was last renewed (database clock; the active counts from its own last success).
        public var leaseAgeMs: Int64?
        /// The last takeover this node made.
        public var lastTakeover: Takeover?
        /// Why this node stopped acting, once it did.
        public var demotedCause: String?
    }

    /// A takeover: when, at what epoch, why, from whom, and what the barrier did.
    public struct Takeover: Sendable, Codable, Equatable {
        /// When the lease was won.
        public var at: Date
        /// The new epoch.
        public var epoch: UInt64
        /// `first` (never held), `expired` (the holder stopped renewing) or `released` (it shut down).
        public var cause: String
        /// The node that held it before, if any.
        public var previousNode: String?
        /// Older epochs' orders still in flight at the takeover (made unknown, then reconciled).
        public var inFlightOrders: Int
        /// Milliseconds the node waited after winning before it traded: 0, as it trades at once (the orders in
        /// flight wait alone, `inFlightHoldMs`).
        public var barrierWaitMs: Int
        /// Milliseconds after the win during which the orders in flight were not read at the broker (an old
        /// request could still land): the old active's order timeout plus a second, counted from its deadline.
        public var inFlightHoldMs: Int = 0
        /// When that hold ends (nil with nothing in flight).
        public var inFlightHeldUntil: Date? = nil
    }

    /// Thrown from `run` once the lease is lost, so the process ends.
    public struct Demoted: Error, CustomStringConvertible {
        /// Why.
        public let cause: String
        /// `lost the lease: …`.
        public var description: String { "lost the lease: \(cause); this node no longer trades (restart it as a standby)" }
    }

    /// Older epochs' orders whose reconciliation waits until `until` (on this node's clock); `orders` nil: every
    /// order (the in-flight ones could not be read).
    private struct Hold {
        var orders: Set<String>?
        var until: Duration
    }

    private struct State {
        var machine: LeaseMachine
        var status: Status
        var lastSuccess: Duration?
        var lastError: String?
        var hold: Hold?
    }

    /// This node's name.
    public let nodeName: String
    /// The holder id written in the lease row.
    public let holder: String
    let store: any LeaseStore
    let timings: LeaseTimings
    /// How long an order request of the old active may still be out (its order timeout, plus a second).
    let barrierWait: Duration
    let logger: Logger
    private let origin = ContinuousClock.now
    private let state: Mutex<State>
    private let ready = SetOnce<UInt64>()
    private let onDemote: @Sendable (String) -> Void

    /// Creates the node. `barrierWait` is the old active's longest order request (`KIWOOM_ORDER_TIMEOUT_MS`)
    /// plus a margin; `onDemote` runs once when the lease is lost (after sending has stopped).
    public init(nodeName: String, store: any LeaseStore, timings: LeaseTimings, barrierWait: Duration, logger: Logger,
                onDemote: @escaping @Sendable (String) -> Void = { _ in }) {
        self.nodeName = nodeName
        self.holder = nodeName + "#" + UUID().uuidString.prefix(8).lowercased()
        self.store = store
        self.timings = timings
        self.barrierWait = barrierWait
        self.logger = logger
        self.onDemote = onDemote
        let status = Status(node: nodeName, holder: holder, role: "starting", epoch: 0)
        state = Mutex(State(machine: LeaseMachine(timings: timings, start: .zero), status: status))
    }

    private var now: Duration { ContinuousClock.now - origin }

    // MARK: - Gate

    /// True while this node may send: it holds the lease and its deadline has not passed.
    public func maySend() -> Bool {
        let at = now
        return state.withLock { $0.machine.maySend(at: at) }
    }

    /// Waits until this node is active and its takeover barrier is done; returns the epoch.
    public func waitUntilActive() async throws -> UInt64 { try await ready.wait() }

    /// The status.
    public func status() -> Status {
        let at = now
        return state.withLock { state in
            var status = state.status
            if case .active = state.machine.role, let last = state.lastSuccess {
                status.leaseAgeMs = Int64((at - last).milliseconds)
            }
            return status
        }
    }

    /// When this node is not the active one: who is (for 503 answers); nil on the active.
    public func standbyAnswer() -> String? {
        let status = status()
        guard status.role != "active" else { return nil }
        let active = status.activeNode.map { "the active node is \($0)" } ?? "no node holds the lease now"
        return "this node (\(nodeName)) is \(status.role == "takeover" ? "taking over" : status.role): \(active)"
    }

    // MARK: - OrderFence

    /// Commits an order's row under this node's epoch, or refuses it.
    public func commit(orderID: String, row: Row) async throws {
        let at = now
        let epoch: UInt64? = state.withLock { state in
            guard case .active(let epoch) = state.machine.role, state.machine.maySend(at: at) else { return nil }
            return epoch
        }
        guard let epoch else { throw FenceRefusal(.demoted, nodeName) }
        try await store.commitFenced(orderID: orderID, row: row, holder: holder, epoch: epoch)
    }

    /// False for an older epoch's order in flight at the takeover until its request can no longer land.
    public func mayReconcile(orderID: String) -> Bool {
        let at = now
        return state.withLock { state in
            guard let hold = state.hold, at < hold.until else { return true }
            return !(hold.orders?.contains(orderID) ?? true)
        }
    }

    /// True while this node may send (`maySend`): a node that stopped acting leaves every order row as it is.
    public func mayWriteOrders() -> Bool { maySend() }

    // MARK: - Running

    /// Prepares the tables, then tries for, holds and renews the lease until shutdown; throws `Demoted` when
    /// the lease is lost. At graceful shutdown the active stops sending and releases the lease, so a
    /// standby can take over at once.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await store.prepare()
                break
            } catch {
                logger.error("cannot prepare the lease tables; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        state.withLock { $0.status.role = "standby" }
        let step = min(timings.renewEvery, timings.acquireEvery, .milliseconds(100)) / 2
        var demotion: String?
        // Why unstructured tasks rather than a task group: a renewal hung on a blackholed database (its read
        // timeout, then a reconnect's) must not hold up the demotion, whose end of the process closes the
        // venue sessions. The machine allows one call out at a time; a late outcome finds it demoted.
        var call: Task<Void, Never>?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let at = now
            let actions = state.withLock { $0.machine.tick(at: at) }
            for action in actions {
                switch action {
                case .acquire:
                    call = Task { await self.acquire() }
                case .renew(let epoch):
                    call = Task { await self.renew(epoch) }
                case .promote, .demote:
                    break
                }
            }
            if let cause = demotedCause() {
                demotion = cause
                break
            }
            try? await Task.sleep(for: step)
        }
        if let demotion {
            onDemote(demotion)
            // Not awaited: closing waits for a hung call's thread, and the process is ending.
            let store = store
            Task { try? await store.close() }
            throw Demoted(cause: demotion)
        }
        // At shutdown the call out is cancelled and awaited: an acquire that wins the lease now is released
        // below at once, rather than left to expire.
        call?.cancel()
        await call?.value
        await resign()
        try? await store.close()
    }

    private func demotedCause() -> String? {
        state.withLock { state in
            guard case .demoted(let cause) = state.machine.role else { return nil }
            if state.status.role != "demoted" {
                state.status.role = "demoted"
                state.status.demotedCause = cause
                logger.critical("lease lost: this node stops sending", metadata: ["cause": "\(cause)", "node": "\(nodeName)"])
            }
            return cause
        }
    }

    private func acquire() async {
        let sentAt = now
        do {
            if let epoch = try await store.acquire(holder: holder, lease: timings.lease) {
                let promoted = state.withLock { state -> Bool in
                    state.lastSuccess = sentAt
                    return !state.machine.acquired(epoch: epoch, sentAt: sentAt).isEmpty
                }
                if promoted {
                    // The wall time first: the hold's end shown (`inFlightHeldUntil`) is then never later than the one kept.
                    let wonDate = Date()
                    await takeOver(epoch, wonAt: now, wonDate: wonDate)
                }
                return
            }
            state.withLock { $0.machine.acquireFailed() }
            if let record = try? await store.read() { seen(record) }
        } catch {
            state.withLock { $0.machine.acquireFailed() }
            noteError("cannot try for the lease", error)
        }
    }

    private func renew(_ epoch: UInt64) async {
        let sentAt = now
        do {
            let held = try await store.renew(holder: holder, epoch: epoch, lease: timings.lease)
            state.withLock { state in
                if held {
                    state.machine.renewed(sentAt: sentAt)
                    state.lastSuccess = sentAt
                } else {
                    _ = state.machine.renewRefused()
                }
            }
        } catch {
            state.withLock { $0.machine.renewFailed() }
            noteError("cannot renew the lease", error)
        }
    }

    /// The takeover: older epochs' orders still in flight are read; the node trades at once (its engine's start
    /// makes them unknown, and an unknown order already keeps its headline from a second entry and its position
    /// from a second exit), but their reconciliation with the broker is held (`mayReconcile`) until none of the
    /// old active's requests can still land (`LeaseTimings.inFlightHold`, counted from `wonAt`, when the winning
    /// `UPDATE` had returned): a read before then could miss such a request and settle its order as never placed.
    private func takeOver(_ epoch: UInt64, wonAt: Duration, wonDate: Date) async {
        let record = try? await store.read()
        state.withLock { state in
            state.status.role = "takeover"
            state.status.epoch = epoch
            state.status.activeNode = nodeName
        }
        var held: Set<String>?
        var inFlightCount = 0
        do {
            let inFlight = try await store.inFlight(before: epoch)
            inFlightCount = inFlight.count
            held = Set(inFlight)
        } catch {
            // Not knowing is treated as the worst case: every order's reconciliation waits.
            held = nil
            noteError("cannot read older epochs' orders in flight; every order's reconciliation waits out the order timeout", error)
        }
        let holding = held.map { !$0.isEmpty } ?? true
        let hold = holding ? timings.inFlightHold(requestWindow: barrierWait, cause: record?.cause) : .zero
        logger.warning("lease won: taking over", metadata: [
            "epoch": "\(epoch)", "cause": "\(record?.cause ?? "?")", "previous": "\(record?.previousHolder ?? "")",
            "in_flight": "\(inFlightCount)", "in_flight_hold_ms": "\(Int(hold.milliseconds))"])
        guard maySend() else { return }
        state.withLock { state in
            if hold > .zero { state.hold = Hold(orders: held, until: wonAt + hold) }
            state.status.role = "active"
            state.status.lastTakeover = Takeover(
                at: wonDate, epoch: epoch, cause: record?.cause ?? "unknown", previousNode: record.flatMap { Self.nodeName(of: $0.previousHolder) },
                inFlightOrders: inFlightCount, barrierWaitMs: 0, inFlightHoldMs: Int(hold.milliseconds),
                inFlightHeldUntil: hold > .zero ? wonDate.addingTimeInterval(hold.seconds) : nil)
        }
        _ = ready.set(epoch)
    }

    private func resign() async {
        let epoch: UInt64? = state.withLock { state in
            guard case .active(let epoch) = state.machine.role else { return nil }
            _ = state.machine.resign()
            state.status.role = "demoted"
            state.status.demotedCause = "shut down"
            return epoch
        }
        guard let epoch else { return }
        do {
            try await store.release(holder: holder, epoch: epoch)
            logger.notice("lease released at shutdown", metadata: ["epoch": "\(epoch)"])
        } catch {
            logger.warning("cannot release the lease; it expires on its own", metadata: ["error": "\(error)"])
        }
    }

    private func seen(_ record: LeaseRecord) {
        state.withLock { state in
            state.status.epoch = record.epoch
            state.status.activeNode = record.expiresInMs > 0 ? Self.nodeName(of: record.holder) : nil
            state.status.leaseAgeMs = record.renewedAgoMs
        }
    }

    private func noteError(_ message: String, _ error: any Error) {
        let text = "\(error)"
        let repeated = state.withLock { state -> Bool in
            defer { state.lastError = text }
            return state.lastError == text
        }
        if repeated { logger.debug("\(message)", metadata: ["error": "\(text)"]) } else { logger.warning("\(message)", metadata: ["error": "\(text)"]) }
    }

    /// The node name of a holder id (`name#start-id`).
    static func nodeName(of holder: String) -> String? {
        guard !holder.isEmpty else { return nil }
        return holder.split(separator: "#", maxSplits: 1).first.map(String.init) ?? holder
    }
}
