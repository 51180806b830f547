import ArgumentParser
import Configuration
import Foundation
import Logging
import ServiceLifecycle
import Simulator
import SokboApp

/// `sokbo simulator`: the simulated Kiwoom, LS and DART venues on their own, with a control endpoint and a
/// request log, so several `sokbo serve` processes (`SOKBO_SIMULATOR_URL`) can share one paper venue.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run the simulated venues (Kiwoom, LS, DART) on their own, with a control endpoint and a request log.",
        discussion: """
            Once every server listens, one JSON line on stdout gives the ports: \
            {"event":"listening","host":…,"control":…,"kiwoom":…,"kiwoomRealtime":…,"ls":…,"lsWebSocket":…,"dart":…} \
            (and "telegram":… with --telegram). \
            Logs go to stderr. SIGINT or SIGTERM stops it (exit 0).
            """)

    @Option(name: .long, help: "Bind address (env SOKBO_SIMULATOR_HOST, default 127.0.0.1).")
    var host: String?
    @Option(name: .long, help: "Control endpoint port (env SOKBO_SIMULATOR_CONTROL_PORT, default 8090; 0: free).")
    var controlPort: String?
    @Option(name: .long, help: "Kiwoom REST port (env SOKBO_SIMULATOR_KIWOOM_PORT, default 0: free).")
    var kiwoomPort: String?
    @Option(name: .long, help: "Kiwoom realtime WebSocket port (env SOKBO_SIMULATOR_KIWOOM_WS_PORT, default 0).")
    var kiwoomWsPort: String?
    @Option(name: .long, help: "LS REST port (env SOKBO_SIMULATOR_LS_PORT, default 0).")
    var lsPort: String?
    @Option(name: .long, help: "LS NWS WebSocket port (env SOKBO_SIMULATOR_LS_WS_PORT, default 0).")
    var lsWsPort: String?
    @Option(name: .long, help: "DART port (env SOKBO_SIMULATOR_DART_PORT, default 0).")
    var dartPort: String?
    @Option(name: .long, help: "Append the request log to this file, one JSON line per entry (env SOKBO_SIMULATOR_REQUEST_LOG).")
    var requestLog: String?
    @Option(name: .long, help: "Random seed (env SOKBO_SIMULATOR_SEED, default random).")
    var seed: String?
    @Option(name: .long, help: "Generated headlines per second (env SOKBO_SIMULATOR_NEWS_PER_SECOND, default 0.5).")
    var newsPerSecond: String?
    @Option(name: .long, help: "Log level (env LOG_LEVEL, default info).")
    var logLevel: String?
    @Option(name: .long, help: "Also serve the fake Telegram Bot API and webhook sink: on or off (env SOKBO_SIMULATOR_TELEGRAM, default off).")
    var telegram: String?
    @Option(name: .long, help: "Port of the fake Telegram Bot API and webhook sink (env SOKBO_SIMULATOR_TELEGRAM_PORT, default 0: free).")
    var telegramPort: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label), redactor: .shared)
        }
        let reader = makeReader()
        SecretRedactor.shared.registerSecrets(in: reader)
        let settings: StandaloneSimulatorSettings
        do { settings = try StandaloneSimulatorSettings(reader: reader) } catch { throw ValidationError("\(error)") }
        let logger = {
            var logger = Logger(label: "sokbo.simulator")
            logger.logLevel = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
            return logger
        }()
        let simulator = StandaloneSimulator(configuration: settings.configuration, logger: logger)
        if !["127.0.0.1", "localhost", "::1"].contains(settings.configuration.host) {
            logger.warning("the control endpoint has no token: anyone who reaches \(settings.configuration.host) can move this venue")
        }
        let writer = try settings.requestLogPath.map { path in
            do { return try simulator.requestLog.openFile(path) } catch { throw ValidationError("request log \(path): \(error)") }
        }
        let group = ServiceGroup(configuration: .init(services: simulator.services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            // Not cancelled before `closeFile()`, so the file gets every entry.
            if let writer { tasks.addTask { try await writer() } }
            tasks.addTask {
                defer { simulator.requestLog.closeFile() }
                try await withThrowingTaskGroup(of: Void.self) { inner in
                    inner.addTask { try await group.run() }
                    inner.addTask {
                        let ports = try await simulator.ports()
                        Self.announce(ports)
                        logger.info("simulator listening", metadata: ["control": "\(ports.urls().control)"])
                    }
                    try await inner.waitForAll()
                }
            }
            try await tasks.waitForAll()
        }
    }

    /// The ports as one JSON line on stdout, written at once (a test or script reads it).
    static func announce(_ ports: SimulatorPorts) {
        FileHandle.standardOutput.write(Data((ports.listeningLine() + "\n").utf8))
    }

    /// Command line over environment.
    func makeReader() -> ConfigReader {
        var cli: [AbsoluteConfigKey: ConfigValue] = [:]
        func put(_ key: String, _ value: String?) {
            if let value { cli[AbsoluteConfigKey(stringLiteral: key)] = .init(.string(value), isSecret: false) }
        }
        put("sokbo.simulator.host", host)
        put("sokbo.simulator.control.port", controlPort)
        put("sokbo.simulator.kiwoom.port", kiwoomPort)
        put("sokbo.simulator.kiwoom.ws.port", kiwoomWsPort)
        put("sokbo.simulator.ls.port", lsPort)
        put("sokbo.simulator.ls.ws.port", lsWsPort)
        put("sokbo.simulator.dart.port", dartPort)
        put("sokbo.simulator.request.log", requestLog)
        put("sokbo.simulator.seed", seed)
        put("sokbo.simulator.news.per.second", newsPerSecond)
        put("sokbo.simulator.telegram", telegram)
        put("sokbo.simulator.telegram.port", telegramPort)
        put("log.level", logLevel)
        return ConfigReader(providers: [
            InMemoryProvider(name: "command line", values: cli),
            EnvironmentVariablesProvider(secretsSpecifier: .dynamic { key, _ in
                key.contains("TOKEN") || key.contains("SECRET") || key.contains("APPKEY") || key.contains("API_KEY")
            }),
        ])
    }
}
