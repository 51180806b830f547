import SokboCore

/// Rows waiting to be written, per table, owned by one actor.
///
/// Appends never wait on the database and never drop a row. The buffer is bounded in the sense that
/// matters for a long outage: once it holds more than `capacity` rows and a flush has failed, the flush
/// service moves the oldest excess to the on-disk spill file (see `SpillFile`), so memory stays near
/// `capacity` while nothing is lost. Why not back-pressure: it would stall the news listener, and a
/// stalled listener loses the feed, which is worse than a file growing on local disk.
public actor RowBuffer: RecordSink {
    /// A point-in-time view for status and metrics.
    public struct Stats: Sendable, Codable {
        /// Rows pending per table.
        public var depth: [String: Int]
        /// Rows pending in all tables.
        public var total: Int
        /// The soft bound before spilling.
        public var capacity: Int
        /// Rows accepted since start.
        public var appended: Int
        /// The most rows ever pending at once.
        public var highWater: Int
    }

    private var pending: [Table: [Row]] = [:]
    private var total = 0
    private var appended = 0
    private var highWater = 0
    /// The soft bound; above it, a failing flush spills to disk.
    public let capacity: Int

    /// Creates an empty buffer.
    public init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// Appends one row.
    public func append(_ row: Row, to table: Table) {
        pending[table, default: []].append(row)
        noteAdded(1)
    }

    /// Appends rows to one table.
    public func append(contentsOf rows: [Row], to table: Table) {
        guard !rows.isEmpty else { return }
        pending[table, default: []].append(contentsOf: rows)
        noteAdded(rows.count)
    }

    /// Appends a record to its table.
    public func append<R: Storable>(_ record: R) {
        append(record.row, to: R.table)
    }

    /// Takes every pending row and leaves the buffer empty, atomically (one actor turn).
    public func drain() -> [Table: [Row]] {
        let taken = pending.filter { !$0.value.isEmpty }
        pending = [:]
        total = 0
        return taken
    }

    /// Puts rows back at the front of their tables, ahead of anything appended since they were drained.
    public func requeue(_ rows: [Table: [Row]]) {
        for (table, batch) in rows where !batch.isEmpty {
            pending[table] = batch + (pending[table] ?? [])
            total += batch.count
        }
        highWater = max(highWater, total)
    }

    /// Removes and returns the oldest rows above `capacity`, for the spill file.
    public func takeExcess() -> [Table: [Row]] {
        var excess = total - capacity
        guard excess > 0 else { return [:] }
        var taken: [Table: [Row]] = [:]
        for table in Table.buffered where excess > 0 {
            guard let rows = pending[table], !rows.isEmpty else { continue }
            let n = min(excess, rows.count)
            taken[table] = Array(rows.prefix(n))
            pending[table] = Array(rows.dropFirst(n))
            total -= n
            excess -= n
        }
        return taken
    }

    /// Rows pending in all tables.
    public var count: Int { total }

    /// Current figures.
    public func stats() -> Stats {
        var depth: [String: Int] = [:]
        for table in Table.buffered { depth[table.rawValue] = pending[table]?.count ?? 0 }
        return Stats(depth: depth, total: total, capacity: capacity, appended: appended, highWater: highWater)
    }

    private func noteAdded(_ n: Int) {
        total += n
        appended += n
        if total > highWater { highWater = total }
    }
}
