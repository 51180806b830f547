import Foundation
import SokboCore

/// Reads recorded days from the store, one KST day at a time (candles first, then headlines and
/// disclosures merged by receive time), so a month is never held at once.
public struct StoreRecordSource: RecordSource {
    private let store: any Store
    private var day: Date
    private let last: Date
    private var pending: [RecordLine] = []
    private var index = 0
    /// Most rows one day may hold per table (a query's bound, far above a day's headlines).
    public static let rowsPerDay = 5_000_000

    /// Days `from`…`to` (`YYYYMMDD`, inclusive) of `store`.
    public init(store: any Store, from: String, to: String) throws {
        guard let first = KST.date(yyyymmdd: from, hhmmss: "000000"), let last = KST.date(yyyymmdd: to, hhmmss: "000000"), first <= last else {
            throw RecordError("--from and --to must be days as YYYYMMDD (or YYYY-MM-DD), from before to")
        }
        self.store = store
        self.day = first
        self.last = last
    }

    /// The next line.
    public mutating func next() async throws -> RecordLine? {
        while index >= pending.count {
            guard day <= last else { return nil }
            pending = try await Self.lines(of: day, in: store)
            index = 0
            day = day.addingTimeInterval(86_400)
        }
        defer { index += 1 }
        return pending[index]
    }

    /// One day's lines, in recording order.
    public static func lines(of day: Date, in store: any Store) async throws -> [RecordLine] {
        let name = KST.dayString(day)
        var candleQuery = RowQuery(table: .candles, orderBy: "id", descending: false, limit: rowsPerDay)
        candleQuery.equals["day"] = .text(name)
        let candles = try await store.select(candleQuery).compactMap(DayCandles.init(row:))
        let start = day.epochMilliseconds, end = day.addingTimeInterval(86_400).epochMilliseconds - 1
        var newsQuery = RowQuery(table: .news, orderBy: "received_at", descending: false, limit: rowsPerDay)
        newsQuery.atLeast["received_at"] = .integer(start)
        newsQuery.atMost["received_at"] = .integer(end)
        var disclosureQuery = RowQuery(table: .disclosures, orderBy: "created_at", descending: false, limit: rowsPerDay)
        disclosureQuery.atLeast["created_at"] = .integer(start)
        disclosureQuery.atMost["created_at"] = .integer(end)
        let news = try await store.select(newsQuery).compactMap(NewsItem.init(row:))
        let disclosures = try await store.select(disclosureQuery).compactMap(DisclosureRecord.init(row:))
        var events: [(Date, Int, RecordLine)] = news.enumerated().map { ($0.element.receivedAt, $0.offset * 2, .news($0.element)) }
        // A disclosure received in the same millisecond as a headline goes first: the engine could have seen it.
        events += disclosures.enumerated().map { ($0.element.createdAt, $0.offset * 2 - 1_000_000_000, .disclosure($0.element)) }
        events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return candles.map { .candles($0) } + events.map(\.2)
    }
}

/// `sokbo record export` and `import`: a day as JSONL, and back into a store.
public enum RecordTransfer {
    /// Writes days `from`…`to` of `store` as JSONL lines to `write`; returns the lines written.
    public static func export(store: any Store, from: String, to: String, write: (Data) throws -> Void) async throws -> Int {
        var source = try StoreRecordSource(store: store, from: from, to: to)
        let encoder = RecordCoding.encoder()
        var count = 0
        while let line = try await source.next() {
            var data = try encoder.encode(line)
            data.append(10)
            try write(data)
            count += 1
        }
        return count
    }

    /// Inserts every line of `source` into `store` (idempotent: rows already there are skipped); returns the
    /// rows that were new.
    public static func importLines(_ source: inout some RecordSource, into store: any Store) async throws -> Int {
        var batches: [Table: [Row]] = [:]
        var inserted = 0
        func flush(_ table: Table) async throws {
            guard let rows = batches[table], !rows.isEmpty else { return }
            inserted += try await store.insert(rows, into: table)
            batches[table] = []
        }
        while let line = try await source.next() {
            let (table, row): (Table, Row) = switch line {
            case .news(let item): (.news, item.row)
            case .disclosure(let record): (.disclosures, record.row)
            case .candles(let candles): (.candles, candles.row)
            }
            batches[table, default: []].append(row)
            if batches[table]!.count >= (table == .candles ? 50 : 1_000) { try await flush(table) }
        }
        for table in [Table.news, .disclosures, .candles] { try await flush(table) }
        return inserted
    }
}
