import Configuration
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
    ])
    func aBadValueStopsStartUpNamingTheKey(name: String, value: String, key: String) {
        let env = EnvironmentVariablesProvider(environmentVariables: [name: value])
        #expect(throws: SettingsError.self) { try AppSettings(reader: ConfigReader(provider: env)) }
        do {
            _ = try AppSettings(reader: ConfigReader(provider: env))
        } catch {
            #expect(error.key == key)
            #expect(error.description.hasPrefix(name))
        }
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
