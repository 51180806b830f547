import Foundation
import SokboApp
import SokboCore

/// While an order waits on a broker that answers in 2 s: `GET /health` latency against the same figure with
/// nothing in flight, measured side by side in one run, and the news-to-order latency of the headlines that
/// keep arriving meanwhile (for other stocks, which must not wait for the held order).
enum SlowBrokerBenchmark: BenchmarkCase {
    static let name = "slow-broker"
    static let summary = "GET /health p50/p99 and news-to-order while one order waits 2 s at the broker, vs idle (simulate mode)"

    static func run(arguments: [String]) async throws {
        let rounds = arguments.first.flatMap(Int.init) ?? 10
        let held = Ticker("005930")!
        let others = KRXUniverse.listings.map(\.ticker).filter { $0 != held }
        try await TradingBenchApp.with { app, port in
            let (sokbo, venues) = (app.sokbo, app.venues)
            _ = try await HealthDuringFlushBenchmark.sample(port: port, count: 500)
            var idle: [Double] = []
            var during: [Double] = []
            var duringOrders: [Duration] = []
            var headline = 0
            for _ in 0..<rounds {
                idle += try await HealthDuringFlushBenchmark.sample(port: port, count: 400)
                // One order held 2 s at the broker, as a slow venue would answer.
                let heldBefore = venues.kiwoom.requestCount("kt10000")
                venues.kiwoom.holdNext("kt10000", upTo: .seconds(2))
                headline += 1
                await venues.ls.publish(title: "공급계약 체결 \(headline)", tickers: [held])
                while venues.kiwoom.requestCount("kt10000") == heldBefore { try await Task.sleep(for: .milliseconds(1)) }
                let heldUntil = ContinuousClock.now + .milliseconds(1_800)
                let samplesBefore = await sokbo.engine.latencySamples().count
                // Meanwhile: /health on one connection, and headlines for other stocks one after another.
                async let health: [Double] = {
                    var latencies: [Double] = []
                    while ContinuousClock.now < heldUntil {
                        latencies += try await HealthDuringFlushBenchmark.sample(port: port, count: 20)
                    }
                    return latencies
                }()
                while ContinuousClock.now < heldUntil {
                    let before = await sokbo.engine.decisionCounters()
                    headline += 1
                    await venues.ls.publish(title: "공급계약 체결 \(headline)", tickers: [others[headline % others.count]])
                    while true {
                        let now = await sokbo.engine.decisionCounters()
                        if now.ordersSent > before.ordersSent || now.skipped > before.skipped { break }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
                during += try await health
                duringOrders += await sokbo.engine.latencySamples().dropFirst(samplesBefore).map(\.total)
                // Let the held order be answered before the next round's idle sample.
                while await sokbo.engine.decisionCounters().byState[OrderState.submitted.rawValue, default: 0] > 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            let idleP99 = percentile(idle, 0.99), duringP99 = percentile(during, 0.99)
            print("| GET /health, nothing in flight | p50 \(fmt(percentile(idle, 0.5))) ms, p99 \(fmt(idleP99)) ms (n=\(idle.count)) |")
            print("| GET /health while an order waits 2 s at the broker and headlines keep coming | p50 \(fmt(percentile(during, 0.5))) ms, p99 \(fmt(duringP99)) ms (n=\(during.count)); p99 ratio to idle \(fmt(duringP99 / idleP99)) |")
            let ms = duringOrders.map(\.milliseconds)
            print("| news-to-order of other stocks while it waits (\(ms.count) orders in \(rounds) rounds; venue rate limits LIFTED) | p50 \(fmt(percentile(ms, 0.5))) ms, p99 \(fmt(percentile(ms, 0.99))) ms, max \(fmt(ms.max() ?? .nan)) ms |")
        }
    }
}
