import AsyncAlgorithms
import Foundation
import Logging
import ServiceLifecycle
import SokboCore

/// Drains the row buffer on a schedule and writes each table's rows as one idempotent transaction.
///
/// A failed write puts the drained rows back at the front of the buffer and backs off (doubling from
/// the interval up to `maximumBackoff`); rows over the buffer's capacity go to the spill file. On
/// graceful shutdown it flushes once more and, if the database still refuses, spills what is left so
/// the next start writes it. Flushes never overlap: scheduled, on-demand and final flushes queue.
///
/// A write the store refuses because of the rows themselves (`RowRejectingError`: a null in a NOT NULL
/// column, a value out of range) is not retried: the batch is halved until the offending rows are found, the
/// rest is written, and those rows go to the rejected-rows file, counted and logged, for a person to look at.
public final class FlushService: Service, Sendable {
    /// What one flush did.
    public struct Report: Sendable, Codable {
        /// When it finished.
        public var at: Date
        /// New rows written (rows already present are not counted).
        public var rows: Int
        /// Rows taken from the buffer and spill file.
        public var attempted: Int
        /// Wall time in milliseconds.
        public var durationMs: Double
        /// The error, when it failed.
        public var error: String?
    }

    /// A point-in-time view for `/api/status`.
    public struct Status: Sendable, Codable {
        /// The last successful flush.
        public var lastFlush: Report?
        /// The last failure (kept after recovery so the incident stays visible).
        public var lastError: Report?
        /// Failures in a row; zero when healthy.
        public var consecutiveFailures: Int
        /// New rows written since start.
        public var rowsWritten: Int
        /// Rows waiting in the spill file.
        public var spilledRows: Int
        /// Rows the database refused for their values since start, set aside in the rejected-rows file.
        public var rejectedRows: Int
        /// The flush interval in milliseconds.
        public var intervalMs: Int
    }

    private let buffer: RowBuffer
    private let store: any Store
    private let spill: SpillFile
    private let rejected: SpillFile?
    private let interval: Duration
    private let maximumBackoff: Duration
    private let logger: Logger
    private let state = FlushState()
    private let lock = AsyncLock()
    private let observer: (@Sendable (Report) -> Void)?

    /// Creates the service; `interval` is `SOKBO_FLUSH_INTERVAL_MS`; `observer` sees every flush (metrics);
    /// `rejected` keeps the rows the database refuses for their values (without it they are only logged).
    public init(buffer: RowBuffer, store: any Store, spill: SpillFile, rejected: SpillFile? = nil, interval: Duration,
                maximumBackoff: Duration = .seconds(5), logger: Logger, observer: (@Sendable (Report) -> Void)? = nil) {
        self.observer = observer
        self.buffer = buffer
        self.store = store
        self.spill = spill
        self.rejected = rejected
        self.interval = interval
        self.maximumBackoff = maximumBackoff
        self.logger = logger
    }

