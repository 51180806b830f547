import Foundation
import LSNews
import Logging
import Simulator
import SokboCore

/// Collects what the listener hands on.
actor Collector: NewsConsumer {
    private(set) var items: [NewsItem] = []
    func consume(_ item: NewsItem) { items.append(item) }
    var count: Int { items.count }
}

enum Fixture {
    static func url(_ name: String) throws -> URL {
        guard let base = Bundle.module.resourceURL else { throw CocoaError(.fileNoSuchFile) }
        return base.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held. The default
/// bound is long: it returns as soon as the event happens, and a loaded machine can take long.
func eventually(timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

let testLogger: Logger = {
    var logger = Logger(label: "lsnews-tests")
    logger.logLevel = .error
    return logger
}()

/// The simulator's logger: its servers are cancelled at the end of each test, which HummingbirdCore logs at
/// error level ("Waiting on child channel: CancellationError()"); expected, so kept out of a green run's output.
let simulatorLogger: Logger = {
    var logger = Logger(label: "lsnews-simulator")
    logger.logLevel = .critical
    return logger
}()

/// A listener configuration pointing at a running simulator, with short back-offs. The connect deadline and the
/// ping interval (a ping unanswered until the next replaces the socket) are long unless a test is about them: on
/// a loaded machine a pong or an upgrade can take seconds, and a reconnect the test did not force breaks its counts.
func listenerConfiguration(
    for simulator: LSSimulator, ping: Duration = .seconds(30), tls: Bool = false
) async throws -> LSConfiguration {
    var configuration = LSConfiguration(
        baseURL: try await simulator.baseURL(), webSocketURL: try await simulator.webSocketURL(),
        appKey: "PSsimulatorappkey000000000000000000", appSecret: "simulatorsecret0000000000000000000000",
        connectTimeout: .seconds(60), pingInterval: ping,
        backoffInitial: .milliseconds(200), backoffCap: .seconds(2))
    if tls {
        configuration.trustedCAPEM = try Fixture.text("test-only-ca.pem")
        configuration.tlsServerName = "localhost"
    }
    return configuration
}

/// Runs a simulator for the duration of `body`.
func withSimulator<T: Sendable>(
    _ configuration: LSSimulatorConfiguration, _ body: @Sendable (LSSimulator) async throws -> T
) async throws -> T {
    let simulator = LSSimulator(configuration: configuration, logger: simulatorLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        do {
            _ = try await simulator.waitUntilListening()
            let result = try await body(simulator)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Runs a listener against `simulator` for the duration of `body`.
func withListener<T: Sendable>(
    _ configuration: LSConfiguration, consumer: Collector,
    _ body: @Sendable (LSNewsListener) async throws -> T
) async throws -> T {
    let listener = try LSNewsListener(configuration: configuration, consumer: consumer, logger: testLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await listener.run() }
        do {
            let result = try await body(listener)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
