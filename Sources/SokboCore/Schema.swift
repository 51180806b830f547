/// The tables Sokbo stores. Buffered tables are written by the flush service; `orders` is written
/// directly because an order's intent must be durable before the order leaves.
public enum Table: String, Sendable, Codable, CaseIterable, Hashable {
    /// Headlines, keyed by the feed's `realkey`.
    case news
    /// Rule evaluations, keyed by news id and rule.
    case signals
    /// Orders and their current state (written through, not buffered).
    case orders
    /// Every change an order went through.
    case orderEvents = "order_events"
    /// DART disclosures, keyed by `rcept_no`.
    case disclosures
    /// Closed round trips (`TradeRecord`), keyed by the closing sell.
    case trades
    /// Minute candles of one stock and day, with its day reference, for replays (keyed `<day>-<ticker>`).
    case candles

    /// Tables that go through the row buffer.
    public static let buffered: [Table] = [.news, .signals, .orderEvents, .disclosures, .trades]

    /// The schema version that created this table.
    public var createdInVersion: Int {
        switch self {
        case .trades: 3
        case .candles: 4
        default: 1
        }
    }

    /// This table's schema.
    public var schema: TableSchema { Schema.tables[self]! }
}

/// How a column is stored; each dialect renders it (a key is a short indexed string).
public enum ColumnKind: Sendable {
    /// A short string that may be indexed (≤ 64 characters).
    case key
    /// Free text.
    case text
    /// A 64-bit integer.
    case integer
    /// A double.
    case real
}

/// One column.
public struct Column: Sendable {
    /// The column name.
    public let name: String
    /// Its storage kind.
    public let kind: ColumnKind
    /// Whether NULL is allowed.
    public let nullable: Bool
    /// Creates a column.
    public init(_ name: String, _ kind: ColumnKind, nullable: Bool = false) {
        self.name = name
        self.kind = kind
        self.nullable = nullable
    }
}

/// A table's columns (the first, `id`, is the primary key) and secondary indexes.
public struct TableSchema: Sendable {
    /// The table.
    public let table: Table
    /// Columns in row order.
    public let columns: [Column]
    /// Secondary indexes, each a list of column names.
    public let indexes: [[String]]

    /// The index of a column by name.
    public func position(of name: String) -> Int? { columns.firstIndex { $0.name == name } }
}

/// The schema, shared by every store. Timestamps are epoch milliseconds (UTC).
public enum Schema {
    /// The schema version the code expects; migrations bring a store up to it.
    public static let version = 4

    /// Every table's schema.
    public static let tables: [Table: TableSchema] = [
        .news: TableSchema(table: .news, columns: [
            Column("id", .key), Column("published_at", .integer), Column("source", .text),
            Column("title", .text), Column("tickers", .text), Column("body_size", .integer, nullable: true),
            Column("category", .text, nullable: true), Column("received_at", .integer),
        ], indexes: [["published_at"]]),
        .signals: TableSchema(table: .signals, columns: [
            Column("id", .key), Column("news_id", .key), Column("rule", .text, nullable: true),
            Column("ticker", .key, nullable: true), Column("decision", .key), Column("reason", .text),
            Column("created_at", .integer),
        ], indexes: [["news_id"], ["created_at"]]),
        .orders: TableSchema(table: .orders, columns: [
            Column("id", .key), Column("news_id", .key, nullable: true), Column("ticker", .key),
            Column("side", .key), Column("quantity", .integer), Column("price", .integer, nullable: true),
            Column("state", .key), Column("broker_order_no", .text, nullable: true), Column("detail", .text),
            Column("created_at", .integer), Column("updated_at", .integer),
        ], indexes: [["created_at"], ["ticker", "created_at"]]),
        .orderEvents: TableSchema(table: .orderEvents, columns: [
            Column("id", .key), Column("order_id", .key), Column("kind", .key), Column("detail", .text),
            Column("created_at", .integer),
        ], indexes: [["order_id"]]),
        .disclosures: TableSchema(table: .disclosures, columns: [
            Column("id", .key), Column("corp_code", .text), Column("corp_name", .text),
            Column("stock_code", .key, nullable: true), Column("report_name", .text), Column("filer", .text),
            Column("received_date", .key), Column("remark", .text), Column("created_at", .integer),
        ], indexes: [["stock_code", "received_date"]]),
        .trades: TableSchema(table: .trades, columns: [
            Column("id", .key), Column("ticker", .key), Column("rule", .text, nullable: true), Column("news_id", .key, nullable: true),
            Column("opened_at", .integer), Column("closed_at", .integer), Column("quantity", .integer),
            Column("entry_price", .real), Column("exit_price", .real), Column("exit_reason", .key, nullable: true),
            Column("gross_pnl", .integer), Column("commission", .integer), Column("tax", .integer), Column("net_pnl", .integer),
        ], indexes: [["closed_at"], ["ticker", "closed_at"]]),
        .candles: TableSchema(table: .candles, columns: [
            Column("id", .key), Column("day", .key), Column("ticker", .key), Column("reference", .text, nullable: true),
            Column("candles", .text), Column("fetched_at", .integer),
        ], indexes: [["day"]]),
    ]
}
