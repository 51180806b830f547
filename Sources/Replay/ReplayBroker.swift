import Foundation
import SokboCore
import Synchronization

/// A `Broker` over one recorded day, on the replay's virtual clock: the engine trades against it exactly as
/// against a venue. Snapshots come from the candles up to the clock (`HistoricalMarket`), orders fill by the
/// `FillModel`, and what happens is reported as the live venue reports it: `.execution` and `.holding`
/// pushes, open orders, the account, and `.quote` ticks of watched stocks, each only once the clock passes it.
public final class ReplayBroker: Broker {
    /// A filled order, for the replay's trade book.
    public struct Execution: Sendable, Hashable {
        /// The engine's id for the order.
        public var clientOrderID: String
        /// The replay's order number.
        public var brokerOrderNo: String
        /// The stock.
        public var ticker: Ticker
        /// Buy or sell.
        public var side: OrderSide
        /// Shares.
        public var quantity: Int
        /// Price, won.
        public var price: Int
        /// When it filled.
        public var at: Date
    }

    private struct PlacedOrder: Sendable {
        var request: OrderRequest
        var number: String
        var arrivesAt: Date
        var fill: FillModel.Fill?
        var cancelledAt: Date?
        /// Whether its 접수 and its fill were pushed (an order sent at a tick's instant with no latency is due then).
        var receivedPushed = false
        var fillPushed = false
    }

    private struct State: Sendable {
        var orders: [PlacedOrder] = []
        var continuation: AsyncStream<BrokerPush>.Continuation?
        var watched: Set<Ticker> = []
        /// Pushes are emitted up to this instant.
        var emittedThrough: Date
        var requested: Set<Ticker> = []
        /// Stocks whose missing candles were asked for (once each).
        var fetched: Set<Ticker> = []
    }

    private let recorded: Mutex<HistoricalMarket>
    /// The day's market as recorded so far (candles may arrive after the day's first headline).
    private var market: HistoricalMarket { recorded.withLock { $0 } }
    private let clock: VirtualClock
    private let model: FillModel
    private let startingCash: Int
    private let costs: TradingCosts
    /// When the day's orders expire (the end of the session, 15:30 KST unless configured otherwise).
    private let sessionEnd: Date
    private let state: Mutex<State>
    private let fetchMissing: (@Sendable (Ticker) async -> DayCandles?)?

    /// A broker for `market`'s day on `clock`, with `startingCash` won in the account.
    public init(market: HistoricalMarket, clock: VirtualClock, model: FillModel, startingCash: Int, costs: TradingCosts,
                sessionEndSeconds: Int = 15 * 3600 + 30 * 60, fetchMissing: (@Sendable (Ticker) async -> DayCandles?)? = nil) {
        self.fetchMissing = fetchMissing
        self.recorded = Mutex(market)
        self.clock = clock
        self.model = model
        self.startingCash = startingCash
        self.costs = costs
        self.sessionEnd = KST.date(yyyymmdd: market.day, hhmmss: "000000")?.addingTimeInterval(Double(sessionEndSeconds)) ?? clock.now()
        self.state = Mutex(State(emittedThrough: clock.now()))
    }

    // MARK: - Broker

