import Foundation
import Logging
import SokboApp
import SokboCore

/// News-to-order with alerts on and their webhook failing, against no alerts at all, in one run: the
/// same `news-to-order` loop (simulate mode, one headline at a time, venue rate limits lifted) in
/// alternating rounds of the two set-ups, so drift on a shared machine falls on both. With alerts, the
/// fake Bot API takes every order's message and the webhook sink answers 503 to every POST (retried
/// with back-off, trading-critical messages never given up).
enum AlertsOverheadBenchmark: BenchmarkCase {
    static let name = "news-to-order-alerts"
    static let summary = "news-to-order p50/p99 with alerts on and a failing webhook vs no alerts, alternating rounds in one run"

    static func run(arguments: [String]) async throws {
        let orders = arguments.first.flatMap(Int.init) ?? 1_000
        let rounds = 2
        var samples: [Bool: [Duration]] = [false: [], true: []]
        var failedPosts = 0
        var queued = 0
        for round in 0..<rounds {
            for withAlerts in [false, true] {
                var settings: [String: String] = [:]
                if withAlerts {
                    settings["sokbo.alerts.simulator"] = "on"
                    settings["sokbo.alerts.webhook.format"] = "slack"
                }
                let (durations, refused, pending) = try await TradingBenchApp.with(extra: settings) { app, _ in
                    let fake = app.venues.telegram
                    fake?.setWebhookDown(true)
                    let durations = try await measure(app, orders: orders / rounds)
                    let pending = app.sokbo.alerts?.status().destinations.map(\.pending).reduce(0, +) ?? 0
                    return (durations, fake?.webhookRefusals ?? 0, pending)
                }
                samples[withAlerts, default: []] += durations
                failedPosts += refused
                queued += pending
                print("| round \(round + 1), \(withAlerts ? "alerts on, webhook failing" : "no alerts"): \(durations.count) orders | p50 \(ms(durations, 0.5)) ms |")
            }
        }
        let none = samples[false] ?? [], failing = samples[true] ?? []
        print("| news-to-order, no alerts, \(none.count) orders (venue rate limits LIFTED) | p50 \(ms(none, 0.5)) ms, p99 \(ms(none, 0.99)) ms |")
        print("| news-to-order, alerts on + webhook failing (\(failedPosts) POSTs refused 503, \(queued) messages still queued at the end) | p50 \(ms(failing, 0.5)) ms, p99 \(ms(failing, 0.99)) ms |")
        let ratio50 = seconds(failing, 0.5) / seconds(none, 0.5)
        let ratio99 = seconds(failing, 0.99) / seconds(none, 0.99)
        print("| ratio failing webhook / none | p50 \(String(format: "%.3f", ratio50)), p99 \(String(format: "%.3f", ratio99)) |")
    }

    /// One headline at a time, as `news-to-order`; returns the totals after 25 warm-up orders.
    private static func measure(_ app: TradingBenchApp, orders: Int) async throws -> [Duration] {
        let (sokbo, venues) = (app.sokbo, app.venues)
        let tickers = KRXUniverse.listings.map(\.ticker)
        let warmUp = 25
        for n in 0..<(orders + warmUp) {
            let before = await sokbo.engine.decisionCounters()
            await venues.ls.publish(title: "공급계약 체결 \(n)", tickers: [tickers[n % tickers.count]])
            while true {
                let now = await sokbo.engine.decisionCounters()
                let decided = now.ordersSent > before.ordersSent || now.skipped > before.skipped
                if decided, now.byState[OrderState.submitted.rawValue, default: 0] == 0 { break }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        let samples = Array(await sokbo.engine.latencySamples().dropFirst(warmUp))
        guard samples.count >= orders / 2 else { throw BenchError("only \(samples.count) orders were sent") }
        return samples.map(\.total)
    }

    private static func seconds(_ durations: [Duration], _ q: Double) -> Double {
        let sorted = durations.sorted()
        guard !sorted.isEmpty else { return .nan }
        let d = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))]
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func ms(_ durations: [Duration], _ q: Double) -> String { String(format: "%.3f", seconds(durations, q) * 1000) }
}
