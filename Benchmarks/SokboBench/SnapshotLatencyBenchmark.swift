import AsyncHTTPClient
import Foundation
import Hummingbird
import Kiwoom
import Logging
import Simulator
import SokboAPI
import SokboCore

/// Snapshot latency: one simulator call, three sequential calls, the concurrent `broker.snapshot` and the
/// full `GET /api/stocks/005930`, side by side in one run, with 50 ms injected per simulator call and
/// then with none.
enum SnapshotLatencyBenchmark: BenchmarkCase {
    static let name = "snapshot"
    static let summary = "GET /api/stocks/{code} vs one and three sequential Kiwoom simulator calls (50 ms and 0 ms injected)"

    static func run(arguments: [String]) async throws {
        let iterations = arguments.first.flatMap(Int.init) ?? 60
        var logger = Logger(label: "bench")
        // Cancelling the servers at the end logs an error from the framework; keep the table readable.
        logger.logLevel = .critical
        // The venue's and our own rate limits are off: this measures round trips, not pacing.
        let simulator = KiwoomSimulator(configuration: .init(rateLimit: nil, queryRateLimit: nil, orderRateLimit: nil), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let url = try await simulator.baseURL()
            var config = KiwoomConfiguration.defaults(for: "simulate")
            config.baseURL = url
            config.rateLimits = .unlimited
            let client = KiwoomClient(configuration: config, logger: logger)
            let broker = KiwoomBroker(client: client, logger: logger)

            let router = Router(context: SokboRequestContext.self)
            StockRoutes(broker: broker).register(on: router.group("api"))
            let apiPort = SetOnce<Int>()
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in apiPort.set(channel.localAddress?.port ?? 0) }, logger: logger)
            group.addTask { try await app.run() }
            let port = try await apiPort.boundPort()
            let apiURL = "http://127.0.0.1:\(port)/api/stocks/005930"

            print("| case | p50 ms | p99 ms | p50 / one call |")
            print("|---|---|---|---|")
            for latency in [Duration.milliseconds(50), .zero] {
                simulator.setLatency(latency)
                // Warm up: token, connections, caches.
                for _ in 0..<5 {
                    _ = try await broker.snapshot(Ticker("005930")!)
                    _ = try await get(apiURL)
                }
                var one: [Double] = [], three: [Double] = [], snap: [Double] = [], http: [Double] = []
                for _ in 0..<iterations {
                    one.append(try await time { _ = try await client.ka10001(stockCode: "005930") })
                    three.append(try await time {
                        _ = try await client.ka10001(stockCode: "005930")
                        _ = try await client.ka10004(stockCode: "005930")
                        _ = try await client.kt00011(stockCode: "005930")
                    })
                    snap.append(try await time { _ = try await broker.snapshot(Ticker("005930")!) })
                    http.append(try await time { _ = try await get(apiURL) })
                }
                let base = percentile(one, 0.5)
                let label = latency == .zero ? "0 ms" : "50 ms"
                for (name, samples) in [("one simulator call (ka10001)", one), ("three sequential calls", three),
                                        ("broker.snapshot (3 concurrent + cached ka10100)", snap), ("GET /api/stocks/005930", http)] {
                    let p50 = percentile(samples, 0.5)
                    print(String(format: "| %@, %@ injected | %.2f | %.2f | %.3f× |", name, label, p50, percentile(samples, 0.99), p50 / base))
                }
                if latency == .zero {
                    print(String(format: "| snapshot minus one call, 0 ms injected | %.3f ms (broker) | %.3f ms (HTTP route) | |",
                                 percentile(snap, 0.5) - base, percentile(http, 0.5) - base))
                }
            }
            print("iterations: \(iterations) per case, interleaved")
            group.cancelAll()
        }
    }

    static func get(_ url: String) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BenchError("GET \(url): \(response.status) \(String(buffer: body))") }
        return body.readableBytes
    }

    static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let d = ContinuousClock.now - start
        return d.milliseconds
    }

    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

extension SetOnce<Int> {
    /// The API server's port once it listens (set from `onServerRunning`); waits up to 30 s.
    func boundPort() async throws -> Int {
        guard let port = try await wait(timeout: .seconds(30)) else { throw BenchError("API server did not start") }
        return port
    }
}
