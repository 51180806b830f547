#if MySQL
import Foundation
import Logging
import NIOPosix
import SokboCore

/// The leader lease and the fenced order commit on MySQL/MariaDB (`../shared/ha-notes.md` §2–3).
///
/// Why a row and not `GET_LOCK`: a named lock belongs to a session, vanishes unnoticed on a reconnect,
/// outlives a dead box until `wait_timeout`, and is not supported on Galera. A row with an epoch survives
/// all of that, and the epoch fences. Every time is the database's (`UTC_TIMESTAMP(3)`, independent of the
/// session's time zone); nodes' clocks are never compared.
///
/// Its own connections and thread, apart from the store's: a long flush must never hold up a renewal. The
/// lease connection renews and acquires; the fence connection commits orders. Short read timeouts, so a
/// hung server surfaces before the active's demotion deadline rather than after it.
public final class MySQLLeaseStore: LeaseStore {
    private let threadPool: NIOThreadPool
    private let leaseSlot: MySQLConnectionSlot
    private let fenceSlot: MySQLConnectionSlot
    private let leaseLock = AsyncLock()
    private let fenceLock = AsyncLock()

    /// The tables, created at `prepare` (HA only: a single node never creates them).
    static let tableStatements = [
        """
        CREATE TABLE IF NOT EXISTS sokbo_lease (
          id TINYINT PRIMARY KEY, holder VARCHAR(160) NOT NULL, epoch BIGINT UNSIGNED NOT NULL,
          expires_at DATETIME(3) NOT NULL, acquired_at DATETIME(3) NOT NULL, renewed_at DATETIME(3) NOT NULL,
          renewals BIGINT UNSIGNED NOT NULL DEFAULT 0, released TINYINT NOT NULL DEFAULT 0,
          previous_holder VARCHAR(160) NOT NULL DEFAULT '', cause VARCHAR(20) NOT NULL DEFAULT ''
        ) ENGINE=InnoDB
        """,
        "INSERT IGNORE INTO sokbo_lease (id, holder, epoch, expires_at, acquired_at, renewed_at) "
            + "VALUES (1, '', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
        """
        CREATE TABLE IF NOT EXISTS sokbo_order_fence (
          order_id VARCHAR(191) PRIMARY KEY, epoch BIGINT UNSIGNED NOT NULL, holder VARCHAR(160) NOT NULL,
          committed_at DATETIME(3) NOT NULL, KEY epoch_idx (epoch)
        ) ENGINE=InnoDB
        """,
    ]

    private init(settings: MySQLSettings, threadPool: NIOThreadPool, logger: Logger) {
        self.threadPool = threadPool
        // Why 2 s: a reply slower than that cannot be trusted to leave the renewal inside the 3 s demotion
        // deadline; the connection is dropped and the next call reconnects.
        let timeouts = MySQLTimeouts(connect: 2, read: 2, write: 2)
        leaseSlot = MySQLConnectionSlot(role: "lease", settings: settings, timeouts: timeouts, logger: logger)
        fenceSlot = MySQLConnectionSlot(role: "fence", settings: settings, timeouts: timeouts, logger: logger)
    }

    /// Opens (nothing connects until the first call).
    public static func open(settings: MySQLSettings, logger: Logger) throws -> MySQLLeaseStore {
        try MySQLLibrary.ensureInitialized()
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return MySQLLeaseStore(settings: settings, threadPool: pool, logger: logger)
    }

    /// Closes the connections and stops the thread.
    public func close() async throws {
        let lease = leaseSlot, fence = fenceSlot
        _ = try? await threadPool.runIfActive {
            lease.close()
            fence.close()
        }
        try await threadPool.shutdownGracefully()
    }

    // MARK: - Lease

    /// Creates the tables and the lease row when missing.
    public func prepare() async throws {
        try await onLease("prepare lease tables") { connection in
            for statement in Self.tableStatements { try connection.execute(statement) }
        }
    }

    /// One conditional `UPDATE`: the lease is taken only when it has expired on the database's clock; the
    /// new epoch comes back through `LAST_INSERT_ID(expr)` on the same connection. Assignments run left to
    /// right, so the previous holder and the cause are read before they are overwritten.
    public func acquire(holder: String, lease: Duration) async throws -> UInt64? {
        try await onLease("acquire lease") { connection in
            let won = try connection.run("""
                UPDATE sokbo_lease SET previous_holder = holder,
                  cause = IF(epoch = 0, 'first', IF(released = 1, 'released', 'expired')),
                  holder = ?, epoch = LAST_INSERT_ID(epoch + 1),
                  expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND,
                  acquired_at = UTC_TIMESTAMP(3), renewed_at = UTC_TIMESTAMP(3), renewals = 0, released = 0
                WHERE id = 1 AND expires_at < UTC_TIMESTAMP(3)
                """, [.text(holder), .integer(Self.microseconds(lease))])
            guard won == 1 else { return nil }
            let epoch = try connection.query("SELECT CAST(LAST_INSERT_ID() AS SIGNED)", []).first?.values.first?.integer
            return epoch.map { UInt64($0) }
        }
    }

    /// Extends an unexpired lease still held at `epoch`. `renewals` always changes, so a renewal within the
    /// same millisecond still counts one affected row.
    public func renew(holder: String, epoch: UInt64, lease: Duration) async throws -> Bool {
        try await onLease("renew lease") { connection in
            try connection.run("""
                UPDATE sokbo_lease SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND,
                  renewed_at = UTC_TIMESTAMP(3), renewals = renewals + 1
                WHERE id = 1 AND holder = ? AND epoch = ? AND expires_at >= UTC_TIMESTAMP(3)
                """, [.integer(Self.microseconds(lease)), .text(holder), .integer(Int64(epoch))]) == 1
        }
    }

