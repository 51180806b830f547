import Foundation
import Kiwoom
import Logging
import ServiceLifecycle
import Simulator
import SokboCore
import Storage
import Trading

/// The engine, as the app runs it (`EngineService`: a task per plan, reconciliation on its 2 s tick, an order
/// journal, SQLite), against the Kiwoom simulator **enforcing** the venue's measured limit of about 1 request/s
/// per api-id with a burst of 2 (`kiwoom-rest.md` §7), set explicitly here whatever simulate mode's default.
/// The client is paced at its defaults (per category and per api-id), so it waits rather than meeting 429s.
/// Headlines enter the engine's inbox with their receipt time: news-to-order runs from there to the order
/// request leaving. Every stock is off the realtime watchlist (REST path) and its day reference is read
/// before the run, as it would be ahead of the open.
struct PacedVenue {
    /// The simulated venue.
    let simulator: KiwoomSimulator
    /// The engine.
    let engine: TradingEngine
    /// The broker the engine trades through (also what `GET /api/stocks/{code}` asks).
    let broker: KiwoomBroker
    /// The entry deadline in force.
    let deadline: Duration
    /// The engine's records (signals), kept in memory: nothing flushes them during a benchmark.
    let records: RowBuffer
    private let inbox: AsyncStream<NewsItem>.Continuation

