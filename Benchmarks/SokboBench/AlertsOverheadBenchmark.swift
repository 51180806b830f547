import Foundation
import Logging
import Simulator
import SokboApp
import SokboCore

/// News-to-order with alerts on and their webhook failing, against no alerts at all, in one run: the
/// same `news-to-order` loop (simulate mode, one headline at a time) in rounds of four set-ups — no alerts;
/// alerts reading each live event as published (`SOKBO_ALERTS_EVENT_READ_MS=0`, how they read before); no
/// alerts again (an A/A control: what two identical set-ups differ by is the noise); alerts reading in
/// batches (the default) — each set-up once in each position, so drift on a shared machine falls on all.
/// With alerts, every order's messages go to a fake Bot API and a webhook sink served by **another
/// process** (`AlertsFakesProcess`: the standalone simulator with its fake Telegram, limits on), whose sink
/// answers 503 to every POST (retried with back-off, trading-critical messages never given up): the figure
/// is Sokbo's, not its fakes'. That process runs through every set-up, so what it costs the machine falls on all.
///
/// Without `paced`, the venue's rate limits and the client's pacing are LIFTED (a sustained stream of
/// orders would measure the limiter); with `paced` they stay ON (1 request/s per api-id, burst 2) and the
/// headlines are spaced 1.1 s apart, so no order waits for its slot: the figure for users.
enum AlertsOverheadBenchmark: BenchmarkCase {
    static let name = "news-to-order-alerts"
    static let summary = "news-to-order p50/p99 with alerts on (fakes in another process, webhook failing) vs no alerts, alternating rounds in one run [orders] [paced]"

    static func run(arguments: [String]) async throws {
        if arguments.first == AlertsFakesProcess.childArgument {
            try await AlertsFakesProcess.serve()
            return
        }
        let paced = arguments.contains("paced")
        let orders = arguments.first.flatMap(Int.init) ?? (paced ? 200 : 1_000)
        // Each set-up once in each position of a round (the order rotates), so nothing rides on going first.
        let rounds = SetUp.allCases.count
        let fakes = try await AlertsFakesProcess.start()
        defer { fakes.stop() }
        try await fakes.setWebhookDown(true)
        guard let botURL = fakes.ports.urls().telegram else { throw BenchError("the fakes' process serves no Bot API") }

        var samples: [SetUp: [Duration]] = [:]
        var queued: [SetUp: Int] = [:]
        var wakeUps: [SetUp: Int] = [:]
        var reading: [SetUp: (events: Int, reads: Int)] = [:]
        for round in 0..<rounds {
            let order = SetUp.allCases
            for setUp in order[round...] + order[..<round] {
                var settings: [String: String] = [:]
                if setUp != .noAlerts, setUp != .noAlertsAgain {
                    settings["sokbo.alerts.telegram.token"] = TelegramSimulator.simulatedToken
                    settings["sokbo.alerts.telegram.chat.ids"] = "1001"
                    settings["sokbo.alerts.telegram.url"] = botURL
                    settings["sokbo.alerts.webhook.urls"] = "slack=\(botURL)/hooks/bench"
                    if setUp == .perEvent { settings["sokbo.alerts.event.read.ms"] = "0" }
                }
                let (durations, pending, woken, read) = try await TradingBenchApp.with(extra: settings, paced: paced) { app, _ in
                    let durations = try await measure(app, orders: orders / rounds, paced: paced)
                    let pending = app.sokbo.alerts?.status().destinations.map(\.pending).reduce(0, +) ?? 0
                    let read = app.sokbo.alerts?.eventReading()
                    return (durations, pending, app.sokbo.events.wakeUps, (read?.events ?? 0, read?.reads ?? 0))
                }
                samples[setUp, default: []] += durations
                queued[setUp, default: 0] += pending
                wakeUps[setUp, default: 0] += woken
                reading[setUp] = ((reading[setUp]?.events ?? 0) + read.0, (reading[setUp]?.reads ?? 0) + read.1)
                print("| round \(round + 1), \(setUp.label): \(durations.count) orders | p50 \(ms(durations, 0.5)) ms |")
            }
        }
        let fakeCounts = try await fakes.counts()
        let none = samples[.noAlerts] ?? [], again = samples[.noAlertsAgain] ?? []
        let limits = paced ? "venue rate limits ON (1 request/s per api-id, burst 2), headlines 1.1 s apart"
                           : "venue rate limits LIFTED — with the limits on: `news-to-order-alerts N paced`"
        print("| news-to-order, no alerts, \(none.count) orders (\(limits)) | p50 \(ms(none, 0.5)) ms, p99 \(ms(none, 0.99)) ms |")
        print("| news-to-order, no alerts again (the same set-up: the noise floor), \(again.count) orders | p50 \(ms(again, 0.5)) ms, "
              + "p99 \(ms(again, 0.99)) ms; ratio to none p50 \(ratio(again, none, 0.5)), p99 \(ratio(again, none, 0.99)) |")
        for setUp in [SetUp.perEvent, .batched] {
            let got = samples[setUp] ?? []
            let (events, reads) = reading[setUp] ?? (0, 0)
            print("| news-to-order, \(setUp.label): \(got.count) orders; the engine woke a task \(wakeUps[setUp] ?? 0) times publishing; "
                  + "alerts read \(events) events in \(reads) reads; \(queued[setUp] ?? 0) messages still queued at the end | "
                  + "p50 \(ms(got, 0.5)) ms, p99 \(ms(got, 0.99)) ms; ratio to none p50 \(ratio(got, none, 0.5)), p99 \(ratio(got, none, 0.99)) |")
        }
        print("| the fakes' process: \(fakeCounts.sent) messages taken, \(fakeCounts.tooManyRequests) answered 429, \(fakeCounts.webhookRefusals) webhook POSTs refused 503 | |")
    }

