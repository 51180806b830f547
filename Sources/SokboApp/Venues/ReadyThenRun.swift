import ServiceLifecycle

/// Runs a service once something it depends on is ready (a simulator listening), so its first
/// connection attempt does not fail just because of start-up order.
struct ReadyThenRun: Service {
    let ready: @Sendable () async throws -> Void
    let inner: any Service

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await ready() }
        guard !Task.isShuttingDownGracefully else { return }
        try await inner.run()
    }
}
