import Foundation
import Logging
import Simulator
import SokboApp
import SokboCore
import Trading

/// Tick-to-exit in simulate mode, over real loopback sockets through the live code: the Kiwoom simulator's
/// realtime WebSocket pushes a `0B` whose best bid crosses a held position's stop-loss; the realtime client
/// decodes it, the engine's exit tracker fires, the sell is stored and sent, and the measure ends when the
/// `kt10001` request reaches the simulator's REST endpoint. Both instants are read in this process on the
/// monotonic clock (the push just before it is handed to the simulator's socket writer, the arrival as the
/// simulator counts it), so the figure includes the simulator's own write and read work.
///
/// The simulator's limits and the client's pacing stay ON (1 request/s per api-id, `kiwoom-rest.md` §7): each
/// exit is pushed at least `spacing` after the previous sell arrived, so the pacer never holds a sell and the
/// figure is the path alone; the burst part then shows what the same limit does when many stops cross on
/// one tick. `lifted` lifts both (the client's pacing and the simulator's limits) and drops the spacing.
enum TickToExitBenchmark: BenchmarkCase {
    static let name = "tick-to-exit"
    static let summary = "p50/p99 from a realtime 0B crossing a stop to the kt10001 sell reaching the venue, ≥ 1,000 exits, then a burst of stops on one tick [exits] [burst] [lifted]"

    /// One rule: buy every 공급계약 headline; leave only by a 10 % stop (every other exit off), so nothing but
    /// the benchmark's own crossing tick sells.
    static let rules = """
        rules:
          - name: tick-to-exit
            any: [공급계약]
            budget: 500000
            order: marketable-limit
            max-rise-percent: 30
            entry-timeout: 2
            stop-loss-percent: 10
            take-profit-percent: off
            trail-percent: off
            max-hold-minutes: off
            flatten-at-close: false
        """

    static func run(arguments: [String]) async throws {
        let numbers = arguments.compactMap(Int.init)
        let exits = numbers.first ?? 1_000
        let burst = numbers.dropFirst().first ?? 20
        let lifted = arguments.contains("lifted")
        let spacing: Duration = lifted ? .zero : .milliseconds(1_100)
        // `BENCH_DATABASE_URL` and `BENCH_HA=on` as for news-to-order: the exit sell then pays the fenced commit.
        let settings = ["sokbo.max.open.positions": "0", "sokbo.daily.loss.limit": "0", "sokbo.flatten.at": "off"]
            .merging(TradingBenchApp.databaseSettings()) { _, database in database }
        let logLevel = ProcessInfo.processInfo.environment["BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        try await TradingBenchApp.with(extra: settings, paced: !lifted, logLevel: logLevel, rules: rules) { app, _ in
            let run = ExitRun(app: app, spacing: spacing)
            let warmUp = 30
            let started = ContinuousClock.now
            var samples: [Duration] = []
            var steps: [[(name: String, duration: Duration)]] = []
            var gaps: [Duration] = []
            var skipped = 0
            var n = 0
            // A stock no entry could be opened in twice (priced over the rule's budget, say) leaves the rotation.
            var failures: [Int: Int] = [:]
            while samples.count < exits + warmUp {
                n += 1
                let slot = n % run.tickers.count
                if failures[slot, default: 0] >= 2 { continue }
                guard let sample = try await run.oneExit(n) else {
                    skipped += 1
                    failures[slot, default: 0] += 1
                    if failures.values.count(where: { $0 >= 2 }) >= run.tickers.count - 1 || skipped > exits {
                        print("| stopped early: \(skipped) cycles without an exit | |")
                        break
                    }
                    continue
                }
                samples.append(sample.latency)
                steps.append(sample.steps)
                if let gap = sample.sinceLastSell { gaps.append(gap) }
            }
            let measured = Array(samples.dropFirst(min(warmUp, samples.count / 2)))
            let measuredSteps = Array(steps.dropFirst(min(warmUp, steps.count / 2))).filter { !$0.isEmpty }
            let counters = await app.sokbo.engine.decisionCounters()
            let mode = lifted ? "simulator limits and client pacing LIFTED, no spacing" :
                "simulator limits ON (1/s per api-id, burst 2), client pacing at its defaults, each crossing pushed ≥ \(Int(spacing.milliseconds)) ms after the previous sell arrived"
            print("| (\(samples.count) exits, the first \(warmUp) as warm-up, in \(format(started.duration(to: .now))); \(skipped) cycles without an exit; \(mode)) | |")
            print("| tick-to-exit: 0B push write → kt10001 request at the venue, \(measured.count) exits | \(percentiles(measured)) |")
            if let names = measuredSteps.first?.map(\.name) {
                for (index, name) in names.enumerated() {
                    print("| — step \(name) (\(measuredSteps.count) exits) | \(percentiles(measuredSteps.map { $0[index].duration })) |")
                }
            }
            if !gaps.isEmpty {
                print("| shortest gap between two successive sells at the venue (≥ 1 s: the pacer never held one) | \(String(format: "%.0f", gaps.min()!.milliseconds)) ms |")
            }
            print("| venue: 429 replies \(app.venues.kiwoom.rateLimitedReplies); engine: exits sent \(counters.exitsSent), oversells \(counters.oversells), unknown \(counters.byState[OrderState.unknown.rawValue, default: 0]) | |")
            if burst > 0 { try await run.burst(burst) }
        }
    }

