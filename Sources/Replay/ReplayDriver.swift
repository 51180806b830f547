import Foundation
import Logging
import SokboCore
import Trading

/// What a replay runs with.
public struct ReplayConfiguration: Sendable {
    /// The rules (the live file by default, `--rules` for another).
    public var rules: RuleSet
    /// Risk limits, as in live.
    public var limits: RiskLimits
    /// Trading days and the entry window, as in live.
    public var calendar: MarketCalendar
    /// Latency and slippage.
    public var model: FillModel
    /// Commission and tax, as in live.
    public var costs: TradingCosts
    /// Cash in the account at each day's start (the simulator's default).
    public var startingCash: Int
    /// Seconds after KST midnight at which positions still open are closed (15:20, the closing auction's start).
    public var flattenAt: Int
    /// First and last KST day replayed (`YYYYMMDD`), inclusive; nil: unbounded.
    public var fromDay: String?
    /// Last day.
    public var toDay: String?
    /// KRW of today's loss (realised + unrealised) that halts entries for the day, as live
    /// (`SOKBO_DAILY_LOSS_LIMIT`); nil: off.
    public var dailyLossLimit: Int?
    /// Stocks held or being entered at once, as live (`SOKBO_MAX_OPEN_POSITIONS`); nil: no limit.
    public var maxOpenPositions: Int?
    /// The session, seconds after KST midnight: orders still open at its end expire, and exposure is measured
    /// over it. KRX's regular session (09:00–15:30) by default; a day recorded from the simulator in simulate
    /// mode, which trades around the clock, is replayed over the whole day.
    public var session: ClosedRange<Int> = ReplayConfiguration.regularSession
    /// 09:00–15:30 KST.
    public static let regularSession = 9 * 3600...(15 * 3600 + 30 * 60)
    /// The whole KST day.
    public static let wholeDay = 0...86_399
    /// Fetches (and stores) the candles of a stock the recording lacks, when a broker is configured; nil: missing
    /// stocks are reported and skipped.
    public var fetchMissing: CandleFetcher?

    /// Creates a configuration.
    public init(rules: RuleSet, limits: RiskLimits = RiskLimits(), calendar: MarketCalendar = MarketCalendar(holidays: []),
                model: FillModel = FillModel(), costs: TradingCosts = TradingCosts(), startingCash: Int = 100_000_000,
                flattenAt: Int = 15 * 3600 + 20 * 60, fromDay: String? = nil, toDay: String? = nil,
                dailyLossLimit: Int? = nil, maxOpenPositions: Int? = nil) {
        self.rules = rules
        self.limits = limits
        self.calendar = calendar
        self.model = model
        self.costs = costs
        self.startingCash = startingCash
        self.flattenAt = flattenAt
        self.fromDay = fromDay
        self.toDay = toDay
        self.dailyLossLimit = dailyLossLimit
        self.maxOpenPositions = maxOpenPositions
    }
}

/// How far a replay has got, for the progress line.
public struct ReplayProgress: Sendable {
    /// Lines read.
    public var lines: Int
    /// Headlines evaluated.
    public var headlines: Int
    /// The day under way.
    public var day: String
    /// Trades booked so far plus the day's plans (entries tried).
    public var trades: Int
}

/// Runs recorded days through the live `TradingEngine` on a virtual clock, one engine per KST day (as the
/// live process starts each day with an empty ledger), against a `ReplayBroker`. Headlines and disclosures
/// are handed over in the order they were received; the engine's own `evaluate` and `execute` decide,
/// exactly as `EngineService` calls them live, one at a time so the outcome does not depend on scheduling.
public struct ReplayDriver: Sendable {
    /// The configuration.
    public let configuration: ReplayConfiguration

    /// A driver.
    public init(configuration: ReplayConfiguration) { self.configuration = configuration }

    /// Replays every line of `source`; `progress` is called every 2,000 lines and at the end.
    public func run(_ source: inout some RecordSource, progress: ((ReplayProgress) -> Void)? = nil) async throws -> ReplayResult {
        var book = ReplayTradeBook(costs: configuration.costs)
        var day: DayRun?
        var pending = HistoricalMarket(day: "")
        var counts = ReplayProgress(lines: 0, headlines: 0, day: "", trades: 0)
        var outOfOrder = 0
        while let line = try await source.next() {
            counts.lines += 1
            if counts.lines % 2_000 == 0 { progress?(counts) }
            let lineDay = line.day
            if let from = configuration.fromDay, lineDay < from { continue }
            if let to = configuration.toDay, lineDay > to { continue }
            if let current = day, current.day != lineDay {
                await current.finish(into: &book)
                day = nil
            }
            switch line {
            case .candles(let candles):
                if let day { day.broker.add(candles) } else {
                    if pending.day != lineDay { pending = HistoricalMarket(day: lineDay) }
                    pending.add(candles)
                }
            case .news, .disclosure:
                if day == nil {
                    day = await DayRun(market: pending.day == lineDay ? pending : HistoricalMarket(day: lineDay), configuration: configuration)
                    pending = HistoricalMarket(day: "")
                    counts.day = lineDay
                }
                guard let day else { continue }
                if case .news(let item) = line {
                    counts.headlines += 1
                    if item.receivedAt < day.clock.now() { outOfOrder += 1 }
                    await day.headline(item)
                } else if case .disclosure(let record) = line {
                    if record.createdAt < day.clock.now() { outOfOrder += 1 }
                    await day.disclosure(record)
                }
                counts.trades = book.tradeCount + day.entries
            }
        }
        if let day { await day.finish(into: &book) }
        progress?(counts)
        return book.result(configuration: configuration, headlines: counts.headlines, outOfOrder: outOfOrder)
    }
}

