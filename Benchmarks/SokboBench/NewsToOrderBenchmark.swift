import Foundation
import Logging
import SokboApp
import SokboCore

/// News-to-order latency in simulate mode with no injected latency: from a headline's frame reaching
/// the listener to the order request leaving for the broker (which includes the concurrent stock
/// snapshot round trip and storing the order), over real loopback sockets. The client-side Kiwoom pacing
/// is lifted for the run: at the venue's 5 queries/s a sustained stream of orders measures the limiter.
enum NewsToOrderBenchmark: BenchmarkCase {
    static let name = "news-to-order"
    static let summary = "p50/p99 from an NWS frame's arrival to the order request leaving, over ≥ 1,000 orders (simulate mode)"

    static func run(arguments: [String]) async throws {
        let orders = arguments.first.flatMap(Int.init) ?? 1_000
        // `rest`: no realtime feed, so every order waits for the concurrent REST snapshot.
        let restOnly = arguments.dropFirst().first == "rest"

        // One stock after another, every one held: the open-positions cap (10) and the daily loss limit would
        // skip every entry after the first few and leave no samples.
        var settings: [String: String] = ["sokbo.max.open.positions": "0", "sokbo.daily.loss.limit": "0"]
        // Simulate mode watches the simulated universe by default; `rest` turns the realtime feed off.
        if restOnly { settings["kiwoom.realtime.watchlist"] = "none" }
        // Diagnosis only: `BENCH_FLUSH_MS` changes the flush interval (to see what waiting behind a flush costs).
        if let flush = ProcessInfo.processInfo.environment["BENCH_FLUSH_MS"] { settings["sokbo.flush.interval.ms"] = flush }
        settings.merge(TradingBenchApp.databaseSettings()) { _, database in database }
        let logLevel = ProcessInfo.processInfo.environment["BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let tickers = KRXUniverse.listings.map(\.ticker)
        try await TradingBenchApp.with(extra: settings, logLevel: logLevel) { app, _ in
            let (sokbo, venues) = (app.sokbo, app.venues)
            let started = ContinuousClock.now
            for n in 0..<(orders + 50) {
                let before = await sokbo.engine.decisionCounters()
                let ticker = tickers[n % tickers.count]
                await venues.ls.publish(title: "공급계약 체결 \(n)", tickers: [ticker])
                // One headline at a time, each on a quiet engine: the next one is published once this one
                // is decided and its order (if any) has its broker's answer recorded. Headlines arriving
                // while an order is in flight are measured by the `slow-broker` case.
                while true {
                    let now = await sokbo.engine.decisionCounters()
                    let decided = now.ordersSent > before.ordersSent || now.skipped > before.skipped
                    if decided, now.byState[OrderState.submitted.rawValue, default: 0] == 0 { break }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            print("| (\(orders + 50) headlines in \(started.duration(to: .now)), one at a time) | |")
            // The first 50 warm up connections and code paths.
            let samples = Array(await sokbo.engine.latencySamples().dropFirst(50))
            guard samples.count >= orders / 2 else { throw BenchError("only \(samples.count) orders were sent") }
            func percentiles(_ durations: [Duration]) -> String {
                let sorted = durations.sorted()
                func ms(_ q: Double) -> String {
                    let d = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))]
                    return String(format: "%.3f", d.milliseconds)
                }
                return "p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, max \(ms(1)) ms"
            }
            let sources = Dictionary(grouping: samples, by: \.snapshotSource).mapValues(\.count)
            let sourceText = sources.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
            print("| news-to-order latency, simulate mode, \(samples.count) orders (snapshots: \(sourceText); venue rate limits LIFTED — paced figures: entry-pacing) | \(percentiles(samples.map(\.total))) |")
            // Where the time goes: each step's own percentiles (they do not add up to the total's).
            for (index, name) in samples[0].steps.map(\.name).enumerated() {
                print("|   step: \(name) | \(percentiles(samples.map { $0.steps[index].duration })) |")
            }
        }
    }
}
