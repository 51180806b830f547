import Foundation
import Logging
import SokboCore
import Storage

/// Flush throughput: 100,000 news rows written by one flush, rows per second.
enum FlushThroughputBenchmark: BenchmarkCase {
    static let name = "flush"
    static let summary = "rows/s of one 100,000-row flush to SQLite (MariaDB: flush-mysql)"

    static func run(arguments: [String]) async throws {
        let rows = 100_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/bench.sqlite", logger: Logger(label: "bench"))
        _ = try await store.migrate()
        let figure = try await measure(store: store, rows: rows)
        print("| flush \(rows) news rows to SQLite | \(Int(figure)) rows/s |")
        try await store.close()
    }

    static func measure(store: any Store, rows count: Int) async throws -> Double {
        let buffer = RowBuffer(capacity: count * 2)
        let now = Date()
        for i in 0..<count {
            await buffer.append(NewsItem(
                id: String(format: "20261126090000%010d", i), publishedAt: now, source: "25",
                title: "삼성전자, 3분기 영업이익 \(i)억원…시장 예상 상회", tickers: [Ticker("005930")!],
                bodySize: 4841, category: "99", receivedAt: now))
        }
        let spill = try await SpillFile(path: FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)").path)
        let flusher = FlushService(buffer: buffer, store: store, spill: spill, interval: .seconds(3600), logger: Logger(label: "bench"))
        let report = await flusher.flush()
        guard report.error == nil, report.rows == count else { throw BenchError("flush wrote \(report.rows) of \(count): \(report.error ?? "")") }
        return Double(count) / (report.durationMs / 1000)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
