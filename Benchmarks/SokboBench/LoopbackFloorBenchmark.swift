import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import SokboCore

/// The floor under any REST call on this machine: a trivial POST from AsyncHTTPClient to a Hummingbird
/// route on loopback (a Kiwoom-sized reply, no work on either side), back to back and after a pause.
/// The pause matters: when the threads are parked, each hop between them waits for the scheduler to
/// wake one, and on these shared VMs that — not our code — is most of an idle round trip.
enum LoopbackFloorBenchmark: BenchmarkCase {
    static let name = "loopback-floor"
    static let summary = "a trivial loopback HTTP round trip (AsyncHTTPClient → Hummingbird): one and three concurrent, busy and after 5 ms idle"

    static func run(arguments: [String]) async throws {
        let iterations = arguments.first.flatMap(Int.init) ?? 300
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let router = Router()
        let reply = ByteBuffer(string: "{" + String(repeating: "\"field\":\"+000000012345\",", count: 60) + "\"return_code\":0}")
        router.post("/api/dostk/mrkcond") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json;charset=UTF-8"], body: .init(byteBuffer: reply))
        }
        let port = SetOnce<Int>()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            let url = "http://127.0.0.1:\(try await port.boundPort())/api/dostk/mrkcond"
            @Sendable func call() async throws {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "api-id", value: "ka10004")
                request.body = .bytes(ByteBuffer(string: "{\"stk_cd\":\"005930\"}"))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            func timed(_ body: () async throws -> Void) async throws -> Double {
                let start = ContinuousClock.now
                try await body()
                let d = start.duration(to: .now)
                return d.milliseconds
            }
            for _ in 0..<50 { try await call() }
            print("| case | p50 ms | p99 ms |")
            print("|---|---|---|")
            for pause in [0, 5] {
                var one: [Double] = [], three: [Double] = []
                for _ in 0..<iterations {
                    if pause > 0 { try await Task.sleep(for: .milliseconds(pause)) }
                    one.append(try await timed { try await call() })
                    if pause > 0 { try await Task.sleep(for: .milliseconds(pause)) }
                    three.append(try await timed {
                        async let a: Void = call()
                        async let b: Void = call()
                        async let c: Void = call()
                        _ = try await (a, b, c)
                    })
                }
                let label = pause == 0 ? "back to back" : "after \(pause) ms idle"
                for (name, samples) in [("one round trip", one), ("three concurrent", three)] {
                    let sorted = samples.sorted()
                    print(String(format: "| %@, %@ | %.3f | %.3f |", name, label, sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)]))
                }
            }
            print("iterations: \(iterations) per case")
            group.cancelAll()
        }
    }
}
