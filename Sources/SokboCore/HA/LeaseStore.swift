/// The lease row and the fenced order commit, in a database every node shares (MySQL/MariaDB). Every
/// time is judged on the database's clock, never on a node's.
public protocol LeaseStore: Sendable {
    /// Creates the lease and fence tables when missing, and the lease row (epoch 0, expired).
    func prepare() async throws
    /// Takes the lease when it has expired on the database's clock, with a new epoch (the old one plus 1).
    /// Returns the new epoch, or nil when another node holds an unexpired lease.
    func acquire(holder: String, lease: Duration) async throws -> UInt64?
    /// Extends the lease held by `holder` at `epoch`; false when it is no longer theirs or has expired.
    func renew(holder: String, epoch: UInt64, lease: Duration) async throws -> Bool
    /// Lets the lease expire now, when `holder` still holds it at `epoch` (graceful shutdown).
    func release(holder: String, epoch: UInt64) async throws
    /// The lease row as it stands, with ages computed on the database's clock.
    func read() async throws -> LeaseRecord
    /// Commits an order's row with `epoch`, in one transaction that first checks, under a shared lock on the
    /// lease row, that `holder` still holds it at `epoch` and it has not expired. An order id is committed at
    /// most once, whatever the epoch. Throws `FenceRefusal` when the order must not be sent.
    func commitFenced(orderID: String, row: Row, holder: String, epoch: UInt64) async throws
    /// Orders committed under an epoch before `epoch` that are still in flight (`intent` or `submitted`).
    func inFlight(before epoch: UInt64) async throws -> [String]
    /// The epoch each given order was committed under (orders with no fenced commit are left out).
    func epochs(of orderIDs: [String]) async throws -> [String: UInt64]
    /// Closes the connections; later calls throw.
    func close() async throws
}

/// The lease row, read with the database's clock.
public struct LeaseRecord: Sendable, Equatable, Codable {
    /// Who holds (or last held) it: the node name and a per-start id.
    public var holder: String
    /// The epoch, raised by every acquisition.
    public var epoch: UInt64
    /// Milliseconds until it expires (negative: expired), on the database's clock.
    public var expiresInMs: Int64
    /// Milliseconds since it was last renewed (or acquired).
    public var renewedAgoMs: Int64
    /// Milliseconds since it was acquired at this epoch.
    public var acquiredAgoMs: Int64
    /// The holder before this one.
    public var previousHolder: String
    /// Why it changed hands: `first` (never held), `expired` (the holder stopped renewing), `released`.
    public var cause: String

    /// Creates a record.
    public init(holder: String, epoch: UInt64, expiresInMs: Int64, renewedAgoMs: Int64, acquiredAgoMs: Int64,
                previousHolder: String, cause: String) {
        self.holder = holder
        self.epoch = epoch
        self.expiresInMs = expiresInMs
        self.renewedAgoMs = renewedAgoMs
        self.acquiredAgoMs = acquiredAgoMs
        self.previousHolder = previousHolder
        self.cause = cause
    }
}

/// Why a fenced commit refused an order: it is not sent.
public struct FenceRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: String, Sendable, Equatable {
        /// Another node holds the lease now (a newer epoch), or none does.
        case notHolder = "not the lease holder"
        /// The lease expired on the database's clock.
        case expired = "the lease expired"
        /// This order id was committed before (by this node or another).
        case alreadyCommitted = "already committed"
        /// The node's own deadline passed (no renewal in time): it no longer acts.
        case demoted = "this node is not active"
    }

    /// The reason.
    public var reason: Reason
    /// Details (the holder and epoch seen).
    public var detail: String

    /// Creates a refusal.
    public init(_ reason: Reason, _ detail: String = "") {
        self.reason = reason
        self.detail = detail
    }

    /// `fenced: … (…)`.
    public var description: String { "fenced: \(reason.rawValue)" + (detail.isEmpty ? "" : " (\(detail))") }
}

/// The engine's hook at the point of harm: an order's row is committed through it, before the broker is
/// called; when it throws, the order is not sent. Absent on a single node, where nothing changes.
public protocol OrderFence: Sendable {
    /// Commits the order's row under the current epoch, or throws (`FenceRefusal`, or a database error).
    func commit(orderID: String, row: Row) async throws
    /// Whether reconciliation may read the broker about `orderID` now: false while a request an older epoch's
    /// node wrote for it may still reach the venue (a read then could miss it, and settle it as never placed).
    func mayReconcile(orderID: String) -> Bool
    /// Whether this node may still write an order's state to the shared database: false once it no longer acts
    /// (the active node's reconciliation owns the row then).
    func mayWriteOrders() -> Bool
}

extension OrderFence {
    /// Always: nothing of an older epoch is in flight.
    public func mayReconcile(orderID: String) -> Bool { true }
    /// Always.
    public func mayWriteOrders() -> Bool { true }
}