    static func percentiles(_ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        guard !sorted.isEmpty else { return "no samples" }
        func ms(_ q: Double) -> String {
            String(format: "%.3f", sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))].milliseconds)
        }
        return "p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, p99.9 \(ms(0.999)) ms, max \(ms(1)) ms"
    }

    static func format(_ d: Duration) -> String { String(format: "%.1f s", d.seconds) }
}

/// The steps of one tick-to-exit run against a serving app.
private struct ExitRun {
    let app: TradingBenchApp
    let spacing: Duration
    let tickers = KiwoomSimulator.universe.compactMap { Ticker($0.code) }

    private var engine: TradingEngine { app.sokbo.engine }
    private var venue: KiwoomSimulator { app.venues.kiwoom }

    /// One measured exit: the latency, and the gap since the previous sell reached the venue.
    struct Sample {
        var latency: Duration
        var sinceLastSell: Duration?
        /// Where the time went: the simulator's write and the client's read, the engine's stamped steps,
        /// and the request's way to the venue (empty when the engine kept no stamps for this sell).
        var steps: [(name: String, duration: Duration)]
    }

    /// Opens a position in the `n`th stock of the rotation, then crosses its stop with one pushed `0B` and
    /// times the sell; nil when no position could be opened or no sell came (the stock was halted, say).
    func oneExit(_ n: Int) async throws -> Sample? {
        let ticker = tickers[n % tickers.count]
        guard let position = try await open(ticker, n: n) else { return nil }
        let lastSell = venue.arrivals(of: "kt10001").last
        if let lastSell { try await Task.sleep(until: lastSell + spacing, clock: .continuous) }
        let before = venue.requestCount("kt10001")
        let crossing = Self.crossing(position)
        let pushed = ContinuousClock.now
        await venue.sendRealtime(Self.frame([Self.quoteItem(ticker.code, price: crossing, bid: crossing, ask: KRXTick.up(from: crossing))]))
        let sold = try await waitFor(.seconds(5)) { venue.requestCount("kt10001") > before }
        await restoreQuote(ticker)
        guard sold, let arrived = venue.arrivals(of: "kt10001").last else {
            _ = try await waitFor(.seconds(30)) { await held(ticker) == nil }
            return nil
        }
        let closed = try await waitFor(.seconds(10)) {
            let position = await held(ticker)
            let open = await openOrders()
            return position == nil && open == 0
        }
        guard closed else {
            throw BenchError("the position in \(ticker.code) did not close after its sell")
        }
        var steps: [(name: String, duration: Duration)] = []
        if let stages = await engine.exitLatencySamples().last, stages.received > pushed, stages.sent < arrived {
            steps = [("push write → frame read", pushed.duration(to: stages.received))] + stages.steps
                + [("request → venue", stages.sent.duration(to: arrived)),
                   ("Sokbo's own path: frame read → sell handed to the Kiwoom client (engine.tickToExit)", stages.total)]
        }
        return Sample(latency: pushed.duration(to: arrived), sinceLastSell: lastSell.map { $0.duration(to: arrived) }, steps: steps)
    }

