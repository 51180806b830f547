/// One database value, the common ground of every store.
public enum SQLValue: Sendable, Hashable, Codable {
    /// A 64-bit integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// A UTF-8 string.
    case text(String)
    /// SQL NULL.
    case null

    /// The text, when this is text.
    public var text: String? { if case .text(let s) = self { s } else { nil } }
    /// The integer, when this is an integer (or a real with an integral value).
    public var integer: Int64? {
        switch self {
        case .integer(let i): i
        case .real(let d): Int64(exactly: d)
        case .text(let s): Int64(s)
        case .null: nil
        }
    }
    /// Nil for NULL, else the value.
    public var nonNull: SQLValue? { self == .null ? nil : self }
}

/// One row of a table, its values in the table's column order.
public struct Row: Sendable, Hashable, Codable {
    /// Values in `TableSchema.columns` order.
    public var values: [SQLValue]
    /// Creates a row.
    public init(_ values: [SQLValue]) { self.values = values }
    /// The unique key (the first column, `id`, of every table).
    public var key: String { values.first?.text ?? "" }
}

/// A record that lives in one table and converts to and from a row.
public protocol Storable: Sendable {
    /// The table the record belongs to.
    static var table: Table { get }
    /// The record as a row, values in column order.
    var row: Row { get }
    /// Rebuilds a record from a stored row; nil when the row does not fit.
    init?(row: Row)
}

/// A filter over one table, rendered to SQL by each store.
public struct RowQuery: Sendable {
    /// The table to read.
    public var table: Table
    /// `column = value` conditions.
    public var equals: [String: SQLValue] = [:]
    /// `column LIKE %value%` conditions (used for the packed ticker list).
    public var contains: [String: String] = [:]
    /// `column >= value` conditions.
    public var atLeast: [String: SQLValue] = [:]
    /// `column <= value` conditions.
    public var atMost: [String: SQLValue] = [:]
    /// The column to order by, newest first when `descending`.
    public var orderBy: String
    /// Descending order when true.
    public var descending: Bool = true
    /// At most this many rows.
    public var limit: Int = 100

    /// Creates a query ordered by `orderBy`.
    public init(table: Table, orderBy: String, descending: Bool = true, limit: Int = 100) {
        self.table = table
        self.orderBy = orderBy
        self.descending = descending
        self.limit = limit
    }
}

/// An error a store raises because of the rows themselves (a value a column refuses). Writing the same rows
/// again cannot succeed, so the flush sets the offending rows aside instead of retrying them forever.
public protocol RowRejectingError: Error {
    /// True when the rows, not the database or the connection, caused the failure.
    var rejectsRows: Bool { get }
}

/// What every store implements: idempotent batched inserts, reads, and versioned migrations.
public protocol Store: Sendable {
    /// A short name for status pages (`sqlite`, `mysql`).
    var kind: String { get }
    /// Applies pending migrations; returns the schema version now in force.
    func migrate() async throws -> Int
    /// Inserts rows into one table in one transaction. Rows whose key already exists are skipped, so a
    /// retried batch never duplicates. Returns how many rows were new.
    func insert(_ rows: [Row], into table: Table) async throws -> Int
    /// Inserts a row or replaces the stored one with the same key (orders change state).
    func upsert(_ row: Row, into table: Table) async throws
    /// Rows matching a query.
    func select(_ query: RowQuery) async throws -> [Row]
    /// How many rows a table holds.
    func count(_ table: Table) async throws -> Int
    /// Closes connections; the store is unusable afterwards.
    func close() async throws
    /// Deletes the rows of `table` whose `column` is below `value` (retention); returns how many went.
    func deleteRows(_ table: Table, where column: String, below value: SQLValue) async throws -> Int
}

extension Store {
    /// Stores that keep no history delete nothing.
    public func deleteRows(_ table: Table, where column: String, below value: SQLValue) async throws -> Int { 0 }
}
