#if MySQL
import Foundation
import Logging
import SokboCore
import Storage

/// Flush throughput to MariaDB/MySQL: 100,000 news rows written by one flush, rows per second.
enum MySQLFlushBenchmark: BenchmarkCase {
    static let name = "flush-mysql"
    static let summary = "rows/s of one 100,000-row flush to MySQL/MariaDB at SOKBO_TEST_MYSQL_URL (scripts/with-mariadb.sh)"

    static func run(arguments: [String]) async throws {
        guard let raw = ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] else {
            throw BenchError("set SOKBO_TEST_MYSQL_URL, or run: scripts/with-mariadb.sh swift run -c release --traits MySQL SokboBench flush-mysql")
        }
        guard case .mysql(var settings) = try DatabaseURL(parsing: raw) else {
            throw BenchError("SOKBO_TEST_MYSQL_URL is not a mysql:// URL")
        }
        // A database of its own so runs never see each other's rows (the throwaway server goes with it).
        settings.database = "sokbo_bench_\(UUID().uuidString.prefix(8).lowercased())"
        let rows = 100_000
        let store = try await MySQLStore.open(settings: settings, logger: Logger(label: "bench"), createDatabase: true)
        _ = try await store.migrate()
        do {
            let figure = try await FlushThroughputBenchmark.measure(store: store, rows: rows)
            print("| flush \(rows) news rows to MariaDB (one transaction) | \(Int(figure)) rows/s |")
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
#endif
