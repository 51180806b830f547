import AsyncHTTPClient
import Configuration
import Foundation
import SokboApp
import SokboTestSupport
import Storage
import Testing

/// Builds Sokbo exactly as `sokbo serve` does, in simulate mode with the alerts simulator (the fake Bot
/// API and webhook sink on loopback, their limits on), a quiet news feed and a fresh SQLite database.
enum AlertsTestApp {
    static let token = "alerts-test-token-0123456789"
    /// The chat the simulated bot allows (the default of `SOKBO_ALERTS_SIMULATOR`).
    static let allowedChat: Int64 = 1001

    /// The shipped supply-contract rule, buying at market with a long entry timeout: a hand-published headline
    /// moves its stock too (the news impulse), so a marketable limit priced from the snapshot can rest unfilled
    /// and be cancelled after 60 s when the order is slow to arrive (a loaded machine). No `disclosure:` line:
    /// with one (as in `rules.example.yaml`) the entry waits for a DART filing no test publishes, and no order is
    /// sent at all.
    static let rules = """
    rules:
      - name: supply-contract
        any: [공급계약, 단일판매]
        veto: [취소, 철회, 정정, 해지, 해제, 불성실]
        budget: 1000000
        order: market
        entry-timeout: 600
    """

    static func make(_ overrides: [String: String] = [:]) async throws -> Sokbo {
        guard case .sqlite(let path) = try await TestStores.freshURL("sqlite") else { throw TestError("no sqlite") }
        let directory = TestStores.temporaryDirectory()
        let rulesFile = directory + "/rules.yaml"
        try rules.write(toFile: rulesFile, atomically: true, encoding: .utf8)
        var values = [
            "sokbo.data.dir": directory,
            "sokbo.rules.file": rulesFile,
            "sokbo.api.token": token,
            "sokbo.http.port": "0",
            "sokbo.flush.interval.ms": "100",
            "sokbo.database.url": "sqlite://\(path)",
            "sokbo.simulator.news.per.second": "0.001",
            // Entries are skipped past their deadline; a loaded machine must not make this test about timing.
            "sokbo.entry.deadline.ms": "600000",
            "sokbo.alerts.simulator": "on",
            "sokbo.alerts.webhook.format": "slack",
            "sokbo.alerts.telegram.poll.timeout.seconds": "2",
        ]
        values.merge(overrides) { _, new in new }
        let reader = ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        })))
        return try await buildApplication(reader: reader, logger: TestStores.logger)
    }

    /// `GET /api/status` as JSON.
    static func status(port: Int) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/status")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        // Generous: the whole suite runs in parallel on two cores, and a slow answer is not what these tests are about.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    static func waitForNewsConnection(port: Int) async throws {
        let connected = try await eventually {
            (try await status(port: port)["news"] as? [String: Any])?["state"] as? String == "connected"
        }
        try #require(connected, "the news listener never connected to the simulator")
    }
}