    /// The set-ups each round runs, in this order.
    private enum SetUp: CaseIterable {
        case noAlerts, perEvent, noAlertsAgain, batched

        var label: String {
            switch self {
            case .noAlerts: "no alerts"
            case .noAlertsAgain: "no alerts again"
            case .perEvent: "alerts on + webhook failing, each event read as published (SOKBO_ALERTS_EVENT_READ_MS=0)"
            case .batched: "alerts on + webhook failing, events read in batches (default, 100 ms)"
            }
        }
    }

    private static func ratio(_ a: [Duration], _ b: [Duration], _ q: Double) -> String {
        String(format: "%.3f", seconds(a, q) / seconds(b, q))
    }

    /// One headline at a time, as `news-to-order` (`paced`: each at least 1.1 s after the previous one, so the
    /// order's api-id always has a slot, over five stocks warmed up first); returns the totals after the warm-up orders.
    private static func measure(_ app: TradingBenchApp, orders: Int, paced: Bool) async throws -> [Duration] {
        let (sokbo, venues) = (app.sokbo, app.venues)
        // Paced, five stocks only, each bought once in the warm-up: a stock's first entry of the day reads its day
        // reference (limits, margin, halt) at the venue's 1 query/s per api-id, which would measure the pacer.
        let tickers = KRXUniverse.listings.map(\.ticker).prefix(paced ? 5 : .max).map { $0 }
        let warmUp = paced ? 5 : 25
        for n in 0..<(orders + warmUp) {
            let started = ContinuousClock.now
            let before = await sokbo.engine.decisionCounters()
            await venues.ls.publish(title: "공급계약 체결 \(n)", tickers: [tickers[n % tickers.count]])
            while true {
                let now = await sokbo.engine.decisionCounters()
                let decided = now.ordersSent > before.ordersSent || now.skipped > before.skipped
                if decided, now.byState[OrderState.submitted.rawValue, default: 0] == 0 { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            if paced { try await Task.sleep(until: started + .milliseconds(1_100), clock: .continuous) }
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
