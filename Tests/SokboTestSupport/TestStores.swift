import Foundation
import Logging
import SokboCore
import Storage

/// The stores every storage test runs over: a fresh SQLite file always, and a fresh MariaDB database
/// when the suite runs under `scripts/with-mariadb.sh` (which sets `SOKBO_TEST_MYSQL_URL`) with the
/// `MySQL` trait on.
public enum TestStores {
    /// Names of the available stores, for parameterised tests.
    public static var available: [String] {
        var kinds = ["sqlite"]
        #if MySQL
        if ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil { kinds.append("mysql") }
        #endif
        return kinds
    }

    /// A database URL for a fresh, empty database of the given kind.
    public static func freshURL(_ kind: String) async throws -> DatabaseURL {
        switch kind {
        case "sqlite":
            return .sqlite(path: temporaryDirectory() + "/test.sqlite")
        default:
            #if MySQL
            guard let raw = ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"],
                  case .mysql(var settings) = try DatabaseURL(parsing: raw) else { throw TestError("no MySQL URL") }
            settings.database = "sokbo_t_" + UUID().uuidString.prefix(8).lowercased()
            let store = try await MySQLStore.open(settings: settings, logger: logger, createDatabase: true)
            try await store.close()
            return .mysql(settings)
            #else
            throw TestError("built without MySQL")
            #endif
        }
    }

    /// Opens and migrates a fresh store.
    public static func fresh(_ kind: String) async throws -> any Store {
        try await open(try await freshURL(kind))
    }

    /// Opens and migrates the store at a URL.
    public static func open(_ url: DatabaseURL) async throws -> any Store {
        try await url.openStore(logger: logger)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// A new empty temporary directory.
    public static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

public struct TestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A realistic news item with a unique key built from `n`.
public func sampleNews(_ n: Int, at date: Date = Date(timeIntervalSince1970: 1_795_650_000)) -> NewsItem {
    NewsItem(
        id: String(format: "20261126%06d%010d", 90000 + n % 60, n), publishedAt: date.addingTimeInterval(Double(n)),
        source: "25", title: "삼성전자, 美 텍사스 공장 공급계약 체결 #\(n) 🚀", tickers: n % 3 == 0 ? [] : [Ticker("005930")!],
        bodySize: 4841, category: n % 2 == 0 ? "99" : nil, receivedAt: date)
}

/// A store that fails on demand, wrapping a real one: the database "outage" of unit tests.
/// (The real MariaDB outage, server stopped and restarted, is in the MySQL suite.)
public final class FlakyStore: Store, @unchecked Sendable {
    public let inner: any Store
    private let lock = NSLock()
    private var _failing = false
    private var _failuresSeen = 0
    public var kind: String { inner.kind }

    public init(_ inner: any Store) { self.inner = inner }

    public var failing: Bool {
        get { lock.withLock { _failing } }
        set { lock.withLock { _failing = newValue } }
    }
    public var failuresSeen: Int { lock.withLock { _failuresSeen } }

    private func check() throws {
        try lock.withLock {
            if _failing {
                _failuresSeen += 1
                throw TestError("injected outage")
            }
        }
    }

    public func migrate() async throws -> Int { try await inner.migrate() }
    public func insert(_ rows: [Row], into table: Table) async throws -> Int {
        try check()
        return try await inner.insert(rows, into: table)
    }
    public func upsert(_ row: Row, into table: Table) async throws {
        try check()
        try await inner.upsert(row, into: table)
    }
    public func select(_ query: RowQuery) async throws -> [Row] { try await inner.select(query) }
    public func count(_ table: Table) async throws -> Int { try await inner.count(table) }
    public func close() async throws { try await inner.close() }
}

/// Polls a condition until it holds or the deadline passes. The default bound is long: it returns as soon
/// as the event happens, and a machine loaded by other work (plus the rest of the suite) can take long.
public func eventually(timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
