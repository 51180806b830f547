#if MySQL
import Foundation
import Logging
import NIOPosix
import SokboCore

/// The MySQL/MariaDB store, through libmariadb (MariaDB Connector/C).
///
/// libmariadb blocks, so every call runs on a thread pool this store owns — never an event loop, never
/// `NIOThreadPool.singleton` (SQLite and the spill file use that one; a slow server must not starve
/// them). Two connections, a writer and a reader, each used by one thread at a time; an async lock per
/// connection queues callers without parking a pool thread. A lost connection is dropped and the next
/// call reconnects; while the server is down, calls fail within the connect timeout.
public final class MySQLStore: Store {
    /// `mysql`.
    public let kind = "mysql"
    /// Where the data lives; the password is redacted in its description.
    public let settings: MySQLSettings
    private let threadPool: NIOThreadPool
    private let writer: MySQLConnectionSlot
    private let reader: MySQLConnectionSlot
    private let writeLock = AsyncLock()
    private let readLock = AsyncLock()
    private let logger: Logger

    // Why 1,000: enough rows per statement to amortise the round trip and statement preparation,
    // while 1,000 × 11 columns stays far below the 65,535-placeholder limit. A byte budget derived from
    // max_allowed_packet ends a chunk early when the rows are long.
    private static let rowsPerStatement = 1_000
    private static let placeholderLimit = 65_535

    private init(settings: MySQLSettings, threadPool: NIOThreadPool, timeouts: MySQLTimeouts, logger: Logger) {
        self.settings = settings
        self.threadPool = threadPool
        self.writer = MySQLConnectionSlot(role: "writer", settings: settings, timeouts: timeouts, logger: logger)
        self.reader = MySQLConnectionSlot(role: "reader", settings: settings, timeouts: timeouts, logger: logger)
        self.logger = logger
    }

    /// Connects (creating the database first when `createDatabase`), failing fast on bad settings.
    public static func open(settings: MySQLSettings, logger: Logger, createDatabase: Bool = false) async throws -> MySQLStore {
        try await open(settings: settings, logger: logger, createDatabase: createDatabase, timeouts: MySQLTimeouts())
    }

    /// `open` with explicit timeouts (tests).
    static func open(settings: MySQLSettings, logger: Logger, createDatabase: Bool, timeouts: MySQLTimeouts) async throws -> MySQLStore {
        try MySQLLibrary.ensureInitialized()
        // One thread per connection: the writer and the reader never wait for each other's thread.
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            if createDatabase {
                let name = "`" + settings.database.replacingOccurrences(of: "`", with: "``") + "`"
                try await pool.runIfActive {
                    let connection = try MySQLConnection.connect(settings, database: nil, timeouts: timeouts)
                    defer { connection.close() }
                    try connection.execute("CREATE DATABASE IF NOT EXISTS \(name) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                }
            }
            let store = MySQLStore(settings: settings, threadPool: pool, timeouts: timeouts, logger: logger)
            // Connect the writer now, so wrong credentials fail at start rather than at the first flush.
            try await store.onWriter("connect") { _ in }
            logger.info("mysql store open", metadata: ["server": "\(settings)"])
            return store
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    /// Applies pending migrations (recorded in `schema_migrations`); returns the version now in force.
    ///
    /// MySQL commits DDL implicitly, so a migration is not atomic: a run interrupted after some of its
    /// statements is completed by the next run, which tolerates "index already exists". A named server
    /// lock keeps two processes from migrating the same database at once.
    public func migrate() async throws -> Int {
        let lockName = "sokbo_migrate_\(settings.database)"
        let (version, applied) = try await onWriter("migrate") { connection -> (Int, [Int]) in
            try connection.execute(Migrations.bookkeeping(.mysql))
            let locked = try connection.query("SELECT GET_LOCK(?, 30)", [.text(lockName)]).first?.values.first?.integer
            guard locked == 1 else {
                throw MySQLError(code: 0, message: "another process holds the migration lock", context: "migrate")
            }
            defer { _ = try? connection.query("SELECT RELEASE_LOCK(?)", [.text(lockName)]) }
            let rows = try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [])
            var current = Int(rows.first?.values.first?.integer ?? 0)
            var applied: [Int] = []
            while current < Schema.version {
                let next = current + 1
                for statement in Migrations.statements(version: next, dialect: .mysql) {
                    do {
                        try connection.execute(statement)
                    } catch let error as MySQLError where error.code == 1061 {
                        // ER_DUP_KEYNAME: an interrupted earlier run already created this index.
                    }
                }
                try connection.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                   [.integer(Int64(next)), .integer(Date().epochMilliseconds)])
                applied.append(next)
                current = next
            }
            return (current, applied)
        }
        for next in applied { logger.info("migrated", metadata: ["store": "mysql", "version": "\(next)"]) }
        return version
    }

    /// Inserts in one transaction with multi-row inserts that skip existing keys; returns the number of new rows.
    ///
    /// When the connection drops during COMMIT the outcome is unknown; the retry on a fresh connection
    /// skips rows that did land, so nothing is duplicated, though those rows then count as not new.
    public func insert(_ rows: [Row], into table: Table) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let schema = table.schema
        let width = schema.columns.count
        if let bad = rows.first(where: { $0.values.count != width }) {
            throw MySQLError(code: 0, message: "a row has \(bad.values.count) values; \(table.rawValue) has \(width) columns",
                             context: "insert into \(table.rawValue)")
        }
        let maximumRows = min(Self.rowsPerStatement, Self.placeholderLimit / width)
        return try await onWriter("insert into \(table.rawValue)") { connection in
            try connection.transaction {
                var inserted = 0
                var start = 0
                while start < rows.count {
                    let end = Self.chunkEnd(rows, from: start, maximumRows: maximumRows, byteBudget: connection.packetBudget)
                    var values: [SQLValue] = []
                    values.reserveCapacity((end - start) * width)
                    for row in rows[start..<end] { values.append(contentsOf: row.values) }
                    inserted += try connection.run(SQLDialect.mysql.insertIgnoring(into: schema, rowCount: end - start), values)
                    start = end
                }
                return inserted
            }
        }
    }

