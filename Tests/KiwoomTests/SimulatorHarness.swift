import Foundation
import Kiwoom
import Logging
import Simulator

/// Runs a `KiwoomSimulator` on a free loopback port for the duration of `body`, with the live venue's
/// rate limits on (the simulator's defaults).
func withSimulator<T: Sendable>(
    _ configuration: KiwoomSimulatorConfiguration = .init(),
    _ body: @Sendable (KiwoomSimulator, String) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test.simulator")
    // Cancelling the server at the end of a test logs an error from the framework; keep the output readable.
    logger.logLevel = .critical
    let simulator = KiwoomSimulator(configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await simulator.run()
            return nil
        }
        let url = try await simulator.baseURL()
        let result = try await body(simulator, url)
        group.cancelAll()
        while let next = try? await group.next() { _ = next }
        return result
    }
}

/// A client configuration for tests: the default pacing, with quick back-offs (after a transport failure,
/// and after a 429 that names no `Retry-After`) so tests of failures stay short. The bounds on a request's
/// wait for its slot are long: they cover the token issue and every retry, which on a loaded machine take
/// far longer than the 10 s and 2 s defaults; tests of the bounds pass limits of their own.
func testConfiguration(_ url: String, orderTimeout: Duration = .seconds(10), retries: Int = 8,
                       rateLimits: KiwoomRateLimits = KiwoomRateLimits(maxWait: .seconds(120), lookupMaxWait: .seconds(60),
                                                                       backoff: .milliseconds(250))) -> KiwoomConfiguration {
    KiwoomConfiguration(baseURL: url, appKey: KiwoomConfiguration.simulatorAppKey, secretKey: KiwoomConfiguration.simulatorSecretKey,
                        orderTimeout: orderTimeout, rateLimits: rateLimits, maxQueryRetries: retries, retryBaseDelay: .milliseconds(40))
}
