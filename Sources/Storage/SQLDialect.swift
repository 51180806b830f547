import SokboCore

/// The SQL differences between the stores, kept in one place so both render the same schema.
public enum SQLDialect: Sendable {
    /// SQLite 3.
    case sqlite
    /// MySQL 8 / MariaDB 10.6+.
    case mysql

    /// The column type for a kind.
    func type(of column: Column) -> String {
        switch (self, column.kind) {
        case (.sqlite, .key), (.sqlite, .text): "TEXT"
        case (.sqlite, .integer): "INTEGER"
        case (.sqlite, .real): "REAL"
        case (.mysql, .key): "VARCHAR(64)"
        case (.mysql, .text): "MEDIUMTEXT"
        case (.mysql, .integer): "BIGINT"
        case (.mysql, .real): "DOUBLE"
        }
    }

    /// `CREATE TABLE` and `CREATE INDEX` statements for a table.
    public func createStatements(for schema: TableSchema) -> [String] {
        let name = schema.table.rawValue
        let columns = schema.columns.enumerated().map { index, column in
            "\(column.name) \(type(of: column))\(column.nullable ? "" : " NOT NULL")\(index == 0 ? " PRIMARY KEY" : "")"
        }
        let tail = self == .mysql ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : ""
        var statements = ["CREATE TABLE IF NOT EXISTS \(name) (\(columns.joined(separator: ", ")))\(tail)"]
        for index in schema.indexes {
            let indexName = "idx_\(name)_\(index.joined(separator: "_"))"
            switch self {
            case .sqlite: statements.append("CREATE INDEX IF NOT EXISTS \(indexName) ON \(name) (\(index.joined(separator: ", ")))")
            // MySQL has no IF NOT EXISTS for indexes in every version; migrations run once, guarded by version.
            case .mysql: statements.append("CREATE INDEX \(indexName) ON \(name) (\(index.joined(separator: ", ")))")
            }
        }
        return statements
    }

    /// A multi-row insert that skips rows whose key exists: the heart of idempotent flushing. MySQL's form is a
    /// no-op update, not `INSERT IGNORE`, which would also turn a bad value into a warning and store it cut or
    /// coerced; a duplicate still counts 0 affected rows (no `CLIENT_FOUND_ROWS`).
    public func insertIgnoring(into schema: TableSchema, rowCount: Int) -> String {
        let names = schema.columns.map(\.name).joined(separator: ", ")
        let one = "(" + Array(repeating: "?", count: schema.columns.count).joined(separator: ", ") + ")"
        let values = Array(repeating: one, count: rowCount).joined(separator: ", ")
        switch self {
        case .sqlite: return "INSERT INTO \(schema.table.rawValue) (\(names)) VALUES \(values) ON CONFLICT DO NOTHING"
        case .mysql:
            let key = schema.columns[0].name
            return "INSERT INTO \(schema.table.rawValue) (\(names)) VALUES \(values) ON DUPLICATE KEY UPDATE \(key) = \(key)"
        }
    }

    /// Insert-or-replace by primary key.
    public func upsert(into schema: TableSchema) -> String {
        let names = schema.columns.map(\.name)
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let updates: String
        switch self {
        case .sqlite:
            updates = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            return "INSERT INTO \(schema.table.rawValue) (\(names.joined(separator: ", "))) VALUES (\(marks)) ON CONFLICT(id) DO UPDATE SET \(updates)"
        case .mysql:
            updates = names.dropFirst().map { "\($0) = VALUES(\($0))" }.joined(separator: ", ")
            return "INSERT INTO \(schema.table.rawValue) (\(names.joined(separator: ", "))) VALUES (\(marks)) ON DUPLICATE KEY UPDATE \(updates)"
        }
    }

    /// A `SELECT` for a query, with its bind values. Column names come from the schema, never from input.
    public func select(_ query: RowQuery) -> (sql: String, binds: [SQLValue]) {
        let schema = query.table.schema
        let known = Set(schema.columns.map(\.name))
        var conditions: [String] = []
        var binds: [SQLValue] = []
        for (column, value) in query.equals.sorted(by: { $0.key < $1.key }) where known.contains(column) {
            conditions.append("\(column) = ?")
            binds.append(value)
        }
        for (column, value) in query.contains.sorted(by: { $0.key < $1.key }) where known.contains(column) {
            conditions.append("\(column) LIKE ?")
            binds.append(.text("%\(value)%"))
        }
        for (column, value) in query.atLeast.sorted(by: { $0.key < $1.key }) where known.contains(column) {
            conditions.append("\(column) >= ?")
            binds.append(value)
        }
        for (column, value) in query.atMost.sorted(by: { $0.key < $1.key }) where known.contains(column) {
            conditions.append("\(column) <= ?")
            binds.append(value)
        }
        let order = known.contains(query.orderBy) ? query.orderBy : "id"
        var sql = "SELECT \(schema.columns.map(\.name).joined(separator: ", ")) FROM \(query.table.rawValue)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(order) \(query.descending ? "DESC" : "ASC"), id \(query.descending ? "DESC" : "ASC")"
        sql += " LIMIT \(max(0, min(query.limit, 10_000)))"
        return (sql, binds)
    }
}

/// Versioned schema migrations, applied in order and recorded in `schema_migrations`.
public enum Migrations {
    /// Each migration's statements for a dialect, indexed by version (1-based).
    public static func statements(version: Int, dialect: SQLDialect) -> [String] {
        switch version {
        case 1: Table.allCases.filter { $0.createdInVersion == 1 }.flatMap { dialect.createStatements(for: $0.schema) }
        case 2: dialect == .mysql ? widenedInVersion2.sorted { $0.key.rawValue < $1.key.rawValue }.map { table, names in
            let schema = table.schema
            let changes = names.compactMap { name in schema.columns.first { $0.name == name } }.map { column in
                "MODIFY \(column.name) \(dialect.type(of: column))\(column.nullable ? " NULL" : " NOT NULL")"
            }
            return "ALTER TABLE \(table.rawValue) \(changes.joined(separator: ", "))"
        } : []
        case 3: dialect.createStatements(for: Table.trades.schema)
        case 4: dialect.createStatements(for: Table.candles.schema)
        default: []
        }
    }

    /// Version 2: values from the venues or the rules file that are no index's key become unbounded text. In
    /// MySQL they were VARCHAR(64), which cut a frame's packed codes (up to 20) or a long rule name, silently
    /// under `INSERT IGNORE`. SQLite's TEXT never had a bound, so there it changes nothing.
    static let widenedInVersion2: [Table: [String]] = [
        .news: ["source", "tickers", "category"], .signals: ["rule"], .orders: ["broker_order_no"],
        .disclosures: ["corp_code", "remark"],
    ]

    /// The table that records applied versions.
    public static func bookkeeping(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
        case .mysql: "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL) ENGINE=InnoDB"
        }
    }
}
