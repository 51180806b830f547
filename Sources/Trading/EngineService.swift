import Logging
import ServiceLifecycle
import SokboCore

/// Runs the engine: reads headlines from its inbox and tries each plan in a child task of its own (so a
/// slow broker never delays the next headline); applies the broker's pushes (fills, quotes, halts); and on
/// a paced tick reconciles, polls orders while the account feed is down, cancels entries past their
/// timeout, prices held stocks the feed does not cover, and runs clock-driven exits. Exit sells and
/// cancels start from the engine in tasks of their own, which a graceful shutdown waits for.
public struct EngineService: Service {
    let engine: TradingEngine
    let inbox: AsyncStream<NewsItem>
    let reconcileInterval: Duration
    let logger: Logger

    /// Creates the service. `reconcileInterval` paces every background venue call (one open-order read and
    /// at most one price read per tick, and only when something needs them).
    public init(engine: TradingEngine, inbox: AsyncStream<NewsItem>, reconcileInterval: Duration = .seconds(2), logger: Logger) {
        self.engine = engine
        self.inbox = inbox
        self.reconcileInterval = reconcileInterval
        self.logger = logger
    }

    /// Until graceful shutdown; orders already sent finish recording their outcome first.
    public func run() async throws {
        try await engine.restore()
        let (beats, beat) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Exit sells and cancels start from the engine itself, in tasks of its own: a tick that fires an exit
        // does not wait for this task to wake and take the sell (one thread hand-off fewer on tick-to-exit).
        let work = TaskTally()
        let engine = engine
        await engine.setWakers(.init(start: { item in work.start { await engine.perform(item) } }, reconcile: { beat.yield() }))
        let interval = reconcileInterval
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    beat.yield()
                    try? await Task.sleep(for: interval)
                }
                beat.finish()
            }
            group.addTask {
                // Cash and positions for sizing, beside the inbox (a headline must not wait for it), and the
                // book checked against the broker once; afterwards the account is read only while something
                // is unsettled.
                let fillsBeforeRead = await engine.fillSequence()
                if let account = await engine.readAccount() { await engine.reconcilePositions(with: account, fillsBeforeRead: fillsBeforeRead) }
                for await _ in beats.cancelOnGracefulShutdown() {
                    await engine.reconcile()
                    await engine.pollOrders()
                    await engine.sweepEntryTimeouts()
                    await engine.pollUncoveredQuotes()
                    await engine.sweepExits()
                }
            }
            group.addTask {
                for await push in engine.broker.pushes().cancelOnGracefulShutdown() { await engine.handle(push) }
            }
            for await news in inbox.cancelOnGracefulShutdown() {
                if let plan = await engine.evaluate(news) { group.addTask { await engine.execute(plan) } }
            }
        }
        await work.drained()
    }
}
