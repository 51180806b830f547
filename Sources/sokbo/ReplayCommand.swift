import ArgumentParser
import Configuration
import Foundation
import Kiwoom
import Logging
import Replay
import Simulator
import SokboApp
import SokboCore
import Storage

/// `sokbo replay`: what the rules would have earned on recorded days, through the live engine.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded days through the trading engine on a virtual clock and report what the rules earned.")

    @Option(name: .long, help: "First KST day (YYYY-MM-DD or YYYYMMDD).")
    var from: String?
    @Option(name: .long, help: "Last KST day, inclusive (default: --from).")
    var to: String?
    @Option(name: .long, help: "A JSONL recording (`sokbo record export`, `-` for standard input) instead of the database.")
    var input: String?
    @Option(name: .long, help: "Another rules file (default: SOKBO_RULES_FILE or the shipped rules).")
    var rules: String?
    @Option(name: .long, help: "Order latency: an order reaches the market this long after its headline (default 300).")
    var latencyMs: Int = 300
    @Option(name: .long, help: "Ticks of slippage against every fill (default 1).")
    var slippageTicks: Int = 1
    @Option(name: .long, help: "KST time still-open positions are sold at (HH:MM, default 15:20).")
    var flattenAt: String = "15:20"
    @Option(name: .long, help: "A what-if sweep: rule.key=a,b,c runs one replay per value, side by side.")
    var set: String?
    @Flag(name: .long, help: "Print JSON (byte-identical for the same inputs) instead of the table.")
    var json = false
    @Option(name: .long, help: "Also write a self-contained HTML report here.")
    var report: String?
    @Option(name: .long, help: "Database URL (env SOKBO_DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .long, help: "Data directory (env SOKBO_DATA_DIR).")
    var dataDir: String?
    @Flag(name: .long, inversion: .prefixedNo,
          help: "Fetch a stock's missing minute candles (ka10080) through Kiwoom (mock/live keys; the built-in simulator in simulate mode), store and use them. Default: on for the database's days, off for --input.")
    var fetchMissing: Bool?

    func run() async throws {
        let reader = ReplayCLI.reader(databaseURL: databaseURL, dataDir: dataDir, rules: rules)
        let trading: TradingSettings
        do {
            // Replays keep the venue's hours: `always` (simulate's default) would trade at midnight.
            trading = try TradingSettings(reader: reader, mode: .mock)
        } catch { throw ValidationError("\(error)") }
        guard latencyMs >= 0, slippageTicks >= 0 else { throw ValidationError("--latency-ms and --slippage-ticks must be 0 or more") }
        guard let flatten = ReplayCLI.seconds(flattenAt) else { throw ValidationError("--flatten-at must be HH:MM") }
        let fromDay = try from.map(ReplayCLI.day)
        let toDay = try (to ?? from).map(ReplayCLI.day)
        if input == nil, fromDay == nil { throw ValidationError("give --from (and --to) to replay the database, or --input a recording") }
        var variants: [(label: String?, rules: RuleSet)] = [(nil, trading.rules)]
        if let set {
            let override = try RuleOverride(parsing: set)
            let yaml = try rules.map { try String(contentsOfFile: $0, encoding: .utf8) }
                ?? reader.string(forKey: "sokbo.rules.file").map { try String(contentsOfFile: $0, encoding: .utf8) } ?? RuleFile.defaultYAML
            variants = try override.values.map { (override.label($0), try override.apply($0, to: yaml)) }
        }
        let fetch = fetchMissing ?? (input == nil)
        let store: (any Store)?
        // The database: the days replayed, and where fetched candles are kept.
        if input == nil || fetch {
            let settings: AppSettings
            do { settings = try AppSettings(reader: reader) } catch { throw ValidationError("\(error)") }
            store = try await settings.database.openStore(logger: Logger(label: "sokbo.replay"))
        } else { store = nil }
        let kiwoom: KiwoomConfiguration?
        do { kiwoom = fetch ? try KiwoomConfiguration.configured(reader: reader) : nil } catch { throw ValidationError("\(error)") }
        let seed = reader.string(forKey: "sokbo.simulator.seed").flatMap(UInt64.init) ?? 7
        let model = FillModel(latencyMilliseconds: latencyMs, slippageTicks: slippageTicks)
        let input = input, runs = variants
        let results = try await Self.withCandleSource(fetch: fetch, kiwoom: kiwoom, seed: seed) { broker in
            try await Self.runVariants(runs, trading: trading, model: model, flatten: flatten, fromDay: fromDay, toDay: toDay,
                                       input: input, store: store, fetcher: broker.map { CandleFetcher(broker: $0, store: store) })
        }
        try? await store?.close()
        if json {
            FileHandle.standardOutput.write(try ReplayOutput.json(results))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(ReplayOutput.table(results), terminator: "")
        }
        if let report {
            try ReplayHTMLReport.page(results).write(toFile: report, atomically: true, encoding: .utf8)
            FileHandle.standardError.write(Data("report written to \(report)\n".utf8))
        }
    }

    /// Runs `body` with the broker missing candles are fetched through: Kiwoom as configured, or the built-in
    /// simulator (run for the duration) in simulate mode; nil when fetching is off.
    static func withCandleSource<T: Sendable>(fetch: Bool, kiwoom: KiwoomConfiguration?, seed: UInt64,
                                              _ body: @Sendable (KiwoomBroker?) async throws -> T) async throws -> T {
        guard fetch else { return try await body(nil) }
        var logger = Logger(label: "sokbo.replay")
        logger.logLevel = .error
        if let kiwoom { return try await body(KiwoomBroker(configuration: kiwoom, logger: logger)) }
        let simulator = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(seed: seed), logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await simulator.run()
                return nil
            }
            defer { group.cancelAll() }
            let url = try await simulator.baseURL()
            return try await body(KiwoomBroker(configuration: KiwoomConfiguration(baseURL: url, appKey: KiwoomConfiguration.simulatorAppKey,
                                                                                   secretKey: KiwoomConfiguration.simulatorSecretKey),
                                               logger: logger))
        }
    }

    static func runVariants(_ variants: [(label: String?, rules: RuleSet)], trading: TradingSettings, model: FillModel, flatten: Int,
                            fromDay: String?, toDay: String?, input: String?, store: (any Store)?,
                            fetcher: CandleFetcher?) async throws -> [ReplayResult] {
        var results: [ReplayResult] = []
        for variant in variants {
            var configuration = ReplayConfiguration(rules: variant.rules, limits: trading.limits, calendar: trading.calendar,
                                                    model: model, costs: trading.costs,
                                                    flattenAt: flatten, fromDay: fromDay, toDay: toDay,
                                                    dailyLossLimit: trading.dailyLossLimit, maxOpenPositions: trading.maxOpenPositions)
            configuration.fetchMissing = fetcher
            let driver = ReplayDriver(configuration: configuration)
            let label = variant.label.map { " [\($0)]" } ?? ""
            let progress: (ReplayProgress) -> Void = { p in
                FileHandle.standardError.write(Data("\rreplay\(label) \(p.day): \(p.lines) lines, \(p.headlines) headlines, \(p.trades) plans   ".utf8))
            }
            var result: ReplayResult
            if let input {
                var source = try JSONLRecordSource(path: input)
                result = try await driver.run(&source, progress: progress)
            } else {
                var source = try StoreRecordSource(store: store!, from: fromDay!, to: toDay!)
                result = try await driver.run(&source, progress: progress)
            }
            FileHandle.standardError.write(Data("\n".utf8))
            result.variant = variant.label
            results.append(result)
        }
        if let counts = fetcher?.fetchedAndFailed, counts.fetched + counts.failed > 0 {
            FileHandle.standardError.write(Data("missing candles fetched for \(counts.fetched) stock-days (\(counts.failed) not available)\n".utf8))
        }
        return results
    }
}

