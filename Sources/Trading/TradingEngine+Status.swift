import Foundation
import SokboCore

extension TradingEngine {
    /// Today's orders, newest first.
    public func todaysOrders() -> [Order] { orders.values.filter { $0.quantity > 0 }.sorted { $0.createdAt > $1.createdAt } }

    /// One order by id.
    public func order(_ id: String) -> Order? { orders[id] }

    /// What the engine has done, for `/api/status`.
    public func status() -> EngineStatus {
        EngineStatus(halted: halted, rules: rules.rules.count, counters: decisionCounters(), committedToday: ledger.committed,
                     budgetLeft: ledger.budgetLeft(settings.limits), openUnknown: orders.values.filter { $0.state == .unknown }.count,
                     newsToOrder: latencies.summary(), tickToExit: exitLatencies.summary(), positions: book.positions.count, pnl: pnl(),
                     positionDifferences: positionDifferences)
    }

    /// The decision counts alone: cheap enough to poll (`status()` also sorts the latency samples).
    public func decisionCounters() -> Counters {
        // Counted from today's orders rather than kept by transitions: an order enters the map in several
        // ways (sizing, restore, manual), and a count kept per transition went negative for those it missed.
        var counted = counters
        counted.byState = Dictionary(uniqueKeysWithValues: OrderState.allCases.map { ($0.rawValue, 0) })
        for order in orders.values where order.quantity > 0 { counted.byState[order.state.rawValue, default: 0] += 1 }
        return counted
    }

    /// The raw news-to-order latencies with their stages (benchmarks).
    public func latencySamples() -> [NewsToOrderStages] { latencies.samples }

    /// The raw tick-to-exit latencies with their stages (benchmarks).
    public func exitLatencySamples() -> [TickToExitStages] { exitLatencies.samples }
}

/// The engine's section of `/api/status`.
public struct EngineStatus: Sendable, Codable {
    /// Kill switch state.
    public var halted: Bool
    /// Rules in force.
    public var rules: Int
    /// Decision counts.
    public var counters: TradingEngine.Counters
    /// KRW committed today.
    public var committedToday: Int
    /// KRW left of the daily budget.
    public var budgetLeft: Int
    /// Orders awaiting reconciliation.
    public var openUnknown: Int
    /// News-to-order latency (headline reaching the engine to the order request leaving), ms.
    public var newsToOrder: LatencySummary
    /// Tick-to-exit latency (a realtime quote's frame read to the exit sell's request leaving), ms.
    public var tickToExit: LatencySummary = LatencySummary(count: 0)
    /// Open positions.
    public var positions: Int = 0
    /// Today's P&L.
    public var pnl: PnLToday = PnLToday(realised: 0, unrealised: 0, lossLimitHit: false)
    /// Differences between the store and the broker found at start (the broker's quantity won).
    public var positionDifferences: [String] = []
}
