import Logging
import ServiceLifecycle
import SokboCore

/// Runs the engine: reads headlines from its inbox and tries each plan in a child task of its own (so a
/// slow broker never delays the next headline), and reconciles on a schedule (a tick with nothing unsettled
/// makes no venue call).
public struct EngineService: Service {
    let engine: TradingEngine
    let inbox: AsyncStream<NewsItem>
    let reconcileInterval: Duration
    let logger: Logger

    /// Creates the service.
    public init(engine: TradingEngine, inbox: AsyncStream<NewsItem>, reconcileInterval: Duration = .seconds(2), logger: Logger) {
        self.engine = engine
        self.inbox = inbox
        self.reconcileInterval = reconcileInterval
        self.logger = logger
    }

    /// Until graceful shutdown; orders already sent finish recording their outcome first.
    public func run() async throws {
        try await engine.restore()
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Cash and positions for sizing, beside the inbox (a headline must not wait for it); afterwards
                // the account is read only while something is unsettled.
                await engine.readAccount()
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    await engine.reconcile()
                    try? await Task.sleep(for: reconcileInterval)
                }
            }
            for await news in inbox.cancelOnGracefulShutdown() {
                if let plan = await engine.evaluate(news) {
                    group.addTask { await engine.execute(plan) }
                }
            }
        }
    }
}