    /// `count` positions whose stops all cross on one pushed frame: when each sell reaches the venue.
    func burst(_ count: Int) async throws {
        var positions: [PositionView] = []
        var n = 100_000
        while positions.count < count {
            n += 1
            let ticker = tickers[n % tickers.count]
            if positions.contains(where: { $0.ticker == ticker }) { continue }
            guard n < 100_000 + 4 * tickers.count else { throw BenchError("could not open \(count) positions") }
            if let position = try await open(ticker, n: n) {
                positions.append(position)
                // The entries at the order api-id's pace, so no entry meets its deadline in the queue.
                try await Task.sleep(for: spacing)
            }
        }
        try await Task.sleep(for: .seconds(2))
        let before = venue.requestCount("kt10001")
        let rejectedBefore = await engine.decisionCounters().byState[OrderState.rejected.rawValue, default: 0]
        let exitsBefore = await engine.decisionCounters().exitsSent
        let crossings = Dictionary(uniqueKeysWithValues: positions.map { ($0.ticker, Self.crossing($0)) })
        let items = positions.map { Self.quoteItem($0.ticker.code, price: crossings[$0.ticker]!, bid: crossings[$0.ticker]!,
                                                   ask: KRXTick.up(from: crossings[$0.ticker]!)) }
        let pushed = ContinuousClock.now
        await venue.sendRealtime(Self.frame(items))
        try await Task.sleep(for: .milliseconds(100))
        // The price stays below the stops: whenever a position is held with no sell in flight (its sell was
        // refused unsent, or the simulator's own push marked it back up), its crossing is pushed again.
        var repushes = 0
        let done = try await waitFor(.seconds(120), poll: .milliseconds(20)) {
            for view in await engine.positions() where !view.exiting {
                guard let price = crossings[view.ticker] else { continue }
                await venue.sendRealtime(Self.frame([Self.quoteItem(view.ticker.code, price: price, bid: price, ask: KRXTick.up(from: price))]))
                repushes += 1
            }
            let open = await engine.positions().contains { crossings[$0.ticker] != nil }
            return venue.requestCount("kt10001") >= before + count && !open
        }
        let arrivals = Array(venue.arrivals(of: "kt10001").suffix(venue.requestCount("kt10001") - before))
        for position in positions { await restoreQuote(position.ticker) }
        let counters = await engine.decisionCounters()
        let after = arrivals.map { pushed.duration(to: $0) }
        func at(_ index: Int) -> String { index < after.count ? String(format: "%.3f s", after[index].seconds) : "—" }
        print("| burst: \(count) positions' stops crossed by one pushed frame (\(done ? "all sold" : "NOT all sold within 120 s")) | first sell at the venue after \(at(0)), \(min(10, count))th after \(at(min(10, count) - 1)), last (\(after.count)th) after \(at(after.count - 1)) |")
        print("| burst: sells sent \(counters.exitsSent - exitsBefore) for \(count) positions; refused unsent or rejected \(counters.byState[OrderState.rejected.rawValue, default: 0] - rejectedBefore); crossings pushed again \(repushes); venue 429s \(venue.rateLimitedReplies) | |")
    }

    /// Buys `ticker` on a headline and waits until the position is held with no order open; nil if not.
    private func open(_ ticker: Ticker, n: Int) async throws -> PositionView? {
        guard !venue.inVolatilityInterruption(ticker.code), await held(ticker) == nil else { return nil }
        let before = await engine.decisionCounters()
        await app.venues.ls.publish(title: "공급계약 체결 tick-to-exit \(n)", tickers: [ticker])
        let decided = try await waitFor(.seconds(10)) {
            let now = await engine.decisionCounters()
            return now.ordersSent > before.ordersSent || now.skipped > before.skipped || now.vetoed > before.vetoed
        }
        guard decided, try await waitFor(.seconds(10), { await openOrders() == 0 }) else { return nil }
        guard let position = await held(ticker), position.sellable > 0, !position.halted else { return nil }
        return position
    }

    private func held(_ ticker: Ticker) async -> PositionView? {
        await engine.positions().first { $0.ticker == ticker }
    }

    /// Orders sent and not yet ended (submitted, accepted, partly filled).
    private func openOrders() async -> Int {
        let byState = await engine.decisionCounters().byState
        return [OrderState.submitted, .accepted, .partiallyFilled].reduce(0) { $0 + byState[$1.rawValue, default: 0] }
    }

    /// Pushes the simulator's real price and best levels for `ticker` again, so the next entry in it is sized
    /// from the market rather than from the benchmark's crossing tick.
    private func restoreQuote(_ ticker: Ticker) async {
        guard let price = venue.price(ticker.code) else { return }
        let book = venue.book(ticker.code)
        await venue.sendRealtime(Self.frame([Self.quoteItem(ticker.code, price: price, bid: book.bids.first?.price ?? price,
                                                            ask: book.asks.first?.price ?? price)]))
    }

    /// A price 15 % under the position's average cost, on the grid: well through its 10 % stop.
    static func crossing(_ position: PositionView) -> Int {
        KRXTick.roundDown(Int(position.averageCost * 0.85)) ?? 1
    }

    /// A `0B` item as the venue sends it (last price 10, best ask 27, best bid 28, time 20; §8.5).
    static func quoteItem(_ code: String, price: Int, bid: Int, ask: Int) -> String {
        let time = KST.timeString(Date())
        return #"{"type":"0B","name":"주식체결","item":"\#(code)","values":{"20":"\#(time)","10":"\#(price)","27":"\#(ask)","28":"\#(bid)","15":"+1"}}"#
    }

    static func frame(_ items: [String]) -> String { #"{"trnm":"REAL","data":["# + items.joined(separator: ",") + "]}" }

    /// Polls `condition` until it holds (true) or `limit` passes (false).
    private func waitFor(_ limit: Duration, poll: Duration = .milliseconds(1), _ condition: () async -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if await condition() { return true }
            try await Task.sleep(for: poll)
        }
        return await condition()
    }
}
