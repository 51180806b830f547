import DART
import Foundation
import Hummingbird
import Logging
import NIOCore
import Simulator
import SokboCore
import Synchronization
import Testing

/// Loads a fixture file's bytes.
func fixture(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw TestFailure("missing fixture \(name)")
    }
    return try Data(contentsOf: url)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fake DART on loopback answering each path from a queue of fixture bodies (the last one repeats),
/// recording the query strings it received.
final class FixtureServer: Sendable {
    private let responses: Mutex<[String: [(body: Data, contentType: String)]]>
    private let received = Mutex<[String]>([])
    private let port = Mutex<Int?>(nil)

    init(_ responses: [String: [(body: Data, contentType: String)]]) {
        self.responses = Mutex(responses)
    }

    var queries: [String] { received.withLock { $0 } }

    /// Runs the server for the duration of `body`, passing the base URL.
    func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        port.withLock { $0 = nil }
        let router = Router()
        router.get("api/:endpoint") { request, context -> Response in
            let endpoint = context.parameters.get("endpoint") ?? ""
            self.received.withLock { $0.append(endpoint + "?" + (request.uri.query ?? "")) }
            let next = self.responses.withLock { table -> (body: Data, contentType: String)? in
                guard var queue = table[endpoint], let first = queue.first else { return nil }
                if queue.count > 1 { queue.removeFirst() }
                table[endpoint] = queue
                return first
            }
            guard let next else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: next.contentType], body: .init(byteBuffer: ByteBuffer(bytes: next.body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } },
                              logger: quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            let port = try await poll(timeout: 20) { self.port.withLock { $0 } }
            return try await body("http://127.0.0.1:\(port)/api/")
        }
    }
}

/// Runs a DART simulator for the duration of `body`, passing it and its base URL.
func withSimulator<T: Sendable>(_ options: DARTSimulator.Options = .init(),
                                _ body: @Sendable (DARTSimulator, String) async throws -> T) async throws -> T {
    var logger = Logger(label: "dart-sim")
    logger.logLevel = .critical
    let simulator = DARTSimulator(options: options, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        defer { group.cancelAll() }
        let port = try await simulator.waitUntilListening()
        return try await body(simulator, "http://127.0.0.1:\(port)/api/")
    }
}

/// Polls until `probe` returns a value, up to `timeout` seconds.
func poll<T>(timeout: Double, _ probe: () async -> T?) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let value = await probe() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("timed out after \(timeout) s")
}

/// Virtual time: `sleep` advances `now` at once and records the wake-up; past `stopAt` it throws, which ends
/// the poller's loop. `onWake` runs after each advance.
final class VirtualClock: Sendable {
    private let state: Mutex<(now: Date, wakes: [Date])>
    let stopAt: Date
    let onWake: @Sendable (Date) -> Void

    init(start: Date, stopAt: Date, onWake: @escaping @Sendable (Date) -> Void = { _ in }) {
        self.state = Mutex((start, []))
        self.stopAt = stopAt
        self.onWake = onWake
    }

    var now: Date { state.withLock { $0.now } }
    var wakes: [Date] { state.withLock { $0.wakes } }

    var clock: DARTClock {
        DARTClock(now: { self.now }, sleep: { duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            let woke = self.state.withLock { state -> Date in
                // Time stops at `stopAt`, so status read after the run still sees the last day polled.
                state.now = min(state.now.addingTimeInterval(seconds), self.stopAt)
                state.wakes.append(state.now)
                return state.now
            }
            if woke >= self.stopAt { throw CancellationError() }
            self.onWake(woke)
            await Task.yield()
        })
    }
}

/// Collects what the poller hands on.
final class CollectingConsumer: DisclosureConsumer {
    private let items = Mutex<[DisclosureRecord]>([])
    var records: [DisclosureRecord] { items.withLock { $0 } }
    func consume(_ d: DisclosureRecord) async { items.withLock { $0.append(d) } }
}

/// A KST instant.
func kst(_ day: String, _ time: String = "000000") -> Date {
    KST.date(yyyymmdd: day, hhmmss: time) ?? Date(timeIntervalSince1970: 0)
}

/// A quiet logger for tests.
var quietLogger: Logger {
    var logger = Logger(label: "dart-test")
    logger.logLevel = .critical
    return logger
}

/// A configuration pointing at a base URL with the simulator's key.
func testConfiguration(_ baseURL: String, key: String = DARTSimulator.defaultAPIKey, dailyBudget: Int = 20_000,
                       reservedShare: Double = 0.2, timeout: Duration = .seconds(5)) -> DARTConfiguration {
    DARTConfiguration(baseURL: baseURL, apiKey: key, dailyBudget: dailyBudget, reservedShare: reservedShare,
                      minimumInterval: .milliseconds(200), requestTimeout: timeout)
}