    /// Inserts a row or replaces the stored one with the same key.
    public func upsert(_ row: Row, into table: Table) async throws {
        let schema = table.schema
        guard row.values.count == schema.columns.count else {
            throw MySQLError(code: 0, message: "the row has \(row.values.count) values; \(table.rawValue) has \(schema.columns.count) columns",
                             context: "upsert into \(table.rawValue)")
        }
        try await onWriter("upsert into \(table.rawValue)") { connection in
            _ = try connection.run(SQLDialect.mysql.upsert(into: schema), row.values)
        }
    }

    /// Reads rows on the reader connection.
    public func select(_ query: RowQuery) async throws -> [Row] {
        let (sql, binds) = SQLDialect.mysql.select(query)
        return try await onReader("select from \(query.table.rawValue)") { connection in
            try connection.query(sql, binds)
        }
    }

    /// `DELETE … WHERE column < ?` (retention of recorded candles).
    public func deleteRows(_ table: Table, where column: String, below value: SQLValue) async throws -> Int {
        guard table.schema.position(of: column) != nil else {
            throw MySQLError(code: 0, message: "no column \(column) in \(table.rawValue)", context: "delete from \(table.rawValue)")
        }
        return try await onWriter("delete from \(table.rawValue)") { connection in
            try connection.run("DELETE FROM \(table.rawValue) WHERE \(column) < ?", [value])
        }
    }

    /// `SELECT COUNT(*)`.
    public func count(_ table: Table) async throws -> Int {
        try await onReader("count \(table.rawValue)") { connection in
            let rows = try connection.query("SELECT COUNT(*) FROM \(table.rawValue)", [])
            return Int(rows.first?.values.first?.integer ?? 0)
        }
    }

    /// Closes both connections and stops the thread pool; later calls throw.
    public func close() async throws {
        let writer = writer, reader = reader
        await writeLock.withLock {
            await self.readLock.withLock {
                _ = try? await self.threadPool.runIfActive {
                    writer.close()
                    reader.close()
                }
            }
        }
        try await threadPool.shutdownGracefully()
    }

    // MARK: - Internal (tests and maintenance)

    /// Runs one SQL statement with parameters on the reader (or the writer) and returns its rows.
    func rawQuery(_ sql: String, _ binds: [SQLValue] = [], onWriter useWriter: Bool = false) async throws -> [Row] {
        let context = MySQLConnection.summary(sql)
        if useWriter {
            return try await onWriter(context) { try $0.query(sql, binds) }
        }
        return try await onReader(context) { try $0.query(sql, binds) }
    }

    // MARK: - Helpers

    private func onWriter<T: Sendable>(_ context: String, _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        try await writeLock.withLock { try await self.run(on: self.writer, context, body) }
    }

    private func onReader<T: Sendable>(_ context: String, _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        try await readLock.withLock { try await self.run(on: self.reader, context, body) }
    }

    private func run<T: Sendable>(on slot: MySQLConnectionSlot, _ context: String,
                                  _ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        do {
            return try await threadPool.runIfActive { try slot.withConnection(context, body) }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw MySQLError.closed(context)
        }
    }

    /// Where the chunk starting at `start` ends: at `maximumRows`, or earlier once the values would
    /// exceed the byte budget (always at least one row).
    static func chunkEnd(_ rows: [Row], from start: Int, maximumRows: Int, byteBudget: Int) -> Int {
        var end = start
        var bytes = 0
        while end < rows.count, end - start < maximumRows {
            let size = rows[end].values.reduce(0) { total, value in
                switch value {
                case .text(let text): total + text.utf8.count + 4
                case .integer, .real: total + 9
                case .null: total + 1
                }
            }
            if end > start, bytes + size > byteBudget { break }
            bytes += size
            end += 1
        }
        return end
    }
}
#endif
