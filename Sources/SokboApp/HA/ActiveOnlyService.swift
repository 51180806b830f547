import ServiceLifecycle

/// A service that touches the venue (the Kiwoom realtime socket, the engine, the news listener, the DART
/// poller): on a node in active/standby it starts only once the node holds the lease and has read older
/// epochs' orders in flight. A standby waits here until graceful shutdown, touching nothing.
struct ActiveOnlyService: Service {
    let inner: any Service
    let node: HANode

    func run() async throws {
        let node = node
        let epoch: UInt64? = try? await cancelWhenGracefulShutdown { try await node.waitUntilActive() }
        guard epoch != nil, !Task.isShuttingDownGracefully else { return }
        try await inner.run()
    }
}
