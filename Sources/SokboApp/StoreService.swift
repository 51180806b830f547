import Logging
import ServiceLifecycle
import SokboCore

/// Owns the store's lifetime: first in the service group, so it closes last, after the final flush.
public struct StoreService: Service {
    let store: any Store
    let logger: Logger

    /// Wraps a store.
    public init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Waits for graceful shutdown, then closes the store.
    public func run() async throws {
        // Why sleep-until-cancelled: the store does no work of its own; it only needs a place in the
        // shutdown order. `cancelWhenGracefulShutdown` turns the shutdown signal into cancellation.
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(1_000_000_000))
        }
        do {
            try await store.close()
            logger.info("store closed", metadata: ["store": "\(store.kind)"])
        } catch {
            logger.error("store close failed", metadata: ["error": "\(error)"])
        }
    }
}
