import Logging
import ServiceLifecycle
import Trading

/// On the active node: once reconciliation has settled the orders a takeover found in flight, and then every
/// `interval`, today's broker orders that no order of ours claims are flagged as foreign (critical log,
/// entries halted: close-only). Two queries per audit (`ka10075`, `ka10076`), so it runs rarely.
struct ForeignOrderAudit: Service {
    let engine: TradingEngine
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if let foreign = await engine.auditForeignOrders() {
                if !foreign.isEmpty {
                    logger.critical("foreign broker orders on the account", metadata: ["orders": "\(foreign.map(\.brokerOrderNo))"])
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } else {
                // Not settled yet: look again soon.
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
