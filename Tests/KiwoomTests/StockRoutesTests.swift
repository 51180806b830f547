import AsyncHTTPClient
import Foundation
import Hummingbird
import Kiwoom
import Logging
import NIOCore
import Simulator
import SokboAPI
import SokboCore
import Synchronization
import Testing

/// `StockRoutes` over real sockets: the API server in front of a `KiwoomBroker` in front of the simulator.
@Suite struct StockRoutesTests {
    func withAPI(_ body: @Sendable (KiwoomSimulator, String) async throws -> Void) async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url, retries: 2))
            let router = Router(context: SokboRequestContext.self)
            router.add(middleware: JSONErrorMiddleware())
            StockRoutes(broker: broker).register(on: router.group("api"))
            let port = Mutex<Int?>(nil)
            var logger = Logger(label: "test.api")
            logger.logLevel = .critical
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                var bound: Int?
                for _ in 0..<3_000 where bound == nil {
                    bound = port.withLock { $0 }
                    if bound == nil { try await Task.sleep(for: .milliseconds(10)) }
                }
                try await body(sim, "http://127.0.0.1:\(try #require(bound))/api")
                group.cancelAll()
            }
        }
    }

    func get(_ url: String) async throws -> (status: Int, body: [String: Any]) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let json = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    @Test func badInputIsA400EnvelopeAndReachesNoVenue() async throws {
        try await withAPI { sim, api in
            for path in ["/stocks/12345", "/stocks/0059301", "/stocks/005930/chart?interval=week",
                         "/stocks/005930/chart?from=yesterday", "/stocks/005930/chart?from=20250910&to=20250901"] {
                let reply = try await get(api + path)
                #expect(reply.status == 400, "\(path)")
                let error = reply.body["error"] as? [String: Any]
                #expect(error?["code"] as? String == "invalid_parameter", "\(path)")
            }
            #expect(sim.totalRequests == 0)
        }
    }

    @Test func snapshotChartAndAccountAnswerJSON() async throws {
        try await withAPI { sim, api in
            let snapshot = try await get(api + "/stocks/005930")
            #expect(snapshot.status == 200 && snapshot.body["name"] as? String == "삼성전자")
            #expect((snapshot.body["book"] as? [String: Any])?["asks"] as? [Any] != nil)
            let chart = try await get(api + "/stocks/005930/chart?interval=day&from=\(KST.dayString(Date().addingTimeInterval(-30 * 86_400)))")
            let candles = chart.body["candles"] as? [[String: Any]] ?? []
            #expect(chart.status == 200 && (18...23).contains(candles.count))
            let account = try await get(api + "/account")
            #expect(account.status == 200 && account.body["cash"] as? Int == 100_000_000)
            let unknown = try await get(api + "/stocks/999999")
            #expect(unknown.status == 404)
            sim.inject(status: 500, count: 100)
            let failing = try await get(api + "/stocks/005930")
            #expect(failing.status == 502 && (failing.body["error"] as? [String: Any])?["code"] as? String == "venue_error")
        }
    }
}