    /// Ticks every interval until graceful shutdown, then flushes one last time.
    public func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            if await state.mayAttempt(now: .now) {
                await flush()
            }
        }
        // Shielded from cancellation: an unstructured task does not inherit it, so if the group runs out
        // of shutdown time and cancels us, the last rows still reach the database or the spill file.
        await Task { await self.finalFlush() }.value
    }

    /// Flushes now (waiting for a flush already under way, then writing what came since).
    @discardableResult
    public func flush() async -> Report {
        let report = await lock.withLock { await self.performFlush() }
        observer?(report)
        return report
    }

    /// Current figures.
    public func status() async -> Status {
        await state.snapshot(spilledRows: await spill.rowCount, intervalMs: Int(interval.milliseconds))
    }

    // MARK: - Internals

    private func performFlush() async -> Report {
        let started = ContinuousClock.now
        var batch = await buffer.drain()
        // Rows a previous failure or a previous run spilled are retried with each flush.
        var fromSpill: [Table: [Row]] = [:]
        var unreadable = 0
        if await spill.rowCount > 0 {
            do {
                (fromSpill, unreadable) = try await spill.load()
                if unreadable > 0 {
                    logger.error("spill file has unreadable lines; they will be kept aside", metadata: ["lines": "\(unreadable)"])
                }
            } catch {
                logger.error("cannot read spill file", metadata: ["error": "\(error)"])
            }
        }
        let attempted = batch.values.reduce(0) { $0 + $1.count } + fromSpill.values.reduce(0) { $0 + $1.count }
        var written = 0
        var done: Set<Table> = []
        do {
            for table in Table.buffered {
                let rows = (fromSpill[table] ?? []) + (batch[table] ?? [])
                if !rows.isEmpty {
                    written += try await insertSettingAside(rows[...], into: table)
                }
                done.insert(table)
            }
            if !fromSpill.isEmpty || unreadable > 0 {
                try await spill.clear(keepingUnreadable: unreadable > 0)
            }
            let report = Report(at: Date(), rows: written, attempted: attempted,
                                durationMs: started.duration(to: .now).milliseconds, error: nil)
            await state.succeeded(report)
            return report
        } catch {
            // Tables written before the failure stay written; the rest go back to the front of the buffer.
            // Spilled rows stay in the spill file (not cleared), so they are not requeued twice.
            for table in done { batch[table] = nil }
            await buffer.requeue(batch)
            let excess = await buffer.takeExcess()
            if !excess.isEmpty {
                do {
                    try await spill.append(excess)
                } catch let spillError {
                    await buffer.requeue(excess)
                    logger.critical("cannot spill to disk; rows stay in memory", metadata: ["error": "\(spillError)"])
                }
            }
            let report = Report(at: Date(), rows: written, attempted: attempted,
                                durationMs: started.duration(to: .now).milliseconds, error: String(describing: error))
            let failures = await state.failed(report, interval: interval, maximumBackoff: maximumBackoff)
            let pending = await buffer.count
            logger.warning("flush failed; rows kept for retry", metadata: [
                "error": "\(error)", "failures": "\(failures)", "pending": "\(pending)"])
            return report
        }
    }

    /// Inserts; when the store refuses the rows' values, halves the batch until the refused rows are alone,
    /// writes the rest and sets those aside. Any other error propagates (an outage: the flush retries).
    private func insertSettingAside(_ rows: ArraySlice<Row>, into table: Table) async throws -> Int {
        do {
            return try await store.insert(Array(rows), into: table)
        } catch let error as any RowRejectingError where error.rejectsRows {
            guard rows.count > 1 else {
                await setAside(rows[rows.startIndex], from: table, error: error)
                return 0
            }
            let middle = rows.startIndex + rows.count / 2
            let first = try await insertSettingAside(rows[..<middle], into: table)
            return try await first + insertSettingAside(rows[middle...], into: table)
        }
    }

    private func setAside(_ row: Row, from table: Table, error: any Error) async {
        await state.rejected(1)
        logger.error("the database refused a row's values; set aside, not retried", metadata: [
            "table": "\(table.rawValue)", "key": "\(row.values.first.map { "\($0)" } ?? "")", "error": "\(error)",
            "file": "\(rejected?.path ?? "none")"])
        guard let rejected else { return }
        do {
            try await rejected.append([table: [row]])
        } catch {
            logger.critical("cannot write the rejected-rows file; the row is only in this log",
                            metadata: ["table": "\(table.rawValue)", "row": "\(row.values)", "error": "\(error)"])
        }
    }

    private func finalFlush() async {
        // A few quick attempts (the database may be restarting), then spill what is left.
        for attempt in 0..<3 {
            let report = await flush()
            if report.error == nil, await buffer.count == 0 { return }
            if report.error == nil { continue }
            try? await Task.sleep(for: .milliseconds(200 * (attempt + 1)))
        }
        await lock.withLock {
            let rest = await self.buffer.drain()
            do {
                try await self.spill.append(rest)
                self.logger.error("database unavailable at shutdown; rows spilled for the next start",
                                  metadata: ["rows": "\(rest.values.reduce(0) { $0 + $1.count })", "file": "\(self.spill.path)"])
            } catch {
                await self.buffer.requeue(rest)
                self.logger.critical("database and spill file both failed at shutdown", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The flush service's mutable figures.
private actor FlushState {
    private var lastFlush: FlushService.Report?
    private var lastError: FlushService.Report?
    private var failures = 0
    private var rowsWritten = 0
    private var rowsRejected = 0
    private var retryAt: ContinuousClock.Instant?

    func rejected(_ count: Int) { rowsRejected += count }

    func mayAttempt(now: ContinuousClock.Instant) -> Bool {
        guard let retryAt else { return true }
        return now >= retryAt
    }

    func succeeded(_ report: FlushService.Report) {
        if report.attempted > 0 || lastFlush == nil { lastFlush = report }
        rowsWritten += report.rows
        failures = 0
        retryAt = nil
    }

    func failed(_ report: FlushService.Report, interval: Duration, maximumBackoff: Duration) -> Int {
        lastError = report
        rowsWritten += report.rows
        failures += 1
        let backoff = Backoff(initial: interval, cap: maximumBackoff).bound(attempt: failures)
        retryAt = .now + backoff
        return failures
    }

    func snapshot(spilledRows: Int, intervalMs: Int) -> FlushService.Status {
        FlushService.Status(lastFlush: lastFlush, lastError: lastError, consecutiveFailures: failures,
                            rowsWritten: rowsWritten, spilledRows: spilledRows, rejectedRows: rowsRejected, intervalMs: intervalMs)
    }
}
