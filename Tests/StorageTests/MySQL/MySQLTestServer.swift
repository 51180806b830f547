#if MySQL
import Foundation
import Logging
import SokboCore
@testable import Storage
import SokboTestSupport

/// The throwaway server `scripts/with-mariadb.sh` starts, as the tests see it.
enum MySQLTestServer {
    /// `SOKBO_TEST_MYSQL_URL`, when set.
    static let url = ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"]
    /// Whether the MySQL tests can run.
    static var isConfigured: Bool { url != nil }

    static let logger: Logger = {
        var logger = Logger(label: "mysql-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Settings for a database of its own, named after the test, so tests never see each other's rows.
    static func settings(_ name: String) throws -> MySQLSettings {
        guard let url, case .mysql(var settings) = try DatabaseURL(parsing: url) else {
            throw TestFailure("SOKBO_TEST_MYSQL_URL is not a mysql:// URL")
        }
        settings.database = "sokbo_\(name)_\(UUID().uuidString.prefix(8).lowercased())"
        return settings
    }

    /// A migrated store on a fresh database.
    static func openStore(_ name: String) async throws -> MySQLStore {
        let store = try await MySQLStore.open(settings: try settings(name), logger: logger, createDatabase: true)
        _ = try await store.migrate()
        return store
    }

    /// Drops the test's database and closes the store.
    static func dispose(_ store: MySQLStore) async {
        let name = store.settings.database
        _ = try? await store.rawQuery("DROP DATABASE IF EXISTS `\(name)`", onWriter: true)
        try? await store.close()
    }

    /// Runs the shell command an environment variable names (the server's stop or start command)
    /// without blocking a cooperative thread; returns its exit status (the scripts bound their own waits).
    static func runCommand(from variable: String) async throws -> Int32 {
        guard let command = ProcessInfo.processInfo.environment[variable] else {
            throw TestFailure("\(variable) is not set")
        }
        return try await ShellCommand.run(command)
    }

    /// A realistic news row: a 24-character LS realkey-like id, a Korean headline, one ticker.
    static func newsRow(_ index: Int, prefix: String = "2026112609", title: String? = nil, source: String = "25",
                        tickers: [String] = ["005930"], publishedAtMs: Int64? = nil) -> Row {
        let published = publishedAtMs ?? (1_764_115_200_000 + Int64(index) * 1_000)
        return NewsItem(
            id: prefix + String(format: "%014d", index), publishedAt: Date(epochMilliseconds: published), source: source,
            title: title ?? "삼성전자, 3분기 영업이익 \(index)억원…시장 예상 상회", tickers: tickers.compactMap { Ticker($0) },
            bodySize: 4_841, category: "99", receivedAt: Date(epochMilliseconds: published + 35)
        ).row
    }
}

/// A failed precondition in a test.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
#endif