    /// Expires the lease now, marked released, when still ours.
    public func release(holder: String, epoch: UInt64) async throws {
        try await onLease("release lease") { connection in
            _ = try connection.run("""
                UPDATE sokbo_lease SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MICROSECOND, released = 1
                WHERE id = 1 AND holder = ? AND epoch = ?
                """, [.text(holder), .integer(Int64(epoch))])
        }
    }

    /// The row, with its times as ages on the database's clock.
    public func read() async throws -> LeaseRecord {
        try await onLease("read lease") { connection in
            let rows = try connection.query("""
                SELECT holder, CAST(epoch AS SIGNED),
                  TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), expires_at) DIV 1000,
                  TIMESTAMPDIFF(MICROSECOND, renewed_at, UTC_TIMESTAMP(3)) DIV 1000,
                  TIMESTAMPDIFF(MICROSECOND, acquired_at, UTC_TIMESTAMP(3)) DIV 1000,
                  previous_holder, cause
                FROM sokbo_lease WHERE id = 1
                """, [])
            guard let row = rows.first, row.values.count == 7 else {
                throw MySQLError(code: 0, message: "no lease row; call prepare first", context: "read lease")
            }
            let v = row.values
            return LeaseRecord(holder: v[0].text ?? "", epoch: UInt64(max(0, v[1].integer ?? 0)),
                               expiresInMs: v[2].integer ?? 0, renewedAgoMs: v[3].integer ?? 0, acquiredAgoMs: v[4].integer ?? 0,
                               previousHolder: v[5].text ?? "", cause: v[6].text ?? "")
        }
    }

    // MARK: - Fence

    /// `START TRANSACTION; SELECT … LOCK IN SHARE MODE` (a takeover's `UPDATE` waits for this commit, and this
    /// commit waits for a takeover in progress); the order's fence row (its id is the primary key: a second
    /// commit of the same order fails) and its `orders` row; `COMMIT`. Only after that may the broker be called.
    /// A deadlock or lock timeout (1213, 1205) at any step, the commit included, is "not committed": not sent.
    public func commitFenced(orderID: String, row: Row, holder: String, epoch: UInt64) async throws {
        let upsert = SQLDialect.mysql.upsert(into: Table.orders.schema)
        try await onFence("fenced commit") { connection in
            try connection.transaction {
                let lease = try connection.query("""
                    SELECT holder, CAST(epoch AS SIGNED), expires_at > UTC_TIMESTAMP(3)
                    FROM sokbo_lease WHERE id = 1 LOCK IN SHARE MODE
                    """, [])
                guard let values = lease.first?.values, values.count == 3 else {
                    throw FenceRefusal(.notHolder, "no lease row")
                }
                let seenHolder = values[0].text ?? "", seenEpoch = values[1].integer ?? -1
                guard seenHolder == holder, seenEpoch == Int64(epoch) else {
                    throw FenceRefusal(.notHolder, "held by \(seenHolder) at epoch \(seenEpoch); ours was \(epoch)")
                }
                guard values[2].integer == 1 else { throw FenceRefusal(.expired, "epoch \(epoch)") }
                do {
                    _ = try connection.run(
                        "INSERT INTO sokbo_order_fence (order_id, epoch, holder, committed_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
                        [.text(orderID), .integer(Int64(epoch)), .text(holder)])
                } catch let error as MySQLError where error.code == 1062 {
                    throw FenceRefusal(.alreadyCommitted, orderID)
                }
                _ = try connection.run(upsert, row.values)
            }
        }
    }

    /// Older epochs' orders whose row still says `intent` or `submitted`.
    public func inFlight(before epoch: UInt64) async throws -> [String] {
        try await onFence("in-flight orders") { connection in
            try connection.query("""
                SELECT f.order_id FROM sokbo_order_fence f JOIN orders o ON o.id = f.order_id
                WHERE f.epoch < ? AND o.state IN ('intent', 'submitted')
                """, [.integer(Int64(epoch))]).compactMap { $0.values.first?.text }
        }
    }

    /// The epochs of the given orders' fenced commits.
    public func epochs(of orderIDs: [String]) async throws -> [String: UInt64] {
        guard !orderIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: orderIDs.count).joined(separator: ", ")
        return try await onFence("order epochs") { connection in
            var epochs: [String: UInt64] = [:]
            for row in try connection.query("SELECT order_id, CAST(epoch AS SIGNED) FROM sokbo_order_fence WHERE order_id IN (\(marks))",
                                             orderIDs.map { .text($0) }) {
                if let id = row.values.first?.text, let epoch = row.values.last?.integer { epochs[id] = UInt64(epoch) }
            }
            return epochs
        }
    }

    // MARK: - Internal (tests and maintenance)

    /// Runs one statement on the lease connection; returns the affected rows.
    func rawRun(_ sql: String, _ binds: [SQLValue] = []) async throws -> Int {
        try await onLease(MySQLConnection.summary(sql)) { try $0.run(sql, binds) }
    }

    // MARK: - Helpers

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    private func onLease<T: Sendable>(_ context: String, _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        try await leaseLock.withLock { try await self.run(self.leaseSlot, context, body) }
    }

    private func onFence<T: Sendable>(_ context: String, _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        try await fenceLock.withLock { try await self.run(self.fenceSlot, context, body) }
    }

    private func run<T: Sendable>(_ slot: MySQLConnectionSlot, _ context: String,
                                  _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        do {
            return try await threadPool.runIfActive { try slot.withConnection(context, body) }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw MySQLError.closed(context)
        }
    }
}
#endif
