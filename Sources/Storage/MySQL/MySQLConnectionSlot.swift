#if MySQL
import Foundation
import Logging
import SokboCore

/// One connection, used by one thread at a time: opened on first use, reused, and dropped when an
/// error shows it is dead, so that the next call connects afresh.
///
/// Why `@unchecked Sendable`: the mutable state (the connection and the closed flag) is only touched
/// while `lock` is held, and the lock is held for the whole blocking call, which is exactly the
/// one-thread-at-a-time rule a `MYSQL*` handle needs.
final class MySQLConnectionSlot: @unchecked Sendable {
    /// `writer` or `reader`, for logs.
    let role: String
    private let settings: MySQLSettings
    private let timeouts: MySQLTimeouts
    private let logger: Logger
    private let lock = NSLock()
    private var connection: MySQLConnection?
    private var closed = false

    /// Creates an empty slot; nothing connects until the first call.
    init(role: String, settings: MySQLSettings, timeouts: MySQLTimeouts, logger: Logger) {
        self.role = role
        self.settings = settings
        self.timeouts = timeouts
        self.logger = logger
    }

    /// Runs `body` on this slot's connection, connecting first when there is none. Blocks: call it on
    /// the store's thread pool only.
    ///
    /// A handle that sat idle across a server restart fails on first use with "server has gone away".
    /// Every store operation is a whole transaction or a read, and inserts and upserts are idempotent,
    /// so such a failure on a *reused* handle is retried once on a fresh connection. A failure on a
    /// fresh connection is thrown at once: the server is really down, and the caller learns it now.
    func withConnection<T>(_ context: String, _ body: (MySQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw MySQLError.closed(context) }
        let reused = connection != nil
        do {
            return try attempt(body)
        } catch let error as MySQLError where reused && error.isConnectionLost {
            logger.info("mysql connection was stale; reconnecting", metadata: ["role": "\(role)", "error": "\(error)"])
            return try attempt(body)
        }
    }

    /// Closes the connection; later calls throw.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        connection?.close()
        connection = nil
        closed = true
    }

    private func attempt<T>(_ body: (MySQLConnection) throws -> T) throws -> T {
        let current: MySQLConnection
        if let connection {
            current = connection
        } else {
            current = try MySQLConnection.connect(settings, database: settings.database, timeouts: timeouts)
            connection = current
            logger.debug("mysql connected", metadata: ["role": "\(role)", "server": "\(settings)"])
        }
        do {
            return try body(current)
        } catch {
            if current.isBroken {
                current.close()
                connection = nil
                logger.warning("mysql connection lost; the next call reconnects",
                               metadata: ["role": "\(role)", "error": "\(error)"])
            }
            throw error
        }
    }
}
#endif
