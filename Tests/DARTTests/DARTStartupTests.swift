import DART
import Foundation
import Simulator
import SokboCore
import Testing

@Suite("DART start-up")
struct DARTStartupTests {
    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-dart-\(UUID().uuidString)").path
    }

    @Test func badKeyStopsStartupNamingDARTAPIKey() async throws {
        try await withSimulator { simulator, base in
            let config = testConfiguration(base, key: "0123456789ABCDEF0123456789ABCDEF01234567")
            do throws(DARTStartupError) {
                _ = try await DARTAdapter.start(configuration: config, dataDirectory: temporaryDirectory(), logger: quietLogger)
                Issue.record("start-up should fail")
            } catch {
                #expect(error.key == "DART_API_KEY")
                #expect(error.description.contains("DART_API_KEY") && error.description.contains("010"))
                #expect(!error.description.contains("0123456789ABCDEF0123456789ABCDEF01234567"))
            }
            #expect(simulator.callCount == 1)
        }
    }

    @Test func disabledKeyStopsStartupToo() async throws {
        try await withSimulator { simulator, base in
            simulator.forceStatus("011")
            await #expect(throws: DARTStartupError.self) {
                _ = try await DARTAdapter.start(configuration: testConfiguration(base), dataDirectory: temporaryDirectory(), logger: quietLogger)
            }
        }
    }

    @Test(arguments: ["", "short-key", "0123456789ABCDEF0123456789ABCDEF0123456!"])
    func malformedOrMissingKeyIsRefusedBeforeAnyRequest(_ key: String) {
        #expect(throws: DARTStartupError.self) {
            try DARTAdapter.validate(testConfiguration("http://127.0.0.1:9/api/", key: key))
        }
        do throws(DARTStartupError) {
            try DARTAdapter.validate(testConfiguration("http://127.0.0.1:9/api/", key: key))
        } catch {
            #expect(error.key == "DART_API_KEY")
        }
    }

    @Test func startsFromTheCacheWhenDARTIsUnreachable() async throws {
        let data = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        var options = DARTSimulator.Options()
        options.unlistedCompanies = 500
        options.filingsPerDay = 0
        try await withSimulator(options) { simulator, base in
            // First start: DART answers, the map comes from the network and is cached.
            let first = try await DARTAdapter.start(configuration: testConfiguration(base), dataDirectory: data, logger: quietLogger)
            let fresh = await first.repository.snapshot()
            #expect(fresh.source == .network)
            #expect(fresh.entries == DARTCompanies.listed.count + 500)
            #expect(fresh.listed == DARTCompanies.listed.count)
            #expect(FileManager.default.fileExists(atPath: data + "/dart/corpCode.zip"))

            // Second start, cache considered stale, DART stops answering: start-up still succeeds from the cache.
            simulator.setUnreachable(true)
            var config = testConfiguration(base, timeout: .seconds(1))
            config.corpCodeMaxAge = 0
            let second = try await DARTAdapter.start(configuration: config, dataDirectory: data, logger: quietLogger)
            simulator.setUnreachable(false)
            let cached = await second.repository.snapshot()
            #expect(cached.source == .cache)
            #expect(cached.entries == fresh.entries)
            #expect(cached.ageSeconds != nil)
            #expect(second.startupWarning != nil)
            let map = try #require(await second.repository.map)
            #expect(map.corpCode(for: Ticker("000660")!) == "00164779")
            let status = await second.poller(consumers: []).status()
            #expect(status.mapSource == .cache && status.mapEntries == fresh.entries)
        }
    }

    @Test func aFreshCacheIsUsedWithoutDownloading() async throws {
        let data = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        try await withSimulator(options) { simulator, base in
            _ = try await DARTAdapter.start(configuration: testConfiguration(base), dataDirectory: data, logger: quietLogger)
            #expect(simulator.callCount(endpoint: "corpCode.xml") == 1)
            let again = try await DARTAdapter.start(configuration: testConfiguration(base), dataDirectory: data, logger: quietLogger)
            #expect(simulator.callCount(endpoint: "corpCode.xml") == 1)
            #expect(await again.repository.snapshot().source == .cache)
        }
    }

    @Test func defaultsPerMode() {
        #expect(DARTConfiguration.defaults(for: "simulate").apiKey == DARTSimulator.defaultAPIKey)
        #expect(DARTConfiguration.defaults(for: "live").baseURL == "https://opendart.fss.or.kr/api/")
        #expect(DARTConfiguration.defaults(for: "mock").apiKey.isEmpty)
        #expect(DARTConfiguration.defaults(for: "live").pollBudget == 16_000)
    }
}
