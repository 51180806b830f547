import Foundation
import SokboCore
import Synchronization

/// A store that keeps nothing: a replay's orders live in its trade book, never in the live database.
struct ReplayStore: Store {
    var kind: String { "replay" }
    func migrate() async throws -> Int { Schema.version }
    func insert(_ rows: [Row], into table: Table) async throws -> Int { rows.count }
    func upsert(_ row: Row, into table: Table) async throws {}
    func select(_ query: RowQuery) async throws -> [Row] { [] }
    func count(_ table: Table) async throws -> Int { 0 }
    func close() async throws {}
}

/// Keeps the engine's skip signals of a day (why a rule's headline did not trade) and the trades it closed.
actor SignalCollector: RecordSink {
    private var skipped: [SignalRecord] = []
    private var closed: [TradeRecord] = []

    func append<R: Storable>(_ record: R) async {
        if let signal = record as? SignalRecord, signal.decision == .skip, signal.rule != nil { skipped.append(signal) }
        if let trade = record as? TradeRecord { closed.append(trade) }
    }

    func skips() -> [SignalRecord] { skipped }

    /// The engine's closed trades, in the order it closed them.
    func trades() -> [TradeRecord] { closed }
}

/// The plans a day's engine made: which rule and headline each order id belongs to.
final class PlanLog: Sendable {
    struct Entry: Sendable, Hashable {
        var rule: String
        var newsID: String
        var headline: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func add(orderID: String, rule: String, newsID: String, headline: String) {
        entries.withLock { $0[orderID] = Entry(rule: rule, newsID: newsID, headline: headline) }
    }

    var count: Int { entries.withLock { $0.count } }

    func snapshot() -> [String: Entry] { entries.withLock { $0 } }
}
