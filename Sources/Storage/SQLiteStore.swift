import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import SokboCore

/// The embedded default store: one SQLite file in WAL mode, a writer connection and a reader connection,
/// each call on a thread pool of its own (never the event loop).
public final class SQLiteStore: Store {
    /// `sqlite`.
    public let kind = "sqlite"
    /// The database file.
    public let path: String
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let writeLock = AsyncLock()
    private let logger: Logger

    // Why 500: a multi-row INSERT amortises the thread-pool hop and statement preparation; 500 rows of
    // at most 11 columns stay far below SQLite's 32,766 bind limit.
    private static let rowsPerStatement = 500

    private init(path: String, writer: SQLiteConnection, reader: SQLiteConnection, threadPool: NIOThreadPool, logger: Logger) {
        self.path = path
        self.writer = writer
        self.reader = reader
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Opens (creating if needed) the file, its directory, and sets WAL mode.
    public static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            let loop = MultiThreadedEventLoopGroup.singleton.any()
            let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            _ = try await writer.query("PRAGMA journal_mode=WAL", [])
            _ = try await writer.query("PRAGMA synchronous=NORMAL", [])
            _ = try await writer.query("PRAGMA busy_timeout=5000", [])
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            _ = try await reader.query("PRAGMA busy_timeout=5000", [])
            return SQLiteStore(path: path, writer: writer, reader: reader, threadPool: pool, logger: logger)
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    /// Applies pending migrations in one transaction each.
    public func migrate() async throws -> Int {
        try await writeLock.withLock {
            _ = try await self.writer.query(Migrations.bookkeeping(.sqlite), [])
            let rows = try await self.writer.query("SELECT MAX(version) AS v FROM schema_migrations", [])
            var current = rows.first?.column("v")?.integer ?? 0
            while current < Schema.version {
                let next = current + 1
                try await self.transaction {
                    for statement in Migrations.statements(version: next, dialect: .sqlite) {
                        _ = try await self.writer.query(statement, [])
                    }
                    _ = try await self.writer.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                        [.integer(next), .integer(Int(Date().epochMilliseconds))])
                }
                self.logger.info("migrated", metadata: ["store": "sqlite", "version": "\(next)"])
                current = next
            }
            return current
        }
    }

    /// Inserts in one transaction, skipping existing keys; returns the number of new rows.
    public func insert(_ rows: [Row], into table: Table) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let schema = table.schema
        return try await writeLock.withLock {
            try await self.transaction {
                let before = try await self.totalChanges()
                var start = 0
                while start < rows.count {
                    let end = min(start + Self.rowsPerStatement, rows.count)
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity((end - start) * schema.columns.count)
                    for row in rows[start..<end] { binds.append(contentsOf: row.values.map(Self.data)) }
                    _ = try await self.writer.query(SQLDialect.sqlite.insertIgnoring(into: schema, rowCount: end - start), binds)
                    start = end
                }
                // total_changes() also counts the row changes of this connection's earlier statements, hence the difference.
                return try await self.totalChanges() - before
            }
        }
    }

    /// Insert or replace by key.
    public func upsert(_ row: Row, into table: Table) async throws {
        try await writeLock.withLock {
            _ = try await self.writer.query(SQLDialect.sqlite.upsert(into: table.schema), row.values.map(Self.data))
        }
    }

    /// Reads rows on the reader connection (WAL lets it run beside a flush).
    public func select(_ query: RowQuery) async throws -> [Row] {
        let (sql, binds) = SQLDialect.sqlite.select(query)
        let rows = try await reader.query(sql, binds.map(Self.data))
        return rows.map { row in Row(row.columns.map { Self.value($0.data) }) }
    }

    /// `SELECT COUNT(*)`.
    public func count(_ table: Table) async throws -> Int {
        let rows = try await reader.query("SELECT COUNT(*) AS n FROM \(table.rawValue)", [])
        return rows.first?.column("n")?.integer ?? 0
    }

    /// `DELETE … WHERE column < ?` on the writer (retention of recorded candles).
    public func deleteRows(_ table: Table, where column: String, below value: SQLValue) async throws -> Int {
        guard table.schema.position(of: column) != nil else { throw SQLiteStoreError.unknownColumn(column) }
        return try await writeLock.withLock {
            _ = try await self.writer.query("DELETE FROM \(table.rawValue) WHERE \(column) < ?", [Self.data(value)])
            let rows = try await self.writer.query("SELECT changes() AS n", [])
            return rows.first?.column("n")?.integer ?? 0
        }
    }

    /// Runs one SQL statement with parameters on the writer and returns its rows (tests and diagnosis).
    func rawQuery(_ sql: String, _ binds: [SQLValue] = []) async throws -> [Row] {
        try await writeLock.withLock {
            try await self.writer.query(sql, binds.map(Self.data)).map { row in Row(row.columns.map { Self.value($0.data) }) }
        }
    }

    /// Closes both connections and the pool.
    public func close() async throws {
        // The future-returning close ignores task cancellation: a store closing during a cancelled
        // shutdown must still close its handles.
        await writeLock.withLock {
            let reader: EventLoopFuture<Void> = self.reader.close()
            let writer: EventLoopFuture<Void> = self.writer.close()
            try? await reader.get()
            try? await writer.get()
        }
        try await threadPool.shutdownGracefully()
    }

    // MARK: - Helpers

    private func transaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        _ = try await writer.query("BEGIN IMMEDIATE", [])
        do {
            let result = try await body()
            _ = try await writer.query("COMMIT", [])
            return result
        } catch {
            _ = try? await writer.query("ROLLBACK", [])
            throw error
        }
    }

    private func totalChanges() async throws -> Int {
        try await writer.query("SELECT total_changes() AS n", []).first?.column("n")?.integer ?? 0
    }

    static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .integer(let i): .integer(SQLiteInt64(i))
        case .real(let d): .float(d)
        case .text(let s): .text(s)
        case .null: .null
        }
    }

    static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .integer(let i): .integer(Int64(i))
        case .float(let d): .real(d)
        case .text(let s): .text(s)
        case .blob(var buffer): .text(buffer.readString(length: buffer.readableBytes) ?? "")
        case .null: .null
        }
    }
}

extension SQLiteError: RowRejectingError {
    /// True for constraint, type and size errors: a value of the rows is at fault, not the database.
    public var rejectsRows: Bool {
        switch reason {
        case .constraint, .constraintCheckFailed, .constraintNotNullFailed, .constraintPrimaryKeyFailed,
             .constraintUniqueFailed, .constraintStrictDataTypeFailed, .mismatch, .tooBig, .range:
            true
        default:
            false
        }
    }
}

/// A call the SQLite store refuses before running it.
public enum SQLiteStoreError: Error, Sendable {
    /// The column is not in the table's schema (a column name is never taken from input unchecked).
    case unknownColumn(String)
}