    /// Runs `body` with the stack serving; `warm` stocks get their day reference first.
    static func with(deadline: Duration = TradingEngine.Settings.defaultEntryDeadline, warm: [Ticker],
                     _ body: @Sendable (PacedVenue) async throws -> Void) async throws {
        var logger = Logger(label: "bench")
        // Cancelling the servers at the end logs an error from the framework; keep the table readable.
        logger.logLevel = .critical
        let simulator = KiwoomSimulator(configuration: .init(rateLimit: .init(perSecond: 1, burst: 2), startingCash: 1_000_000_000_000,
                                                             realtimeMarketStep: nil), logger: logger)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let records = RowBuffer(capacity: 1_000_000)
        let store = try await DatabaseURL.sqlite(path: directory + "/sokbo.sqlite").openStore(logger: logger)
        // The client's pacing at its defaults (per category and per api-id, bounded by each entry's deadline).
        let client = KiwoomClient(configuration: KiwoomConfiguration(
            baseURL: "http://127.0.0.1", appKey: KiwoomConfiguration.simulatorAppKey, secretKey: KiwoomConfiguration.simulatorSecretKey
        ).resolving { try await simulator.baseURL() }, logger: logger)
        let broker = KiwoomBroker(client: client, logger: logger)
        let engine = TradingEngine(
            settings: .init(limits: RiskLimits(dailyBudget: 1_000_000_000_000, maxPerOrder: 2_000_000, maxOrdersPerDay: 1_000_000,
                                               buysPerTickerPerDay: 1_000_000, cooldownSeconds: 0),
                            calendar: MarketCalendar(holidays: [], entryStart: 0, entryEnd: 86_400), entryDeadline: deadline),
            rules: try RuleSet([Rule(name: "bench", anyKeywords: ["공급계약"], budget: 2_000_000, maxRisePercent: 30)]),
            broker: broker, store: store, records: records,
            journal: try FileOrderJournal(path: directory + "/journal/orders.jsonl"), events: nil, logger: logger)
        let (stream, inbox) = AsyncStream<NewsItem>.makeStream()
        let group = ServiceGroup(configuration: .init(
            services: [simulator, EngineService(engine: engine, inbox: stream, logger: logger)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await simulator.waitUntilListening()
            await broker.warmDayReferences(warm)
            guard broker.dayReferenceCount() == warm.count else {
                throw BenchError("only \(broker.dayReferenceCount()) of \(warm.count) day references were read")
            }
            // Let the start-up account read and the warm-up's buckets settle, then count the run alone.
            try await Task.sleep(for: .seconds(3))
            simulator.resetCounters()
            try await body(PacedVenue(simulator: simulator, engine: engine, broker: broker, deadline: deadline, records: records, inbox: inbox))
            inbox.finish()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await store.close()
    }

    /// Hands a trading headline for `ticker` to the engine, received now.
    func publish(_ n: Int, ticker: Ticker) {
        let now = Date()
        inbox.yield(NewsItem(id: String(format: "20261126090000%010d", n), publishedAt: now, source: "25",
                             title: "\(ticker.code), 2조원 규모 단일판매ㆍ공급계약 체결 \(n)", tickers: [ticker], bodySize: 512,
                             category: nil, receivedAt: now))
    }

    /// Waits (up to `limit`) until `count` headlines are decided and no order awaits its answer.
    func settle(_ count: Int, limit: Duration = .seconds(60)) async throws {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            let c = await engine.decisionCounters()
            if c.noMatch + c.vetoed + c.skipped + c.ordersSent >= count, c.byState[OrderState.submitted.rawValue, default: 0] == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("the headlines were not all decided within \(limit)")
    }

    /// Figures of the run so far, as Markdown table rows; `firstAt` is when the first headline was published,
    /// `warm` whether the day references were read before the run.
    func report(headlines: Int, firstAt: Date, warm: Bool) async -> (lines: [String], orders: Int, late: Int, unknown: Int, rateLimited: Int) {
        let c = await engine.decisionCounters()
        let samples = await engine.latencySamples()
        let states = OrderState.allCases.compactMap { state in
            c.byState[state.rawValue].flatMap { $0 > 0 ? "\(state.rawValue) \($0)" : nil }
        }.joined(separator: ", ")
        let late = samples.count { $0.total > deadline }
        let unknown = c.byState[OrderState.unknown.rawValue, default: 0]
        let queries = ["ka10004", "ka10001", "kt00011", "ka10100"].map { "\($0) \(simulator.requestCount($0))" }.joined(separator: ", ")
        let account = ["kt00001", "kt00018", "ka10075"].map { "\($0) \(simulator.requestCount($0))" }.joined(separator: ", ")
        let perEntry = c.entrySnapshots > 0 ? Double(c.entryQueries) / Double(c.entrySnapshots) : 0
        var lines = [
            "| headlines | \(headlines) |",
            "| day references | \(warm ? "warm (read before the run: an entry costs 1 query)" : "cold (each stock's first entry reads it: 4 queries)") |",
            "| ordered (within the \(ms(deadline)) ms deadline) | \(c.ordersSent) |",
            "| orders received by the venue (simulator count); engine states | \(simulator.orderRequests); \(states.isEmpty ? "none" : states) |",
            "| skipped for the entry deadline | \(c.deadlineSkipped) |",
            "| skipped for another reason | \(c.skipped - c.deadlineSkipped) |",
            "| ordered after the deadline | \(late) |",
            "| unknown outcomes | \(unknown) |",
            "| HTTP 429 sent by the venue | \(simulator.rateLimitedReplies) |",
            "| venue queries per entry (engine count) | \(String(format: "%.2f", perEntry)) query + 1 order (\(c.entryQueries) queries over \(c.entrySnapshots) snapshots) |",
            "| venue requests received during the run | queries: \(queries); account: \(account); orders \(simulator.orderRequests) |",
        ]
        if !samples.isEmpty {
            let sorted = samples.map(\.total).sorted()
            func q(_ p: Double) -> String { String(format: "%.1f", milliseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))])) }
            lines.append("| news-to-order over \(sorted.count) orders | p50 \(q(0.5)) ms, p99 \(q(0.99)) ms, max \(q(1)) ms |")
        }
        // Skip signals grouped by their reason, cut before the parts that vary (times, retry-after).
        let skips = (await records.drain()[.signals] ?? []).compactMap(SignalRecord.init(row:)).filter { $0.decision == .skip }
        let reasons = Dictionary(grouping: skips) { signal in
            let cut = ["; retry after", " within ", "(HTTP"].compactMap { signal.reason.range(of: $0)?.lowerBound }.min() ?? signal.reason.endIndex
            return String(signal.reason[..<cut].prefix(120))
        }.map { "\($0.value.count) \"\($0.key)\"" }.sorted().joined(separator: "; ")
        lines.append("| skip signals by reason | \(reasons.isEmpty ? "none" : reasons) |")
        if let last = samples.map(\.sent).max() {
            lines.append("| time from the first headline to the last order | \(String(format: "%.0f", last.timeIntervalSince(firstAt) * 1000)) ms |")
        }
        return (lines, c.ordersSent, late, unknown, simulator.rateLimitedReplies)
    }

    func ms(_ d: Duration) -> Int { Int(milliseconds(d).rounded()) }

    func milliseconds(_ d: Duration) -> Double { d.milliseconds }
}

extension KiwoomConfiguration {
    /// The configuration asking `resolve` for its base URL (the simulator's port is known once it listens).
    func resolving(_ resolve: @escaping @Sendable () async throws -> String) -> KiwoomConfiguration {
        var configuration = self
        configuration.resolveBaseURL = resolve
        return configuration
    }
}
