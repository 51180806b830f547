import Configuration
import Foundation
import Logging
import SokboApp
import SokboCore

/// The app as the trading benchmarks run it: simulate mode, a quiet news simulator, one rule that buys every
/// 공급계약 headline, risk limits, position limits and budgets lifted, and, unless `paced`, the client's Kiwoom pacing and
/// the simulator's rate limits lifted too, so that a sustained stream of orders measures the path, not the
/// limiter (such a benchmark says so). In a temporary data directory removed on exit.
struct TradingBenchApp {
    /// The app.
    let sokbo: Sokbo
    /// Its simulated venues.
    let venues: SimulatedVenues

    /// The benchmarks' rules file unless a case brings its own: one rule buying every 공급계약 headline.
    static let defaultRules = """
        rules:
          - name: bench
            any: [공급계약]
            budget: 2000000
            order: marketable-limit
            max-rise-percent: 30
        """

    /// The database and HA settings from the environment: `BENCH_DATABASE_URL` (e.g. a MariaDB `mysql://…`)
    /// instead of SQLite; with `BENCH_HA=on` the node runs active/standby on it, so every order (entry or
    /// exit) is committed through the lease fence before it is sent.
    static func databaseSettings() -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        var settings: [String: String] = [:]
        if let url = environment["BENCH_DATABASE_URL"] { settings["sokbo.database.url"] = url }
        if environment["BENCH_HA"] == "on" {
            settings["sokbo.ha"] = "on"
            settings["sokbo.node.name"] = "bench"
        }
        return settings
    }

    /// Builds the app with `extra` settings over the benchmark's and `rules` as its rules file, runs `body`
    /// while it serves, then removes its data.
    static func with<T: Sendable>(extra: [String: String] = [:], paced: Bool = false, logLevel: Logger.Level = .error,
                                  rules ruleText: String = defaultRules,
                                  _ body: @Sendable (TradingBenchApp, Int) async throws -> T) async throws -> T {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let rules = dataDirectory + "/rules.yaml"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try ruleText.write(toFile: rules, atomically: true, encoding: .utf8)
        var values: [String: String] = [
            "sokbo.data.dir": dataDirectory, "sokbo.api.token": "bench", "sokbo.http.port": "0",
            "sokbo.simulator.news.per.second": "0.001", "sokbo.simulator.cash": "1000000000000",
            "sokbo.rules.file": rules, "sokbo.daily.budget": "1000000000000", "sokbo.max.per.order": "2000000",
            "sokbo.max.orders.per.day": "1000000", "sokbo.buys.per.ticker.per.day": "1000000", "sokbo.cooldown.seconds": "0",
            // The position limits (issue 11) would stop entries once ten stocks are held: the benchmarks buy and keep.
            "sokbo.max.open.positions": "0", "sokbo.daily.loss.limit": "0",
        ]
        if !paced {
            // The client's own Kiwoom pacing (1 request/s per api-id by default) would measure the limiter, not the path.
            for key in ["queries", "orders", "api.id"] {
                values["kiwoom.\(key).per.second"] = "100000"
                values["kiwoom.\(key).burst"] = "100000"
            }
        }
        values.merge(extra) { _, new in new }
        let reader = ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        })))
        var logger = Logger(label: "bench")
        logger.logLevel = logLevel
        let sokbo = try await buildApplication(reader: reader, logger: logger)
        guard let venues = sokbo.simulated else { throw BenchError("not in simulate mode") }
        // Unpaced runs lift the simulator's venue limits as well (simulate mode keeps them on).
        if !paced { venues.kiwoom.setRateLimitsEnabled(false) }
        let app = TradingBenchApp(sokbo: sokbo, venues: venues)
        return try await sokbo.withRunning { port in
            try await app.waitUntilReady()
            return try await body(app, port)
        }
    }

    /// Waits (up to 30 s) for the news socket and, with the realtime feed, every watched stock's live quote.
    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while await venues.ls.counters().subscriptionsAccepted == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if let realtime = sokbo.kiwoomRealtime {
            while realtime.status().liveQuotes < realtime.status().watched, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
