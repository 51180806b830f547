import Configuration
import Simulator

/// The settings of `sokbo simulator`, the simulated venues on their own (the `sokbo.simulator` scope, and the
/// venues' keys so one environment serves the simulator and the nodes that use it).
///
/// | key (env) | default | meaning |
/// |---|---|---|
/// | `SOKBO_SIMULATOR_HOST` | `127.0.0.1` | bind address of every server |
/// | `SOKBO_SIMULATOR_CONTROL_PORT` | `8090` | the control endpoint, the one address a node needs (`SOKBO_SIMULATOR_URL`) |
/// | `SOKBO_SIMULATOR_KIWOOM_PORT`, `…_KIWOOM_WS_PORT` | `0` (free) | Kiwoom REST, Kiwoom realtime |
/// | `SOKBO_SIMULATOR_LS_PORT`, `…_LS_WS_PORT` | `0` | LS REST, LS NWS WebSocket |
/// | `SOKBO_SIMULATOR_DART_PORT` | `0` | Open DART |
/// | `SOKBO_SIMULATOR_REQUEST_LOG` | none | file the request log is appended to (JSON lines) |
/// | `SOKBO_SIMULATOR_SEED`, `…_NEWS_PER_SECOND`, `…_CASH` | random, `0.5`, `100000000` | as in simulate mode |
/// | `KIWOOM_APPKEY`, `KIWOOM_SECRETKEY`, `DART_API_KEY` | simulate mode's keys | keys the venues accept |
/// | `SOKBO_SIMULATOR_TELEGRAM`, `…_TELEGRAM_PORT` | `off`, `0` | also serve the fake Telegram Bot API and webhook sink, and where |
/// | `SOKBO_ALERTS_TELEGRAM_TOKEN` | simulate mode's fake token | the bot token the fake Bot API accepts |
public struct StandaloneSimulatorSettings: Sendable {
    /// The venues' configuration.
    public var configuration: StandaloneSimulator.Configuration
    /// Where the request log is appended, if anywhere.
    public var requestLogPath: String?

    /// Reads and validates the settings; the first bad value is a `SettingsError` naming its variable.
    public init(reader: ConfigReader) throws(SettingsError) {
        let scope = reader.settingsScope("sokbo.simulator")
        var configuration = StandaloneSimulator.Configuration()
        configuration.host = try scope.parse("host", default: configuration.host) { $0.isEmpty ? nil : $0 }
        let port: (String) -> Int? = { Int($0).flatMap { (0...65_535).contains($0) ? $0 : nil } }
        configuration.controlPort = try scope.parse("control.port", default: 8090, port)
        configuration.kiwoomPort = try scope.parse("kiwoom.port", default: 0, port)
        configuration.kiwoomRealtimePort = try scope.parse("kiwoom.ws.port", default: 0, port)
        configuration.lsPort = try scope.parse("ls.port", default: 0, port)
        configuration.lsWebSocketPort = try scope.parse("ls.ws.port", default: 0, port)
        configuration.dartPort = try scope.parse("dart.port", default: 0, port)
        configuration.seed = try scope.parse("seed", default: UInt64(UInt32.random(in: 1...UInt32.max))) { UInt64($0) }
        configuration.headlinesPerSecond = try scope.parse("news.per.second", default: 0.5) {
            Double($0).flatMap { $0 >= 0 && $0 <= 10_000 ? $0 : nil }
        }
        configuration.startingCash = try scope.parse("cash", default: configuration.startingCash) { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        let kiwoom = reader.settingsScope("kiwoom")
        configuration.kiwoomAppKey = kiwoom.string(forKey: "appkey", isSecret: true) ?? configuration.kiwoomAppKey
        configuration.kiwoomSecretKey = kiwoom.string(forKey: "secretkey", isSecret: true) ?? configuration.kiwoomSecretKey
        if let key = reader.settingsScope("dart").string(forKey: "api.key", isSecret: true) { configuration.dartAPIKeys = [key] }
        configuration.telegram = try scope.parse("telegram", default: false) { AlertsSettings.flag($0) }
        configuration.telegramPort = try scope.parse("telegram.port", default: 0, port)
        if let token = reader.settingsScope("sokbo.alerts").string(forKey: "telegram.token", isSecret: true), !token.isEmpty {
            configuration.telegramToken = token
        }
        self.configuration = configuration
        let path = scope.string(forKey: "request.log")
        requestLogPath = path?.isEmpty == true ? nil : path
    }
}
