import Configuration
import Simulator
import Testing
@testable import SokboApp

/// `SOKBO_SIMULATOR_URL` on a node, and the settings of `sokbo simulator` by their environment names.
@Suite struct SimulatorSettingsTests {
    @Test func aNodeTakesAnExternalSimulatorInSimulateModeOnly() throws {
        let external = try VenueSettings(reader: reader(["sokbo.simulator.url": "http://127.0.0.1:8090"]), mode: .simulate)
        #expect(external.simulator?.externalURL == "http://127.0.0.1:8090")
        #expect(try VenueSettings(reader: reader([:]), mode: .simulate).simulator?.externalURL == nil, "embedded by default")
        let notHTTP = #expect(throws: SettingsError.self) {
            try VenueSettings(reader: reader(["sokbo.simulator.url": "ws://127.0.0.1:8090"]), mode: .simulate)
        }
        #expect(notHTTP?.environmentName == "SOKBO_SIMULATOR_URL")
        let mock = #expect(throws: SettingsError.self) {
            try VenueSettings(reader: reader(["sokbo.simulator.url": "http://127.0.0.1:8090", "kiwoom.appkey": "k", "kiwoom.secretkey": "s",
                                              "ls.appkey": "k", "ls.appsecretkey": "s"]), mode: .mock)
        }
        #expect(mock?.environmentName == "SOKBO_SIMULATOR_URL")
    }

    @Test func theStandaloneSimulatorReadsItsDocumentedEnvironmentNames() throws {
        let env = EnvironmentVariablesProvider(environmentVariables: [
            "SOKBO_SIMULATOR_HOST": "0.0.0.0", "SOKBO_SIMULATOR_CONTROL_PORT": "9001", "SOKBO_SIMULATOR_KIWOOM_PORT": "9002",
            "SOKBO_SIMULATOR_KIWOOM_WS_PORT": "9003", "SOKBO_SIMULATOR_LS_PORT": "9004", "SOKBO_SIMULATOR_LS_WS_PORT": "9005",
            "SOKBO_SIMULATOR_DART_PORT": "9006", "SOKBO_SIMULATOR_REQUEST_LOG": "/tmp/venue.jsonl", "SOKBO_SIMULATOR_SEED": "11",
            "SOKBO_SIMULATOR_NEWS_PER_SECOND": "0", "SOKBO_SIMULATOR_CASH": "5000000", "KIWOOM_APPKEY": "appkey-x",
            "KIWOOM_SECRETKEY": "secret-x", "DART_API_KEY": "dartkey-x",
            "SOKBO_SIMULATOR_TELEGRAM": "on", "SOKBO_SIMULATOR_TELEGRAM_PORT": "9007", "SOKBO_ALERTS_TELEGRAM_TOKEN": "42:bot-x",
        ])
        let settings = try StandaloneSimulatorSettings(reader: ConfigReader(provider: env))
        let c = settings.configuration
        #expect(c.host == "0.0.0.0")
        #expect([c.controlPort, c.kiwoomPort, c.kiwoomRealtimePort, c.lsPort, c.lsWebSocketPort, c.dartPort] == [9001, 9002, 9003, 9004, 9005, 9006])
        #expect(settings.requestLogPath == "/tmp/venue.jsonl")
        #expect(c.seed == 11 && c.headlinesPerSecond == 0 && c.startingCash == 5_000_000)
        #expect(c.kiwoomAppKey == "appkey-x" && c.kiwoomSecretKey == "secret-x" && c.dartAPIKeys == ["dartkey-x"])
        #expect(c.telegram && c.telegramPort == 9007 && c.telegramToken == "42:bot-x")

        let defaults = try StandaloneSimulatorSettings(reader: reader([:]))
        #expect(defaults.configuration.host == "127.0.0.1" && defaults.configuration.controlPort == 8090 && defaults.configuration.kiwoomPort == 0)
        #expect(!defaults.configuration.telegram && defaults.configuration.telegramToken == TelegramSimulator.simulatedToken, "no fake Bot API by default")
        #expect(defaults.requestLogPath == nil)
        let badPort = #expect(throws: SettingsError.self) { try StandaloneSimulatorSettings(reader: reader(["sokbo.simulator.ls.port": "70000"])) }
        #expect(badPort?.environmentName == "SOKBO_SIMULATOR_LS_PORT")
    }
}
