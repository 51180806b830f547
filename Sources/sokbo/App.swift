import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import Replay
import ServiceLifecycle
import SokboApp
import SokboCore

/// `sokbo`: the news-driven trading server. `sokbo` alone is `sokbo serve`.
@main
struct SokboCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sokbo",
        abstract: "News-driven trading server for the Korean stock market.",
        subcommands: [Serve.self, ReplayCommand.self, RecordCommand.self, SimulatorCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Runs the server, the news listener and the flush service in one service group.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API and trade on news (the default).")

    @Option(name: .long, help: "simulate | mock | live (env SOKBO_MODE).")
    var mode: String?
    @Option(name: .long, help: "Bind host (env SOKBO_HTTP_HOST, default 127.0.0.1).")
    var host: String?
    @Option(name: .long, help: "Bind port (env SOKBO_HTTP_PORT, default 8080).")
    var port: String?
    @Option(name: .long, help: "Database URL (env SOKBO_DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .long, help: "Data directory (env SOKBO_DATA_DIR, default ./data).")
    var dataDir: String?
    @Option(name: .long, help: "A JSON configuration file (env SOKBO_CONFIG_FILE), below the environment in priority.")
    var config: String?
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (env LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        // Every log line goes through the redactor: secrets are registered before anything is logged.
        LoggingSystem.bootstrap { label in
            RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label), redactor: .shared)
        }
        let reader: ConfigReader
        do {
            reader = try await makeReader()
        } catch {
            throw ValidationError("configuration file: \(error)")
        }
        SecretRedactor.shared.registerSecrets(in: reader)
        let sokbo: Sokbo
        do {
            sokbo = try await buildApplication(reader: reader)
        } catch let error as SettingsError {
            throw ValidationError("\(error)")
        }
        SecretRedactor.shared.register(sokbo.apiToken)
        let recording = try recordingService(reader: reader, sokbo: sokbo)
        var configuration = ServiceGroupConfiguration(
            // Shut down in reverse: the recorder stops before the application closes the store.
            services: [sokbo.application, recording],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: sokbo.application.logger
        )
        // Bounded shutdown: past this, remaining services are cancelled (the flush service spills first).
        configuration.maximumGracefulShutdownDuration = sokbo.settings.shutdownTimeout
        try await ServiceGroup(configuration: configuration).run()
    }

    /// The candle recorder for replays (`SOKBO_RECORD_CANDLES_AT`, `SOKBO_RECORD_RETENTION_DAYS`).
    func recordingService(reader: ConfigReader, sokbo: Sokbo) throws -> CandleRecordingService {
        let at = reader.string(forKey: "sokbo.record.candles.at") ?? "16:00"
        var settings = RecordingSettings()
        if at == "off" { settings.at = nil } else {
            guard let seconds = ReplayCLI.seconds(at) else {
                throw ValidationError("SOKBO_RECORD_CANDLES_AT (sokbo.record.candles.at): expected HH:MM (KST) or off, got \(at)")
            }
            settings.at = seconds
        }
        if let days = reader.string(forKey: "sokbo.record.retention.days") {
            guard let value = Int(days), value > 0 else {
                throw ValidationError("SOKBO_RECORD_RETENTION_DAYS (sokbo.record.retention.days): expected a positive number of days, got \(days)")
            }
            settings.retentionDays = value
        }
        let calendar: MarketCalendar
        do { calendar = try TradingSettings(reader: reader, mode: sokbo.settings.mode).calendar } catch { throw ValidationError("\(error)") }
        return CandleRecordingService(broker: sokbo.broker, store: sokbo.store, calendar: calendar, settings: settings,
                                      logger: Logger(label: "sokbo.record"))
    }

    /// Command line over environment over the config file over defaults.
    func makeReader() async throws -> ConfigReader {
        var cli: [AbsoluteConfigKey: ConfigValue] = [:]
        func put(_ key: String, _ value: String?) {
            if let value { cli[AbsoluteConfigKey(stringLiteral: key)] = .init(.string(value), isSecret: false) }
        }
        put("sokbo.mode", mode)
        put("sokbo.http.host", host)
        put("sokbo.http.port", port)
        put("sokbo.database.url", databaseURL)
        put("sokbo.data.dir", dataDir)
        put("log.level", logLevel)
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: cli),
            EnvironmentVariablesProvider(secretsSpecifier: .dynamic { key, _ in
                key.contains("TOKEN") || key.contains("SECRET") || key.contains("APPKEY") || key.contains("PASSWORD")
                    || key.contains("API_KEY") || key.contains("DATABASE_URL")
            }),
        ]
        if let file = config ?? ProcessInfo.processInfo.environment["SOKBO_CONFIG_FILE"] {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
        }
        return ConfigReader(providers: providers)
    }
}
