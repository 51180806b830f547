import Foundation
import Logging
import SokboCore
import Storage

/// What writing an order's row before it leaves costs: one `write(2)` to the order journal against the
/// SQLite upsert it replaced (thread-pool hop, statement, commit), interleaved in one run, each after a
/// short idle pause as between two headlines (the pause is what makes a thread-pool hop wake a thread).
enum OrderWriteBenchmark: BenchmarkCase {
    static let name = "order-write"
    static let summary = "the pre-send write of an order row: order journal append vs SQLite upsert, p50/p99 (interleaved, after 2 ms idle)"

    static func run(arguments: [String]) async throws {
        let iterations = arguments.first.flatMap(Int.init) ?? 2_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SQLiteStore.open(path: directory + "/sokbo.sqlite", logger: logger)
        _ = try await store.migrate()
        let journal = try FileOrderJournal(path: directory + "/journal/orders.jsonl")
        var journalTimes: [Double] = []
        var storeTimes: [Double] = []
        var rowTimes: [Double] = []
        for n in 0..<(iterations + 100) {
            var order = Order(id: String(format: "n-20261126093000%010d-005930", n), newsID: String(format: "20261126093000%010d", n),
                              rule: "supply-contract", ticker: Ticker("005930")!, side: .buy, quantity: 27,
                              price: .limit(71_500), createdAt: Date())
            order.state = .submitted
            order.eventCount = 1
            let rowStart = ContinuousClock.now
            let row = order.row
            let rowTime = rowStart.duration(to: .now).milliseconds
            try await Task.sleep(for: .milliseconds(2))
            var start = ContinuousClock.now
            try journal.append(row)
            let journalTime = start.duration(to: .now).milliseconds
            try await Task.sleep(for: .milliseconds(2))
            start = ContinuousClock.now
            try await store.upsert(row, into: .orders)
            let storeTime = start.duration(to: .now).milliseconds
            if n >= 100 {  // the first 100 warm up
                journalTimes.append(journalTime)
                storeTimes.append(storeTime)
                rowTimes.append(rowTime)
            }
        }
        try await store.close()
        func line(_ values: [Double]) -> String {
            "p50 \(fmt(percentile(values, 0.5))) ms, p99 \(fmt(percentile(values, 0.99))) ms, max \(fmt(values.max() ?? .nan)) ms"
        }
        print("| building the order's row (its detail as JSON), \(iterations) | \(line(rowTimes)) |")
        print("| order row, journal append (encode the line, one write(2)), \(iterations) | \(line(journalTimes)) |")
        print("| order row, SQLite upsert (the store's writer, thread pool), \(iterations) | \(line(storeTimes)); p99 ratio \(fmt(percentile(storeTimes, 0.99) / percentile(journalTimes, 0.99)))× |")
    }
}
