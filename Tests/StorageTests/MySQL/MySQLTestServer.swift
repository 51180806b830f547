#if MySQL
import Foundation
import Logging
import SokboCore
@testable import Storage

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
    /// without blocking a cooperative thread; returns its exit status, or throws after `timeout`.
    static func runCommand(from variable: String, timeout: Duration = .seconds(60)) async throws -> Int32 {
        guard let command = ProcessInfo.processInfo.environment[variable] else {
            throw TestFailure("\(variable) is not set")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let outcome = ResumeOnce<Int32>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.set(continuation)
            process.terminationHandler = { outcome.resume(with: .success($0.terminationStatus)) }
            do {
                try process.run()
            } catch {
                outcome.resume(with: .failure(error))
            }
            Task {
                try? await Task.sleep(for: timeout)
                outcome.resume(with: .failure(TestFailure("\(variable) did not finish within \(timeout)")))
            }
        }
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

/// Resumes a continuation once, whichever of several racers comes first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    // @unchecked: both fields are only touched under `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        if let early {
            continuation.resume(with: early)
        } else {
            self.continuation = continuation
        }
    }

    func resume(with result: Result<T, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        if let continuation {
            continuation.resume(with: result)
            self.continuation = nil
            early = .failure(TestFailure("already resumed"))
        } else if early == nil {
            early = result
        }
    }
}

/// A failed precondition in a test.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
#endif
