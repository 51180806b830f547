import AsyncHTTPClient
import Configuration
import Foundation
import Logging
import ServiceLifecycle
import SokboApp
import SokboCore
import Storage

/// Does a big flush block the event loop? `GET /health` latency while 100,000 rows are written, against
/// the same figure with the database idle, measured side by side in one run.
enum HealthDuringFlushBenchmark: BenchmarkCase {
    static let name = "health-during-flush"
    static let summary = "GET /health p50/p99 idle vs during a 100,000-row flush (SOKBO_DATABASE_URL picks the store)"

    static func run(arguments: [String]) async throws {
        let rows = 100_000
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        var values: [String: String] = [
            "sokbo.data.dir": dataDirectory, "sokbo.api.token": "bench", "sokbo.flush.interval.ms": "600000",
            "sokbo.http.port": "0",
        ]
        if let url = ProcessInfo.processInfo.environment["SOKBO_DATABASE_URL"] {
            values["sokbo.database.url"] = try await freshDatabase(url)
        }
        let reader = ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        })))
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let sokbo = try await buildApplication(reader: reader, logger: logger)
        let port = try await sokbo.withRunning { port in
            // Warm up the connection pool and code paths.
            _ = try await sample(port: port, count: 500)
            let idle = try await sample(port: port, count: 3_000)

            let now = Date()
            for i in 0..<rows {
                await sokbo.buffer.append(NewsItem(
                    id: String(format: "20261126090000%010d", i), publishedAt: now, source: "25",
                    title: "SK하이닉스, HBM 공급계약 체결 \(i)", tickers: [Ticker("000660")!], bodySize: 2048,
                    category: "99", receivedAt: now))
            }
            let finished = Flag()
            let flush = Task {
                let report = await sokbo.flusher.flush()
                await finished.raise()
                return report
            }
            var during: [Double] = []
            while await !finished.isRaised {
                during += try await sample(port: port, count: 50)
            }
            let report = await flush.value
            guard report.error == nil else { throw BenchError("flush failed: \(report.error ?? "")") }
            // The simulator's own news may add a few rows; fewer than `rows` means the bench rows were not written.
            guard report.rows >= rows else { throw BenchError("flush wrote \(report.rows) of \(rows) rows") }
            let store = sokbo.store.kind
            print("| GET /health while idle (\(store)) | p50 \(fmt(percentile(idle, 0.5))) ms, p99 \(fmt(percentile(idle, 0.99))) ms (n=\(idle.count)) |")
            print("| GET /health during a \(rows)-row flush to \(store) (\(fmt(report.durationMs)) ms, \(Int(Double(report.rows) / (report.durationMs / 1000))) rows/s) | p50 \(fmt(percentile(during, 0.5))) ms, p99 \(fmt(percentile(during, 0.99))) ms (n=\(during.count)); p99 ratio to idle \(fmt(percentile(during, 0.99) / percentile(idle, 0.99))) |")
            return port
        }
        _ = port
    }

    /// A MySQL URL gets a database of its own, created here, so a second run does not write the same news ids
    /// again (the store skips duplicates, and the flush would measure nothing); a SQLite URL is used as given.
    static func freshDatabase(_ url: String) async throws -> String {
        #if MySQL
        guard case .mysql(var settings) = try DatabaseURL(parsing: url) else { return url }
        settings.database = "sokbo_bench_\(UUID().uuidString.prefix(8).lowercased())"
        let store = try await MySQLStore.open(settings: settings, logger: Logger(label: "bench"), createDatabase: true)
        try await store.close()
        guard var components = URLComponents(string: url) else { throw BenchError("SOKBO_DATABASE_URL is not a URL") }
        components.path = "/" + settings.database
        guard let fresh = components.string else { throw BenchError("cannot rewrite SOKBO_DATABASE_URL") }
        return fresh
        #else
        return url
        #endif
    }

    /// Sequential GETs over one keep-alive connection; latencies in ms.
    static func sample(port: Int, count: Int) async throws -> [Double] {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        for _ in 0..<count {
            let start = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1024)
            latencies.append(start.duration(to: .now).milliseconds)
        }
        return latencies
    }
}

/// A one-way flag shared between tasks.
actor Flag {
    private(set) var isRaised = false
    func raise() { isRaised = true }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
