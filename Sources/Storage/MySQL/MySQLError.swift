import SokboCore
#if MySQL
/// A MySQL/MariaDB failure: the client (2xxx) or server error number, the SQLSTATE and the message.
/// Messages come from libmariadb and the server, which never echo the password.
public struct MySQLError: RowRejectingError, Error, Sendable, CustomStringConvertible {
    /// The client or server error number; 0 for errors Sokbo raises itself.
    public let code: UInt32
    /// The five-character SQLSTATE (`HY000` when the client raised it).
    public let sqlState: String
    /// What the server or the client library said.
    public let message: String
    /// What was being done (`connect to mysql://sokbo:***@…`, `insert into news`, …).
    public let context: String

    /// Creates an error.
    public init(code: UInt32, sqlState: String = "HY000", message: String, context: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.context = context
    }

    /// True when the connection is gone (server stopped or restarted, network cut, killed): the store
    /// drops the handle and the next call connects afresh.
    public var isConnectionLost: Bool { Self.connectionLostCodes.contains(code) }

    /// True when the same call may succeed later: the server is unreachable or gone, or a transient
    /// conflict (lock wait timeout, deadlock, too many connections).
    public var isRetryable: Bool { isConnectionLost || Self.transientCodes.contains(code) }

    /// True for errors about a value (null into NOT NULL, out of range, too long, bad string): the rows are at fault.
    public var rejectsRows: Bool { Self.rowCodes.contains(code) }

    // 1048 column cannot be null, 1263/1264 out of range, 1265 data truncated, 1292 incorrect value,
    // 1366 incorrect string value, 1406 data too long.
    private static let rowCodes: Set<UInt32> = [1048, 1263, 1264, 1265, 1292, 1366, 1406]

    /// One line for logs and status pages.
    public var description: String { "MySQL error \(code) (\(sqlState)) during \(context): \(message)" }

    /// The store was closed.
    static func closed(_ context: String) -> MySQLError {
        MySQLError(code: 0, message: "the store is closed", context: context)
    }

    // 2002/2003 cannot connect, 2006 server gone, 2013/2055 lost during a query, 2014 commands out of
    // sync (the handle's protocol state is unknown), 2026 TLS, 1053 server shutting down,
    // 1158-1161 network read/write errors, 1927 connection killed, 4031 idle timeout disconnect.
    private static let connectionLostCodes: Set<UInt32> = [
        2002, 2003, 2006, 2013, 2014, 2026, 2055, 1053, 1158, 1159, 1160, 1161, 1927, 4031,
    ]
    // 1040 too many connections, 1205 lock wait timeout, 1213 deadlock.
    private static let transientCodes: Set<UInt32> = [1040, 1205, 1213]
}
#endif
