import Foundation
import Kiwoom
import Simulator
import SokboCore

/// A sustained stream of trading headlines on the REST path against a venue enforcing its limits: every
/// headline must be ordered within its entry deadline or skipped for it, none ordered later.
enum EntryPacingBenchmark: BenchmarkCase {
    static let name = "entry-pacing"
    static let summary = "4 trading headlines/s for 60 s, REST path, simulator enforcing 1 request/s per api-id (burst 2): ordered in time or skipped [per-second seconds] [cold]"

    static func run(arguments: [String]) async throws {
        let perSecond = arguments.first.flatMap(Double.init) ?? 4
        let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 60
        // `cold`: no day reference is read before the run, so each stock's first entry costs 4 queries.
        let warm = !arguments.contains("cold")
        // Every stock the simulated venue lists, round robin.
        let tickers = KiwoomSimulator.universe.compactMap { Ticker($0.code) }
        try await PacedVenue.with(warm: warm ? tickers : []) { venue in
            let count = Int(perSecond * seconds)
            let start = ContinuousClock.now
            let firstAt = Date()
            // Meanwhile, 4 stock lookups a second as `GET /api/stocks/{code}` makes them (the route's `.lookup`
            // context, without the HTTP hop): each must be answered within its bound or refused (429).
            let lookups = Task { await LookupSampler.run(broker: venue.broker, tickers: tickers, until: start + .seconds(seconds)) }
            for n in 0..<count {
                try await Task.sleep(until: start + .milliseconds(Int(Double(n) * 1000 / perSecond)), clock: .continuous)
                venue.publish(n, ticker: tickers[n % tickers.count])
            }
            try await venue.settle(count)
            let figures = await venue.report(headlines: count, firstAt: firstAt, warm: warm)
            print("| \(count) headlines at \(perSecond)/s over \(seconds) s, \(tickers.count) stocks | |")
            figures.lines.forEach { print($0) }
            print(await lookups.value.line)
            if figures.late > 0 { throw BenchError("\(figures.late) orders left after their deadline") }
        }
    }
}

/// Ten trading headlines for ten different stocks within one second, same venue: each ordered or skipped for
/// its deadline, no unknown outcome, no 429.
enum EntryBurstBenchmark: BenchmarkCase {
    static let name = "entry-burst"
    static let summary = "10 trading headlines for 10 stocks within 1 s, REST path, simulator enforcing its limits: orders placed, time to the last [count] [cold]"

    static func run(arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 10
        let warm = !arguments.contains("cold")
        let tickers = Array(KiwoomSimulator.universe.compactMap { Ticker($0.code) }.prefix(count))
        try await PacedVenue.with(warm: warm ? tickers : []) { venue in
            let start = ContinuousClock.now
            let firstAt = Date()
            for (n, ticker) in tickers.enumerated() {
                try await Task.sleep(until: start + .milliseconds(n * 1000 / count), clock: .continuous)
                venue.publish(n, ticker: ticker)
            }
            try await venue.settle(count)
            let figures = await venue.report(headlines: count, firstAt: firstAt, warm: warm)
            print("| burst of \(count) headlines for \(count) stocks within 1 s | |")
            figures.lines.forEach { print($0) }
            if figures.late > 0 || figures.unknown > 0 || figures.rateLimited > 0 {
                throw BenchError("late \(figures.late), unknown \(figures.unknown), 429 \(figures.rateLimited)")
            }
        }
    }
}

/// Stock lookups as `GET /api/stocks/{code}` makes them, 4 a second, timed to their answer or refusal.
enum LookupSampler {
    /// What the lookups met.
    struct Result: Sendable {
        var answered: [Double] = []
        var refused: [Double] = []
        var failed = 0

        /// One table row.
        var line: String {
            func q(_ values: [Double]) -> String {
                values.isEmpty ? "-" : String(format: "p50 %.0f / p99 %.0f / max %.0f ms", percentile(values, 0.5), percentile(values, 0.99), values.max() ?? 0)
            }
            return "| `GET /api/stocks/{code}` lookups during the run (4/s, `.lookup`, bound 2 s) | \(answered.count + refused.count + failed): "
                + "\(answered.count) answered (\(q(answered))), \(refused.count) refused as 429 (\(q(refused)) to the refusal), \(failed) failed otherwise |"
        }
    }

    static func run(broker: KiwoomBroker, tickers: [Ticker], until end: ContinuousClock.Instant) async -> Result {
        var result = Result()
        var n = 0
        while ContinuousClock.now < end {
            let ticker = tickers[(n * 7) % tickers.count]
            n += 1
            let started = ContinuousClock.now
            do {
                _ = try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .lookup)) { try await broker.snapshot(ticker) }
                result.answered.append(ms(started.duration(to: .now)))
            } catch let error as BrokerError where error.kind == .rateLimited {
                result.refused.append(ms(started.duration(to: .now)))
            } catch {
                result.failed += 1
            }
            try? await Task.sleep(until: started + .milliseconds(250), clock: .continuous)
        }
        return result
    }

    private static func ms(_ d: Duration) -> Double {
        d.milliseconds
    }
}
