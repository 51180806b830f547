import Foundation
import SokboCore

/// A store held in memory, with the filters and ordering the engine uses: enough for unit tests driven
/// one event at a time (the store contract tests prove the real stores).
actor MemoryStore: Store {
    nonisolated var kind: String { "memory" }
    private var tables: [Table: [String: Row]] = [:]
    private(set) var upserts = 0
    /// Times an upsert yields before it writes: a slow database, so callers' other work interleaves with it.
    private let upsertYields: Int

    init(upsertYields: Int = 0) { self.upsertYields = upsertYields }

    func migrate() async throws -> Int { 0 }

    func insert(_ rows: [Row], into table: Table) async throws -> Int {
        var inserted = 0
        for row in rows where tables[table]?[row.key] == nil {
            tables[table, default: [:]][row.key] = row
            inserted += 1
        }
        return inserted
    }

    func upsert(_ row: Row, into table: Table) async throws {
        for _ in 0..<upsertYields { await Task.yield() }
        upserts += 1
        tables[table, default: [:]][row.key] = row
    }

    func select(_ query: RowQuery) async throws -> [Row] {
        let schema = query.table.schema
        func value(_ row: Row, _ column: String) -> SQLValue { schema.position(of: column).map { row.values[$0] } ?? .null }
        func number(_ v: SQLValue) -> Int64 { v.integer ?? 0 }
        var rows = (tables[query.table] ?? [:]).values.filter { row in
            query.equals.allSatisfy { value(row, $0.key) == $0.value }
                && query.atLeast.allSatisfy { number(value(row, $0.key)) >= number($0.value) }
                && query.atMost.allSatisfy { number(value(row, $0.key)) <= number($0.value) }
        }
        rows.sort { number(value($0, query.orderBy)) < number(value($1, query.orderBy)) }
        if query.descending { rows.reverse() }
        return Array(rows.prefix(query.limit))
    }

    func count(_ table: Table) async throws -> Int { tables[table]?.count ?? 0 }

    func close() async throws {}

    /// Every stored order.
    func orders() -> [Order] { (tables[.orders] ?? [:]).values.compactMap(Order.init(row:)) }
}

/// Records appended through the row buffer, kept for assertions.
actor RecordingSink: RecordSink {
    private(set) var rows: [(Table, Row)] = []

    func append<R: Storable>(_ record: R) async { rows.append((R.table, record.row)) }

    /// Every stored order event.
    func orderEvents() -> [OrderEventRecord] { rows.filter { $0.0 == .orderEvents }.compactMap { OrderEventRecord(row: $0.1) } }
    /// Every stored signal.
    func signals() -> [SignalRecord] { rows.filter { $0.0 == .signals }.compactMap { SignalRecord(row: $0.1) } }
    /// Every stored trade.
    func trades() -> [TradeRecord] { rows.filter { $0.0 == .trades }.compactMap { TradeRecord(row: $0.1) } }
}
