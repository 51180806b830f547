import Foundation
import Logging
import SokboCore
import Synchronization
import Testing
@testable import Trading

/// A settable clock the engine reads instead of the wall clock.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at 2026-11-26 08:40:00 KST (a Thursday, a trading day).
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_650_000)) { current = Mutex(start) }

    /// The current time.
    var now: Date { current.withLock { $0 } }

    /// Moves the clock on.
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// An engine over a scripted broker, an in-memory store and a recording sink, on an injected clock.
struct EngineHarness {
    let broker: ScriptedBroker
    let store: MemoryStore
    let records: RecordingSink
    let clock: TestClock
    let engine: TradingEngine

    static let rule = Rule(name: "supply", anyKeywords: ["공급계약"], budget: 1_000_000)
    static let samsung = Ticker("005930")!

    init(rules: [Rule] = [EngineHarness.rule], broker: ScriptedBroker = ScriptedBroker(), store: MemoryStore = MemoryStore(),
         clock: TestClock = TestClock(), tickers: (any TickerResolving)? = nil, fence: (any OrderFence)? = nil,
         tune: (inout TradingEngine.Settings) -> Void = { _ in }) throws {
        self.broker = broker
        self.store = store
        self.records = RecordingSink()
        self.clock = clock
        var logger = Logger(label: "trading-tests")
        logger.logLevel = .critical
        var settings = TradingEngine.Settings(
            limits: RiskLimits(dailyBudget: 100_000_000, maxOrdersPerDay: 100, buysPerTickerPerDay: 100, cooldownSeconds: 0),
            calendar: MarketCalendar(holidays: [], entryStart: 0, entryEnd: 86_400), entryDeadline: .seconds(3_600))
        tune(&settings)
        engine = TradingEngine(
            settings: settings,
            rules: try RuleSet(rules), broker: broker, store: store, records: records, events: nil, logger: logger,
            tickers: tickers, fence: fence, now: { [clock] in clock.now })
    }

    /// A headline for `ticker` matching the default rule, received now.
    func news(_ n: Int, ticker: Ticker? = EngineHarness.samsung, title: String = "삼성전자, 공급계약 체결") -> NewsItem {
        NewsItem(id: String(format: "20261126100000%010d", n), publishedAt: clock.now, source: "25", title: title,
                 tickers: ticker.map { [$0] } ?? [], bodySize: 100, category: nil, receivedAt: Date())
    }

    /// Evaluates and executes one headline; returns its order.
    @discardableResult
    func enter(_ n: Int, ticker: Ticker = EngineHarness.samsung) async throws -> Order {
        guard let plan = await engine.evaluate(news(n, ticker: ticker)) else { throw HarnessError("no plan for headline \(n)") }
        await engine.execute(plan)
        guard let order = await engine.order(plan.orderID) else { throw HarnessError("no order for headline \(n)") }
        return order
    }
}

extension EngineHarness {
    /// Pushes a fill report: `cumulative` shares of `order` filled in all, the last ones at `price`.
    func fill(_ order: Order, cumulative: Int, at price: Int, execution: Int? = nil) async {
        let previous = await engine.order(order.id)?.filledQuantity ?? 0
        await engine.handle(.execution(BrokerExecution(
            brokerOrderNo: order.brokerOrderNo ?? "", ticker: order.ticker, side: order.side, status: .filled,
            orderQuantity: order.quantity, orderPrice: order.price.limitPrice ?? 0, openQuantity: order.quantity - cumulative,
            cumulativeQuantity: cumulative, executionID: "e\(cumulative)", executionPrice: price,
            executionQuantity: execution ?? (cumulative - previous), time: KST.timeString(clock.now))))
        await runWork()
    }

    /// A quote tick with `bid` as the best bid, then whatever work it queued is run (exit sells sent).
    func tick(_ bid: Int, ticker: Ticker = EngineHarness.samsung, received: ContinuousClock.Instant? = nil) async {
        await engine.handle(.quote(QuoteTick(ticker: ticker, price: bid, bestBid: bid, bestAsk: KRXTick.up(from: bid), at: clock.now,
                                             received: received)))
        await runWork()
    }

    /// Runs queued work as the service would (each item once).
    func runWork() async {
        for item in await engine.takeWork() { await engine.perform(item) }
    }

    /// Enters and fills the whole order at `price`; returns the filled order.
    @discardableResult
    func hold(_ n: Int = 1, ticker: Ticker = EngineHarness.samsung, at price: Int = 10_000) async throws -> Order {
        let order = try await enter(n, ticker: ticker)
        await fill(order, cumulative: order.quantity, at: price)
        return try #require(await engine.order(order.id))
    }

    /// `order` as the open-order list (`ka10075`) shows it: `filled` of its shares filled at `price`, the rest
    /// open unless `open` says otherwise; status 체결 once anything filled, else 접수.
    static func openOrder(_ order: Order, number: String? = nil, filled: Int = 0, open: Int? = nil, price: Int = 10_000,
                          status: String? = nil, time: String = "084000") -> BrokerOrder {
        BrokerOrder(brokerOrderNo: number ?? order.brokerOrderNo ?? "", originalOrderNo: nil, ticker: order.ticker, name: "삼성전자",
                    side: order.side, quantity: order.quantity, price: price, openQuantity: open ?? order.quantity - filled,
                    filledQuantity: filled, fillPrice: filled > 0 ? price : nil, status: status ?? (filled > 0 ? "체결" : "접수"), time: time)
    }

    /// Sells sent to the broker.
    func sells() async -> [OrderRequest] { await broker.submits().filter { $0.side == .sell } }

    /// Every order of the engine that is a sell.
    func sellOrders() async -> [Order] { await engine.todaysOrders().filter { $0.side == .sell } }
}

/// A rule with only the given exits (every other exit off).
func rule(_ change: (inout ExitPolicy) -> Void, entryTimeout: Int = Rule.defaultEntryTimeoutSeconds) -> Rule {
    var exits = ExitPolicy.none
    change(&exits)
    return Rule(name: "supply", anyKeywords: ["공급계약"], budget: 1_000_000, entryTimeoutSeconds: entryTimeout, exits: exits)
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
