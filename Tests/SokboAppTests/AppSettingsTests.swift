import Configuration
import Simulator
import Storage
import Testing
@testable import SokboApp

@Suite struct AppSettingsTests {
    @Test func defaultsAreSimulateOnLoopbackWithSQLiteInTheDataDirectory() throws {
        let settings = try AppSettings(reader: reader([:]))
        #expect(settings.mode == .simulate)
        #expect(settings.httpHost == "127.0.0.1")
        #expect(settings.httpPort == 8080)
        #expect(settings.flushInterval == .milliseconds(1000))
        guard case .sqlite(let path) = settings.database else {
            Issue.record("default database is not SQLite")
            return
        }
        #expect(path.hasSuffix("/data/sokbo.sqlite"))
    }

    @Test func theDocumentedEnvironmentNamesAreRead() throws {
        let env = EnvironmentVariablesProvider(environmentVariables: [
            "SOKBO_MODE": "mock", "SOKBO_HTTP_HOST": "127.0.0.2", "SOKBO_HTTP_PORT": "9090",
            "SOKBO_DATABASE_URL": "mysql://u:p%40ss@db.local:3307/sokbo", "SOKBO_FLUSH_INTERVAL_MS": "250",
            "SOKBO_API_TOKEN": "abc", "SOKBO_DATA_DIR": "/tmp/sokbo-data",
        ])
        let settings = try AppSettings(reader: ConfigReader(provider: env))
        #expect(settings.mode == .mock)
        #expect(settings.httpHost == "127.0.0.2")
        #expect(settings.httpPort == 9090)
        #expect(settings.flushInterval == .milliseconds(250))
        #expect(settings.apiToken == "abc")
        #expect(settings.dataDirectory == "/tmp/sokbo-data")
        #expect(settings.database == .mysql(MySQLSettings(host: "db.local", port: 3307, user: "u", password: "p@ss", database: "sokbo")))
        #expect(!settings.database.description.contains("p@ss"))
    }

    @Test(arguments: [
        ("SOKBO_HTTP_PORT", "eighty", "sokbo.http.port"),
        ("SOKBO_HTTP_PORT", "70000", "sokbo.http.port"),
        ("SOKBO_MODE", "yolo", "sokbo.mode"),
        ("SOKBO_FLUSH_INTERVAL_MS", "-5", "sokbo.flush.interval.ms"),
        ("SOKBO_DATABASE_URL", "postgres://x/y", "sokbo.database.url"),
        ("SOKBO_DATABASE_URL", "sqlite://relative.db", "sokbo.database.url"),
        // One per scope: each must be reported under the name the user set, not under `SOKBO_…`.
        ("SOKBO_COOLDOWN_SECONDS", "-1", "sokbo.cooldown.seconds"),
        ("SOKBO_SIMULATOR_NEWS_PER_SECOND", "abc", "sokbo.simulator.news.per.second"),
        ("LS_PING_INTERVAL_MS", "abc", "ls.ping.interval.ms"),
        ("KIWOOM_QUERIES_PER_SECOND", "abc", "kiwoom.queries.per.second"),
        ("DART_BASE_URL", "ftp://example.test", "dart.base.url"),
    ])
    func aBadValueStopsStartUpNamingTheKey(name: String, value: String, key: String) {
        let env = EnvironmentVariablesProvider(environmentVariables: [name: value])
        do {
            _ = try ProcessSettings(reader: ConfigReader(provider: env))
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.key == key)
            #expect(error.environmentName == name)
            #expect(error.description.hasPrefix("\(name) (\(key)): invalid value"), "\(error.description)")
        }
    }

    @Test func theRealtimeWatchlistIsReadAndChecked() throws {
        let watched = try VenueSettings(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: [
            "KIWOOM_REALTIME_WATCHLIST": " 005930, 000660,005930 ", "KIWOOM_WS_URL": "wss://example.test:10000/api/dostk/websocket",
            "KIWOOM_APPKEY": "k", "KIWOOM_SECRETKEY": "s", "LS_APPKEY": "k", "LS_APPSECRETKEY": "s",
        ])), mode: .mock)
        #expect(watched.kiwoomRealtime.watchlist.map(\.code) == ["005930", "000660"])
        #expect(watched.kiwoomRealtime.webSocketURL == "wss://example.test:10000/api/dostk/websocket")
        let mock = try VenueSettings(reader: reader(["kiwoom.appkey": "k", "kiwoom.secretkey": "s", "ls.appkey": "k", "ls.appsecretkey": "s"]), mode: .mock)
        #expect(mock.kiwoomRealtime.watchlist.isEmpty, "off unless configured outside simulate mode")
        #expect(mock.kiwoomRealtime.webSocketURL == "wss://mockapi.kiwoom.com:10000/api/dostk/websocket")
        let simulate = try VenueSettings(reader: reader([:]), mode: .simulate)
        #expect(simulate.kiwoomRealtime.watchlist.count == KiwoomSimulator.universe.count, "simulate mode watches the simulated universe")
        #expect(try VenueSettings(reader: reader(["kiwoom.realtime.watchlist": "none"]), mode: .simulate).kiwoomRealtime.watchlist.isEmpty)
        #expect(throws: SettingsError.self) { try VenueSettings(reader: reader(["kiwoom.realtime.watchlist": "005930,samsung"]), mode: .simulate) }
        #expect(throws: SettingsError.self) { try VenueSettings(reader: reader(["kiwoom.ws.url": "https://x"]), mode: .simulate) }
        #expect(simulate.kiwoomRealtime.evictionBackoff == .seconds(300), "R10001 keeps the feed away for 5 minutes by default")
        #expect(try VenueSettings(reader: reader(["kiwoom.realtime.eviction.backoff.seconds": "900"]), mode: .simulate).kiwoomRealtime.evictionBackoff == .seconds(900))
        #expect(throws: SettingsError.self) { try VenueSettings(reader: reader(["kiwoom.realtime.eviction.backoff.seconds": "0"]), mode: .simulate) }
    }

    @Test func liveTradingNeedsExplicitConfirmation() throws {
        #expect(throws: SettingsError.self) { try AppSettings(reader: reader(["sokbo.mode": "live"])) }
        let confirmed = try AppSettings(reader: reader(["sokbo.mode": "live", "sokbo.live.confirm": "yes"]))
        #expect(confirmed.mode == .live)
    }

    @Test func bindingBeyondLoopbackNeedsAConfiguredToken() throws {
        #expect(throws: SettingsError.self) { try AppSettings(reader: reader(["sokbo.http.host": "0.0.0.0"])) }
        _ = try AppSettings(reader: reader(["sokbo.http.host": "0.0.0.0", "sokbo.api.token": "t"]))
    }
}