/// One KST day of a replay: its clock, broker and engine.
final class DayRun: Sendable {
    let day: String
    let clock: VirtualClock
    let broker: ReplayBroker
    let engine: TradingEngine
    let index: DisclosureIndex
    let signals: SignalCollector
    let configuration: ReplayConfiguration
    private let plans = PlanLog()

    init(market: HistoricalMarket, configuration: ReplayConfiguration) async {
        day = market.day
        self.configuration = configuration
        clock = VirtualClock(KST.date(yyyymmdd: market.day, hhmmss: "000000") ?? Date(timeIntervalSince1970: 0))
        broker = ReplayBroker(market: market, clock: clock, model: configuration.model, startingCash: configuration.startingCash,
                              costs: configuration.costs, sessionEndSeconds: configuration.session.upperBound,
                              fetchMissing: Self.fetcher(configuration.fetchMissing, day: market.day))
        index = DisclosureIndex()
        signals = SignalCollector()
        let clock = clock
        // The live deadline counts wall time since the headline's receipt, which in a replay is months: the
        // replay's time is the virtual clock, and its latency is the fill model's.
        // The engine's end-of-day flatten is the replay's flatten time, so its exits decide as live; its
        // protections (the daily loss limit, the maximum of open positions) are the live ones, applied by its own code.
        let settings = TradingEngine.Settings(limits: configuration.limits, calendar: configuration.calendar,
                                              entryDeadline: .seconds(1_000_000_000_000), costs: configuration.costs,
                                              flattenAtSecondsKST: configuration.flattenAt, dailyLossLimit: configuration.dailyLossLimit,
                                              maxOpenPositions: configuration.maxOpenPositions)
        engine = TradingEngine(settings: settings, rules: configuration.rules, broker: broker, store: ReplayStore(), records: signals,
                               events: nil, logger: Logger(label: "sokbo.replay", factory: { _ in SwiftLogNoOpLogHandler() }),
                               disclosures: index, tickers: TickerResolver(names: NoCompanyNames()),
                               now: { clock.now() })
        await engine.readAccount()
    }

    var entries: Int { plans.count }

    /// The broker's hook for a stock the recording lacks: the configured fetcher, for this day.
    static func fetcher(_ fetcher: CandleFetcher?, day: String) -> (@Sendable (Ticker) async -> DayCandles?)? {
        guard let fetcher else { return nil }
        return { ticker in await fetcher.candles(ticker, day: day) }
    }

    /// Moves the day on to `instant`, the engine consuming each push (and sending the exits it decides) at
    /// the push's own virtual instant before the clock moves on.
    func advance(to instant: Date) async {
        let engine = engine
        await broker.advance(to: instant) { push in
            await engine.handle(push)
            await Self.performWork(engine)
        }
    }

    /// Runs what the engine queued (exit sells, cancels of resting sells) one at a time, as its service would.
    static func performWork(_ engine: TradingEngine) async {
        while case let items = await engine.takeWork(), !items.isEmpty {
            for item in items { await engine.perform(item) }
        }
    }

    func headline(_ item: NewsItem) async {
        await advance(to: item.receivedAt)
        guard let plan = await engine.evaluate(item) else { return }
        plans.add(orderID: plan.orderID, rule: plan.rule.name, newsID: item.id, headline: item.title)
        await engine.execute(plan)
    }

    func disclosure(_ record: DisclosureRecord) async {
        await advance(to: record.createdAt)
        await index.consume(record)
    }

    /// Advances to the flatten time (the engine's own exits, end-of-day among them, selling on the way), then
    /// to the session's end so their sells fill; whatever is still held is closed by the fill model with the
    /// reason `end-of-replay`; books the day from the engine's own trades.
    func finish(into book: inout ReplayTradeBook) async {
        let flatten = KST.date(yyyymmdd: day, hhmmss: "000000")!.addingTimeInterval(Double(configuration.flattenAt))
        await advance(to: flatten)
        // A position with no tick since the flatten time (no candle recorded after it) leaves on the clock.
        await engine.sweepExits()
        await Self.performWork(engine)
        let sessionEnd = KST.date(yyyymmdd: day, hhmmss: "000000")!.addingTimeInterval(Double(configuration.session.upperBound))
        await advance(to: max(sessionEnd, flatten))
        let executions = broker.executions(through: max(sessionEnd, flatten))
        broker.finish()
        let missing = broker.requestedTickers().sorted().compactMap { ticker in broker.missing(ticker).map { (ticker, $0) } }
        book.book(day: day, engineTrades: await signals.trades(), executions: executions, plans: plans.snapshot(),
                  unfilled: broker.unfilledOrderIDs(), skips: await signals.skips(), missing: missing, flattenAt: flatten,
                  closeout: { ticker, from in
                      guard let recorded = self.broker.candlesForCloseout(ticker) else { return nil }
                      return self.configuration.model.fill(side: .sell, limit: nil, sentAt: from, candles: recorded.candles,
                                                           limits: recorded.reference.map { DailyLimits(upper: $0.upperLimit, lower: $0.lowerLimit) })
                          ?? recorded.candles.last.map { FillModel.Fill(price: $0.close, at: max(from, $0.time.addingTimeInterval(60))) }
                  })
    }
}

/// The replay has no DART company map: a headline resolves from its frame's codes only.
struct NoCompanyNames: CompanyNames {
    func mentions(inHeadline title: String) async -> [CompanyMention]? { nil }
}
