#if MySQL
import CMariaDB
import SokboCore

/// Connect, read and write timeouts, in seconds.
struct MySQLTimeouts: Sendable {
    /// Seconds to wait for a TCP connection and the handshake.
    var connect: UInt32 = 3
    /// Seconds to wait for a reply. Why 8: a few seconds so a hung server surfaces as an error rather
    /// than a stalled flush, yet well above our longest statement (a 1,000-row insert or a COMMIT).
    var read: UInt32 = 8
    /// Seconds to wait for a write to the socket.
    var write: UInt32 = 8
}

/// One libmariadb connection and its prepared statements.
///
/// Not thread-safe, by design: only `MySQLConnectionSlot` touches it, one pool thread at a time, which
/// is what libmariadb requires of a `MYSQL*`. Every method blocks; call them only on the store's pool.
final class MySQLConnection {
    private let handle: UnsafeMutablePointer<MYSQL>
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]
    /// Bytes of values one statement may carry, from the server's `max_allowed_packet`.
    private(set) var packetBudget = 1 << 20
    /// Set once an error left the connection unusable (lost, or in an unknown transaction state).
    private(set) var isBroken = false

    // Why 64: statements are keyed by their SQL, and an insert's SQL depends on its row count, so the
    // cache would otherwise grow with every batch size seen; 64 covers the full-size chunks of every table.
    private static let statementCacheLimit = 64

    private init(handle: UnsafeMutablePointer<MYSQL>) {
        self.handle = handle
    }

    deinit { close() }

    /// Connects over TCP with utf8mb4, no automatic reconnect, and the given timeouts.
    static func connect(_ settings: MySQLSettings, database: String?, timeouts: MySQLTimeouts) throws -> MySQLConnection {
        try MySQLLibrary.ensureInitialized()
        let context = "connect to \(settings)"
        guard let handle = mysql_init(nil) else {
            throw MySQLError(code: 2008, message: "mysql_init: out of memory", context: context)
        }
        var connectTimeout = timeouts.connect, readTimeout = timeouts.read, writeTimeout = timeouts.write
        // TCP even for `localhost`, which libmariadb would otherwise turn into a Unix socket path.
        var proto = MYSQL_PROTOCOL_TCP.rawValue
        // No silent reconnect: it would lose the session in the middle of a transaction unnoticed.
        var reconnect: my_bool = 0
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout)
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &proto)
        mysql_options(handle, MYSQL_OPT_RECONNECT, &reconnect)
        _ = "utf8mb4".withCString { mysql_options(handle, MYSQL_SET_CHARSET_NAME, $0) }

        let connected = mysql_real_connect(
            handle, settings.host, settings.user, settings.password, database, UInt32(clamping: settings.port), nil, 0)
        guard connected != nil else {
            let error = MySQLError(handle: handle, context: context)
            mysql_close(handle)
            throw error
        }
        let connection = MySQLConnection(handle: handle)
        guard mysql_set_character_set(handle, "utf8mb4") == 0 else {
            throw MySQLError(handle: handle, context: "set character set utf8mb4")
        }
        // Strict, whatever the server's default: a value a column cannot hold is an error, never cut or coerced.
        try connection.execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')")
        if let packet = try connection.query("SELECT @@max_allowed_packet", []).first?.values.first?.integer {
            // Half the packet leaves room for the statement's own framing; 4 MB keeps one statement short.
            connection.packetBudget = max(64 << 10, min(Int(packet) / 2, 4 << 20))
        }
        return connection
    }

    /// Closes the prepared statements and the handle (idempotent).
    func close() {
        for statement in statements.values { mysql_stmt_close(statement) }
        statements = [:]
        if !isClosed {
            mysql_close(handle)
            isClosed = true
        }
    }

    private var isClosed = false

    // MARK: - Statements

    /// Runs SQL without parameters through the text protocol and discards any result.
    func execute(_ sql: String) throws {
        let status = sql.withCString { mysql_real_query(handle, $0, UInt(sql.utf8.count)) }
        guard status == 0 else { throw fail(MySQLError(handle: handle, context: Self.summary(sql))) }
        if let result = mysql_store_result(handle) {
            mysql_free_result(result)
        } else if mysql_field_count(handle) != 0 {
            throw fail(MySQLError(handle: handle, context: Self.summary(sql)))
        }
    }

    /// Runs a prepared statement with parameters; returns the affected rows.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let statement = try prepared(sql)
        try execute(statement, values, sql: sql)
        defer { mysql_stmt_free_result(statement) }
        let affected = mysql_stmt_affected_rows(statement)
        // (my_ulonglong)-1 means "no count" (a statement that returned rows).
        return affected == UInt64.max ? 0 : Int(affected)
    }

    /// Runs a prepared query and reads every row, typing values by the result's column types.
    func query(_ sql: String, _ values: [SQLValue]) throws -> [Row] {
        let statement = try prepared(sql)
        try execute(statement, values, sql: sql)
        defer { mysql_stmt_free_result(statement) }
        guard mysql_stmt_store_result(statement) == 0 else {
            throw fail(MySQLError(statement: statement, context: Self.summary(sql)))
        }
        // Read after store_result: that is when the columns' max_length is known (buffer sizes).
        guard let metadata = mysql_stmt_result_metadata(statement) else {
            if mysql_stmt_errno(statement) != 0 { throw fail(MySQLError(statement: statement, context: Self.summary(sql))) }
            return []
        }
        defer { mysql_free_result(metadata) }
        let columns = MySQLResultBuffers(fields: mysql_fetch_fields(metadata), count: Int(mysql_num_fields(metadata)))
        guard mysql_stmt_bind_result(statement, columns.binds.baseAddress) == 0 else {
            throw fail(MySQLError(statement: statement, context: Self.summary(sql)))
        }
        var rows: [Row] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(statement)))
        while true {
            let status = mysql_stmt_fetch(statement)
            if status == MYSQL_NO_DATA { break }
            guard status == 0 || status == MYSQL_DATA_TRUNCATED else {
                throw fail(MySQLError(statement: statement, context: Self.summary(sql)))
            }
            rows.append(Row(try (0..<columns.count).map { try columns.value(at: $0, statement: statement) }))
        }
        return rows
    }

    /// Runs `body` between START TRANSACTION and COMMIT, rolling back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("START TRANSACTION")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if !isBroken {
                do { try execute("ROLLBACK") } catch { isBroken = true }
            }
            throw error
        }
    }

    // MARK: - Helpers

    private func prepared(_ sql: String) throws -> UnsafeMutablePointer<MYSQL_STMT> {
        if let statement = statements[sql] { return statement }
        guard let statement = mysql_stmt_init(handle) else {
            throw fail(MySQLError(handle: handle, context: Self.summary(sql)))
        }
        let status = sql.withCString { mysql_stmt_prepare(statement, $0, UInt(sql.utf8.count)) }
        guard status == 0 else {
            let error = MySQLError(statement: statement, context: Self.summary(sql))
            mysql_stmt_close(statement)
            throw fail(error)
        }
        var updateMaxLength: my_bool = 1
        mysql_stmt_attr_set(statement, STMT_ATTR_UPDATE_MAX_LENGTH, &updateMaxLength)
        if statements.count >= Self.statementCacheLimit {
            for cached in statements.values { mysql_stmt_close(cached) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func execute(_ statement: UnsafeMutablePointer<MYSQL_STMT>, _ values: [SQLValue], sql: String) throws {
        let expected = Int(mysql_stmt_param_count(statement))
        guard expected == values.count else {
            throw MySQLError(code: 0, message: "\(values.count) values for \(expected) placeholders", context: Self.summary(sql))
        }
        let parameters = MySQLParameterBuffers(values)
        if expected > 0, mysql_stmt_bind_param(statement, parameters.binds.baseAddress) != 0 {
            throw fail(MySQLError(statement: statement, context: Self.summary(sql)))
        }
        guard mysql_stmt_execute(statement) == 0 else {
            throw fail(MySQLError(statement: statement, context: Self.summary(sql)))
        }
        withExtendedLifetime(parameters) {}
    }

    /// Notes an error that leaves the handle unusable, and returns it for throwing.
    private func fail(_ error: MySQLError) -> MySQLError {
        if error.isConnectionLost { isBroken = true }
        return error
    }

    /// The statement's first words, for error context (never the values).
    static func summary(_ sql: String) -> String {
        let words = sql.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true).prefix(4)
        return words.joined(separator: " ")
    }
}

extension MySQLError {
    /// The last error of a connection handle.
    init(handle: UnsafeMutablePointer<MYSQL>, context: String) {
        self.init(code: mysql_errno(handle), sqlState: String(cString: mysql_sqlstate(handle)),
                  message: String(cString: mysql_error(handle)), context: context)
    }

    /// The last error of a prepared statement.
    init(statement: UnsafeMutablePointer<MYSQL_STMT>, context: String) {
        self.init(code: mysql_stmt_errno(statement), sqlState: String(cString: mysql_stmt_sqlstate(statement)),
                  message: String(cString: mysql_stmt_error(statement)), context: context)
    }
}
#endif
