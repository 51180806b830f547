import Foundation
import Logging
import ServiceLifecycle

/// Tracks each long-lived service's state for `/api/status`.
public actor ServiceMonitor {
    /// A service's lifecycle state.
    public enum State: String, Sendable, Codable {
        /// Created, not yet running.
        case starting
        /// Running.
        case running
        /// Graceful shutdown in progress.
        case stopping
        /// Returned normally.
        case stopped
        /// Threw.
        case failed
    }

    private var states: [String: State] = [:]

    /// Creates an empty monitor.
    public init() {}

    /// Sets a service's state.
    public func set(_ name: String, _ state: State) {
        states[name] = state
    }

    /// Every service's state, by name.
    public func snapshot() -> [String: State] { states }
}

/// Wraps a service so its state shows in the monitor; the wrapped service's behaviour is unchanged.
public struct MonitoredService: Service {
    let name: String
    let inner: any Service
    let monitor: ServiceMonitor
    let logger: Logger?

    /// Wraps `inner` under `name`.
    public init(_ name: String, _ inner: any Service, monitor: ServiceMonitor, logger: Logger? = nil) {
        self.name = name
        self.inner = inner
        self.monitor = monitor
        self.logger = logger
    }

    /// Runs the inner service, recording its state.
    public func run() async throws {
        await monitor.set(name, .running)
        do {
            try await withGracefulShutdownHandler {
                try await inner.run()
            } onGracefulShutdown: { [monitor, name] in
                Task { await monitor.set(name, .stopping) }
            }
            await monitor.set(name, .stopped)
            logger?.info("service stopped", metadata: ["service": "\(name)"])
        } catch {
            await monitor.set(name, .failed)
            logger?.error("service failed", metadata: ["service": "\(name)", "error": "\(error)"])
            throw error
        }
    }
}