/// `sokbo record export|import`: recorded days as JSONL, to share a day and replay it elsewhere.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Export or import recorded days (headlines, disclosures, minute candles) as JSONL.",
        subcommands: [Export.self, Import.self, RecordSample.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write recorded days to standard output as JSONL.")
        @Option(name: .long, help: "First KST day (YYYY-MM-DD or YYYYMMDD).")
        var from: String
        @Option(name: .long, help: "Last KST day, inclusive (default: --from).")
        var to: String?
        @Option(name: .long, help: "Database URL (env SOKBO_DATABASE_URL).")
        var databaseURL: String?
        @Option(name: .long, help: "Data directory (env SOKBO_DATA_DIR).")
        var dataDir: String?

        func run() async throws {
            let store = try await ReplayCLI.openStore(databaseURL: databaseURL, dataDir: dataDir)
            let output = FileHandle.standardOutput
            let lines = try await RecordTransfer.export(store: store, from: try ReplayCLI.day(from), to: try ReplayCLI.day(to ?? from)) {
                output.write($0)
            }
            try? await store.close()
            FileHandle.standardError.write(Data("exported \(lines) lines\n".utf8))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read a JSONL recording into the database (rows already there are skipped).")
        @Argument(help: "The recording (default: standard input).")
        var file: String = "-"
        @Option(name: .long, help: "Database URL (env SOKBO_DATABASE_URL).")
        var databaseURL: String?
        @Option(name: .long, help: "Data directory (env SOKBO_DATA_DIR).")
        var dataDir: String?

        func run() async throws {
            let store = try await ReplayCLI.openStore(databaseURL: databaseURL, dataDir: dataDir)
            var source = try JSONLRecordSource(path: file)
            let rows = try await RecordTransfer.importLines(&source, into: store)
            try? await store.close()
            FileHandle.standardError.write(Data("imported \(rows) new rows\n".utf8))
        }
    }
}

/// Helpers the replay and record commands share.
enum ReplayCLI {
    /// Command line over environment (the server's keys).
    static func reader(databaseURL: String?, dataDir: String?, rules: String? = nil) -> ConfigReader {
        var cli: [AbsoluteConfigKey: ConfigValue] = [:]
        func put(_ key: String, _ value: String?) {
            if let value { cli[AbsoluteConfigKey(stringLiteral: key)] = .init(.string(value), isSecret: false) }
        }
        put("sokbo.database.url", databaseURL)
        put("sokbo.data.dir", dataDir)
        put("sokbo.rules.file", rules)
        return ConfigReader(providers: [InMemoryProvider(name: "command line", values: cli), EnvironmentVariablesProvider()])
    }

    static func openStore(databaseURL: String?, dataDir: String?) async throws -> any Store {
        let settings: AppSettings
        do { settings = try AppSettings(reader: reader(databaseURL: databaseURL, dataDir: dataDir)) } catch { throw ValidationError("\(error)") }
        return try await settings.database.openStore(logger: Logger(label: "sokbo.record"))
    }

    /// `2026-11-02` or `20261102` → `20261102`.
    static func day(_ text: String) throws -> String {
        let digits = text.replacingOccurrences(of: "-", with: "")
        guard digits.count == 8, KST.date(yyyymmdd: digits, hhmmss: "000000") != nil else { throw ValidationError("not a day: \(text) (YYYY-MM-DD)") }
        return digits
    }

    /// `HH:MM` → seconds after midnight.
    static func seconds(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 3600 + m * 60
    }
}