    /// The snapshot at the virtual instant (candles up to it only). A stock not recorded is fetched first when
    /// the replay has a fetcher (`CandleFetcher`), once; the virtual clock does not move while it is fetched.
    public func snapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        _ = state.withLock { $0.requested.insert(ticker) }
        if market.missing(ticker) != nil, let fetchMissing, state.withLock({ $0.fetched.insert(ticker).inserted }),
           let candles = await fetchMissing(ticker) {
            add(candles)
        }
        return try market.snapshot(ticker, at: clock.now())
    }

    /// Fills by the fill model from the virtual instant; reported when the clock reaches each event.
    public func submit(_ order: OrderRequest) async -> OrderSubmission {
        guard order.quantity > 0 else { return .rejected(code: "replay", message: "quantity must be positive") }
        guard let recorded = market.candles(order.ticker) else {
            return .rejected(code: "replay-missing", message: market.missing(order.ticker) ?? "not recorded")
        }
        let now = clock.now()
        if order.side == .sell, order.quantity > held(order.ticker, at: now, excludingOpenSells: true) {
            return .rejected(code: "replay", message: "sell of \(order.quantity) above the sellable quantity")
        }
        let limits = recorded.reference.map { DailyLimits(upper: $0.upperLimit, lower: $0.lowerLimit) }
        let fill = model.fill(side: order.side, limit: order.price.limitPrice, sentAt: now, candles: recorded.candles, limits: limits)
        let arrives = now.addingTimeInterval(Double(model.latencyMilliseconds) / 1000)
        return state.withLock { s in
            let number = "R" + KST.digits(s.orders.count + 1, width: 7)
            s.orders.append(PlacedOrder(request: order, number: number, arrivesAt: arrives,
                                        fill: fill.flatMap { $0.at <= sessionEnd ? $0 : nil }, cancelledAt: nil))
            return .accepted(brokerOrderNo: number)
        }
    }

    /// Cancels an order not yet filled at the virtual instant.
    public func cancel(_ request: CancelRequest) async -> OrderSubmission {
        let now = clock.now()
        return state.withLock { s in
            guard let index = s.orders.firstIndex(where: { $0.number == request.brokerOrderNo }) else {
                return .rejected(code: "replay", message: "no such order")
            }
            if let fill = s.orders[index].fill, fill.at <= now { return .rejected(code: "replay", message: "already filled") }
            if s.orders[index].cancelledAt != nil { return .rejected(code: "replay", message: "already cancelled") }
            s.orders[index].fill = nil
            s.orders[index].cancelledAt = now
            return .accepted(brokerOrderNo: request.brokerOrderNo + "C")
        }
    }

    /// Orders open or filled as of the virtual instant.
    public func openOrdersAndFills(_ ticker: Ticker?) async throws -> [BrokerOrder] {
        let now = clock.now()
        return state.withLock { s in
            s.orders.filter { ticker == nil || $0.request.ticker == ticker }.filter { $0.arrivesAt <= now }.map { placed in
                let filled = placed.fill.map { $0.at <= now } ?? false
                let open = filled || placed.cancelledAt != nil || now >= sessionEnd ? 0 : placed.request.quantity
                return BrokerOrder(brokerOrderNo: placed.number, originalOrderNo: nil, ticker: placed.request.ticker,
                                   name: market.candles(placed.request.ticker)?.reference?.name ?? "", side: placed.request.side,
                                   quantity: placed.request.quantity, price: placed.request.price.limitPrice ?? 0, openQuantity: open,
                                   filledQuantity: filled ? placed.request.quantity : 0, fillPrice: filled ? placed.fill?.price : nil,
                                   status: filled ? "체결" : "접수", time: KST.timeString(placed.arrivesAt))
            }
        }
    }

    /// Cash and positions as of the virtual instant.
    public func account() async throws -> AccountSnapshot {
        let now = clock.now()
        let fills = executions(through: now)
        var cash = startingCash
        var positions: [Ticker: (quantity: Int, cost: Int)] = [:]
        for fill in fills {
            let value = fill.price * fill.quantity
            switch fill.side {
            case .buy:
                cash -= value + costs.commission(on: Double(value))
                positions[fill.ticker, default: (0, 0)].quantity += fill.quantity
                positions[fill.ticker, default: (0, 0)].cost += value
            case .sell:
                cash += value - costs.commission(on: Double(value)) - costs.tax(onSellOf: Double(value))
                let held = positions[fill.ticker, default: (0, 0)]
                let remaining = held.quantity - fill.quantity
                positions[fill.ticker] = remaining > 0 ? (remaining, held.cost * remaining / max(1, held.quantity)) : nil
            }
        }
        let rows = positions.sorted { $0.key < $1.key }.map { ticker, held -> Position in
            let average = held.cost / max(1, held.quantity)
            let current = (try? market.snapshot(ticker, at: now).price) ?? average
            return Position(ticker: ticker, name: market.candles(ticker)?.reference?.name ?? "", quantity: held.quantity,
                            sellableQuantity: held.quantity, averagePrice: average, currentPrice: current,
                            profitLoss: (current - average) * held.quantity)
        }
        let purchase = rows.reduce(0) { $0 + $1.averagePrice * $1.quantity }
        let valuation = rows.reduce(0) { $0 + $1.currentPrice * $1.quantity }
        return AccountSnapshot(cash: cash, orderableCash: max(0, cash - openBuyAmount(at: now)), totalPurchase: purchase,
                               totalValuation: valuation, profitLoss: valuation - purchase, estimatedAssets: cash + valuation,
                               positions: rows)
    }

    /// Minute candles up to the virtual instant (never later ones).
    public func chart(_ ticker: Ticker, interval: CandleInterval, from: Date?, to: Date?) async throws -> [Candle] {
        guard interval == .minute else { throw BrokerError(.unsupported, message: "a replay has minute candles only") }
        guard let recorded = market.candles(ticker) else {
            throw BrokerError(.notFound, code: "replay-missing", message: market.missing(ticker) ?? "not recorded")
        }
        let now = clock.now()
        return recorded.candles.filter { candle in
            candle.time.addingTimeInterval(60) <= now && (from.map { candle.time >= $0 } ?? true) && (to.map { candle.time <= $0 } ?? true)
        }
    }

    // MARK: - Feeds

    /// The day's pushes, emitted as the clock passes them (`advance(to:)`).
    public func pushes() -> AsyncStream<BrokerPush> {
        let (stream, continuation) = AsyncStream<BrokerPush>.makeStream()
        state.withLock { $0.continuation = continuation }
        return stream
    }

    /// Quote ticks are derived for the watched stocks from the next minute on.
    public func watch(_ tickers: Set<Ticker>) async { state.withLock { $0.watched = tickers } }

    /// The replay's account feed is always up.
    public var accountFeedConnected: Bool { true }

    /// Fills up to the virtual instant, as `ka10076` would list them.
    public func fills(_ ticker: Ticker?) async throws -> [BrokerExecution] {
        executions(through: clock.now()).filter { ticker == nil || $0.ticker == ticker }.map { fill in
            BrokerExecution(brokerOrderNo: fill.brokerOrderNo, ticker: fill.ticker, side: fill.side, status: .filled,
                            orderQuantity: fill.quantity, orderPrice: 0, openQuantity: 0, cumulativeQuantity: fill.quantity,
                            executionID: fill.brokerOrderNo + "-1", executionPrice: fill.price, executionQuantity: fill.quantity,
                            time: KST.timeString(fill.at))
        }
    }

    // MARK: - Replay side

    /// Adds a stock's candles recorded after the day began (the clock still decides what is visible).
    public func add(_ candles: DayCandles) { recorded.withLock { $0.add(candles) } }

    /// A stock's candles, for closing what is still held at the end of the replayed day.
    public func candlesForCloseout(_ ticker: Ticker) -> DayCandles? { market.candles(ticker) }

    /// Why a stock cannot be replayed today; nil when it can.
    public func missing(_ ticker: Ticker) -> String? { market.missing(ticker) }

    /// Every fill up to `instant`, in time order (ties by order number).
    public func executions(through instant: Date) -> [Execution] {
        state.withLock { s in
            s.orders.compactMap { placed -> Execution? in
                guard let fill = placed.fill, fill.at <= instant else { return nil }
                return Execution(clientOrderID: placed.request.clientOrderID, brokerOrderNo: placed.number, ticker: placed.request.ticker,
                                 side: placed.request.side, quantity: placed.request.quantity, price: fill.price, at: fill.at)
            }.sorted { ($0.at, $0.brokerOrderNo) < ($1.at, $1.brokerOrderNo) }
        }
    }

    /// Orders accepted that never filled (expired at the close or cancelled), by client order id.
    public func unfilledOrderIDs() -> [String] {
        state.withLock { $0.orders.filter { $0.fill == nil }.map(\.request.clientOrderID) }
    }

    /// The stocks whose snapshot the engine asked for.
    public func requestedTickers() -> Set<Ticker> { state.withLock { $0.requested } }

    /// Moves the clock to `instant`, pushing (when someone listens) every report and watched quote due by then,
    /// in time order, exactly as the live venue would have pushed them.
    public func advance(to instant: Date) {
        var pushes: [BrokerPush] = []
        while let (_, batch) = nextBatch(through: instant) { pushes += batch }
        clock.advance(to: instant)
        guard !pushes.isEmpty, let continuation = state.withLock({ $0.continuation }) else { return }
        for push in pushes { continuation.yield(push) }
    }

    /// Moves the clock to `instant` one due instant at a time: the clock is set to each push's instant and
    /// `deliver` has consumed it (and whatever it sent) before the clock moves on, so an exit decided on a
    /// tick is sent at that tick's virtual time and a sell it sends is reported in turn.
    public func advance(to instant: Date, deliver: (BrokerPush) async -> Void) async {
        while let (at, batch) = nextBatch(through: instant) {
            clock.advance(to: at)
            for push in batch { await deliver(push) }
        }
        clock.advance(to: instant)
    }

    /// The pushes due at the earliest instant not yet pushed, up to `instant`, marked pushed.
    private func nextBatch(through instant: Date) -> (Date, [BrokerPush])? {
        state.withLock { s in
            var due: [(Date, Int, BrokerPush)] = []
            for (sequence, placed) in s.orders.enumerated() {
                let request = placed.request
                if !placed.receivedPushed, placed.arrivesAt <= instant {
                    due.append((placed.arrivesAt, sequence * 4, .execution(report(placed, status: .received, open: request.quantity))))
                }
                if !placed.fillPushed, let fill = placed.fill, fill.at <= instant {
                    due.append((max(fill.at, placed.arrivesAt), sequence * 4 + 1, .execution(report(placed, status: .filled, open: 0))))
                }
            }
            let from = s.emittedThrough
            for ticker in s.watched.sorted() {
                guard let recorded = market.candles(ticker) else { continue }
                // Candles are in time order: start at the first one that can still have an unpushed point, so a
                // step costs the minutes it covers, not the whole day (a day has a step per tick).
                let candles = recorded.candles
                var low = 0, high = candles.count
                let earliest = from.addingTimeInterval(-60)
                while low < high {
                    let middle = (low + high) / 2
                    if candles[middle].time > earliest { high = middle } else { low = middle + 1 }
                }
                for candle in candles[low...] {
                    guard candle.time <= instant else { break }
                    // Open, the adverse extreme for a holder (low), the other extreme, the close, inside the minute.
                    let points = [(0.0, candle.open), (15, candle.low), (30, candle.high), (59, candle.close)]
                    for (offset, price) in points {
                        let at = candle.time.addingTimeInterval(offset)
                        guard at > from, at <= instant else { continue }
                        due.append((at, Int.max / 2, .quote(QuoteTick(ticker: ticker, price: price, bestBid: KRXTick.down(from: KRXTick.roundUp(price)),
                                                                         bestAsk: KRXTick.roundUp(price), at: at))))
                    }
                }
            }
            guard let first = due.map(\.0).min() else {
                s.emittedThrough = max(s.emittedThrough, instant)
                return nil
            }
            let batch = due.filter { $0.0 == first }.sorted { $0.1 < $1.1 }
            for (_, key, _) in batch where key < Int.max / 2 {
                if key % 4 == 0 { s.orders[key / 4].receivedPushed = true } else { s.orders[key / 4].fillPushed = true }
            }
            s.emittedThrough = max(s.emittedThrough, first)
            return (first, batch.map(\.2))
        }
    }

    /// Ends the day's pushes.
    public func finish() { state.withLock { $0.continuation?.finish() } }

    // MARK: - Helpers

    private func report(_ placed: PlacedOrder, status: ExecutionStatus, open: Int) -> BrokerExecution {
        let request = placed.request
        let filled = status == .filled
        return BrokerExecution(brokerOrderNo: placed.number, ticker: request.ticker, side: request.side, status: status,
                               orderQuantity: request.quantity, orderPrice: request.price.limitPrice ?? 0, openQuantity: open,
                               cumulativeQuantity: filled ? request.quantity : 0, executionID: filled ? placed.number + "-1" : nil,
                               executionPrice: filled ? placed.fill?.price : nil, executionQuantity: filled ? request.quantity : nil,
                               time: KST.timeString(filled ? placed.fill!.at : placed.arrivesAt))
    }

    private func held(_ ticker: Ticker, at now: Date, excludingOpenSells: Bool) -> Int {
        state.withLock { s in
            var held = 0
            for placed in s.orders where placed.request.ticker == ticker {
                let filled = placed.fill.map { $0.at <= now } ?? false
                switch placed.request.side {
                case .buy: if filled { held += placed.request.quantity }
                case .sell: if filled || (excludingOpenSells && placed.cancelledAt == nil && placed.fill != nil) { held -= placed.request.quantity }
                }
            }
            return held
        }
    }

    private func openBuyAmount(at now: Date) -> Int {
        state.withLock { s in
            s.orders.filter { $0.request.side == .buy && $0.cancelledAt == nil && !($0.fill.map { $0.at <= now } ?? false) && now < sessionEnd }
                .reduce(0) { $0 + $1.request.quantity * ($1.request.price.limitPrice ?? 0) }
        }
    }
}
