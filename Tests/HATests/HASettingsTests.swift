import Configuration
import Foundation
import SokboApp
import SokboTestSupport
import Testing

/// `SOKBO_HA` and its keys, read as `sokbo serve` reads them.
@Suite struct HASettingsTests {
    static func build(_ values: [String: String]) async throws -> Sokbo {
        var all = ["sokbo.data.dir": TestStores.temporaryDirectory(), "sokbo.api.token": "t-0123456789", "sokbo.http.port": "0"]
        all.merge(values) { _, new in new }
        let provider = InMemoryProvider(values: Dictionary(uniqueKeysWithValues: all.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        }))
        return try await buildApplication(reader: ConfigReader(provider: provider), logger: TestStores.logger)
    }

    @Test func haOnSQLiteIsRefusedAtStartNamingTheKey() async throws {
        do {
            _ = try await Self.build(["sokbo.ha": "on"])
            Issue.record("SOKBO_HA=on started on SQLite")
        } catch let error as SettingsError {
            #expect(error.key == "sokbo.ha")
            #expect(error.description.hasPrefix("SOKBO_HA (sokbo.ha):"))
            #expect(error.message.contains("MySQL"))
        }
    }

    @Test func leaseTimingsThatCannotKeepOneActiveAreRefused() async throws {
        await #expect(throws: SettingsError.self) {
            _ = try await Self.build(["sokbo.ha": "on", "sokbo.database.url": "mysql://u:p@127.0.0.1:1/x", "sokbo.ha.demote.ms": "6000"])
        }
        await #expect(throws: SettingsError.self) { _ = try await Self.build(["sokbo.ha": "maybe"]) }
    }

    @Test func haIsOffByDefaultAndASingleNodeHasNoLease() async throws {
        let sokbo = try await Self.build([:])
        try await sokbo.withRunning { _ in #expect(sokbo.ha == nil) }
    }
}
