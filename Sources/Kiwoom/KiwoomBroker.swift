import Foundation
import Logging
import SokboCore
import Synchronization

/// The `Broker` on Kiwoom's REST API.
///
/// ## Snapshot: one round trip, and what may be missing
/// `snapshot` sends its queries at once (`async let`): `ka10001` (price, base price, limits),
/// `ka10004` (ten-level book), `kt00011` (margin rate) and `ka10100` (`state`: halt flag, and the margin
/// rate again as the fallback when `kt00011` fails or is unsupported, e.g. RC9000 on the mock host).
/// `ka10100` is fetched up front rather than after a `kt00011` failure so that the fallback never costs a
/// second round trip. Its reply (a day-level designation that changes rarely) is reused for
/// `stateTTL` (default 30 s), so most snapshots are three concurrent calls: a halt is seen within that
/// time, and an order sent meanwhile is refused by the venue (a rejection, not an unknown outcome).
///
/// Partial-failure policy:
/// - `ka10001` is required: without price and limits no decision can be made, so its failure fails the
///   snapshot (the error of `ka10001` is thrown; the other calls are still awaited, never leaked).
/// - The book may be missing (`missing` has `.orderBook`, `book` nil): a decision may still use limit
///   orders at the last price, but must not send market orders or size against depth.
/// - The margin rate may be missing (`.marginRate`, nil): treat the stock as 100 % cash-only.
/// - The halt status may be missing (`.haltStatus`, `halted` nil): treat as unknown and do not open new
///   positions until a later snapshot has it.
///
/// ## Realtime snapshots: no round trip for watched stocks
/// With a quote book (fed by `KiwoomRealtimeService` from the `0B`/`0D` pushes), a stock that has a
/// live quote and a complete *day reference* is answered locally: price and book from the pushes; name,
/// base price, limits, margin rate and halt state from the reference, which is the last complete REST
/// snapshot of the stock taken within `referenceTTL` (the service re-reads watched stocks on a schedule).
/// Trade-off: a halt or margin-rate change made since the reference is not seen until the next refresh;
/// an order sent meanwhile is refused by the venue — a rejection, never an unknown outcome. Anything
/// missing (no live quote, socket down, reference old, incomplete or from another day) falls back to REST.
public final class KiwoomBroker: Broker {
    /// The raw client.
    public let client: KiwoomClient
    private let limitsCache = Mutex<[Ticker: (day: String, limits: DailyLimits)]>([:])
    private let stateCache = Mutex<[Ticker: (at: ContinuousClock.Instant, state: KA10100Response)]>([:])
    private let stateTTL: Duration
    private let logger: Logger
    /// Live quotes from the realtime feed, when one runs.
    public let quotes: KiwoomQuoteBook?
    private let references = Mutex<[Ticker: (at: ContinuousClock.Instant, day: String, snapshot: StockSnapshot)]>([:])
    private let referenceTTL: Duration

    /// Creates a broker over a raw client; `stateTTL` is how long a `ka10100` reply is reused; with
    /// `quotes`, watched stocks are answered from the realtime feed (see the type's documentation).
    public init(client: KiwoomClient, stateTTL: Duration = .seconds(30), quotes: KiwoomQuoteBook? = nil,
                referenceTTL: Duration = .seconds(600), logger: Logger = Logger(label: "kiwoom.broker")) {
        self.client = client
        self.stateTTL = stateTTL
        self.quotes = quotes
        self.referenceTTL = referenceTTL
        self.logger = logger
    }

    /// Creates a broker from a configuration with the shared HTTP client.
    public convenience init(configuration: KiwoomConfiguration, stateTTL: Duration = .seconds(30), logger: Logger = Logger(label: "kiwoom.broker")) {
        self.init(client: KiwoomClient(configuration: configuration, logger: logger), stateTTL: stateTTL, logger: logger)
    }

    // MARK: - Snapshot

    /// Price, limits, halt status, margin rate and book, from concurrent queries (one round trip).
    public func snapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        if let live = realtimeSnapshot(ticker) { return live }
        return try await restSnapshot(ticker)
    }

    /// Re-reads a stock over REST: its day reference, and the live quote's seed when no push has arrived
    /// since the request left (the realtime service calls this after subscribing and on a schedule).
    public func refreshReference(_ ticker: Ticker) async throws {
        let requestedAt = Date()
        let snapshot = try await restSnapshot(ticker)
        quotes?.seed(snapshot, requestedAt: requestedAt)
    }

    /// How old a stock's day reference is (nil when there is none for today).
    public func referenceAge(_ ticker: Ticker, now: Date = Date()) -> Duration? {
        references.withLock { references in
            guard let reference = references[ticker], reference.day == KST.dayString(now) else { return nil }
            return reference.at.duration(to: .now)
        }
    }

    /// The snapshot from the live quote and the day reference, or nil when either is missing or old.
    func realtimeSnapshot(_ ticker: Ticker, now: Date = Date()) -> StockSnapshot? {
        guard let quotes, let live = quotes.quote(ticker), let price = live.lastPrice, let book = live.book else { return nil }
        guard let reference = references.withLock({ $0[ticker] }), reference.at.duration(to: .now) < referenceTTL,
              reference.day == KST.dayString(now) else { return nil }
        var snapshot = reference.snapshot
        snapshot.price = price
        snapshot.change = price - snapshot.basePrice
        snapshot.changePercent = snapshot.basePrice > 0 ? Double(price - snapshot.basePrice) * 100 / Double(snapshot.basePrice) : 0
        snapshot.high = snapshot.high.map { max($0, price) } ?? price
        snapshot.low = snapshot.low.map { min($0, price) } ?? price
        snapshot.book = book
        snapshot.asOf = live.updatedAt
        snapshot.source = .realtime
        return snapshot
    }

    /// Price, limits, halt status, margin rate and book over REST, from concurrent queries (one round trip).
    /// A complete reply also becomes the stock's day reference for realtime snapshots.
    public func restSnapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        let snapshot = try await queriedSnapshot(ticker)
        // Only a complete snapshot may stand in for the day: a realtime answer must never lack the halt
        // state or the margin rate that a REST answer would have had.
        if snapshot.missing.isEmpty, snapshot.halted != nil, snapshot.marginRatePercent != nil {
            references.withLock { $0[ticker] = (.now, KST.dayString(snapshot.asOf), snapshot) }
        }
        return snapshot
    }

    private func queriedSnapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        let code = ticker.code
        async let info = Self.result { try await self.client.ka10001(stockCode: code) }
        async let book = Self.result { try await self.client.ka10004(stockCode: code) }
        async let margin = Self.result { try await self.client.kt00011(stockCode: code) }
        async let state = stockState(ticker)
        let (infoR, bookR, marginR, stateR) = await (info, book, margin, state)
        let basic = try infoR.mapError(Self.brokerError).get()
        return try assemble(ticker: ticker, info: basic, book: try? bookR.get(), margin: try? marginR.get(), state: try? stateR.get())
    }

    /// Builds the snapshot; exposed to tests through fixtures.
    func assemble(ticker: Ticker, info: KA10001Response, book: KA10004Response?, margin: KT00011Response?, state: KA10100Response?) throws -> StockSnapshot {
        guard let price = KiwoomValue.price(info.cur_prc), let base = KiwoomValue.price(info.base_pric), base > 0 else {
            throw BrokerError(.unavailable, message: "ka10001 for \(ticker) has no cur_prc/base_pric")
        }
        let computed = KRXTick.dailyLimits(basePrice: base) ?? DailyLimits(upper: price, lower: price)
        let limits = DailyLimits(upper: KiwoomValue.price(info.upl_pric) ?? computed.upper,
                                 lower: KiwoomValue.price(info.lst_pric) ?? computed.lower)
        let now = Date()
        limitsCache.withLock { $0[ticker] = (KST.dayString(now), limits) }
        var missing = Set<StockSnapshot.Part>()
        let orderBook = book.map(Self.orderBook)
        if orderBook == nil { missing.insert(.orderBook) }
        let rate = KiwoomValue.percent(margin?.stk_profa_rt) ?? KiwoomValue.marginRate(inState: state?.state)
        if rate == nil { missing.insert(.marginRate) }
        let halted = state.map { ($0.state ?? "").contains("거래정지") }
        if halted == nil { missing.insert(.haltStatus) }
        return StockSnapshot(
            ticker: ticker, name: KiwoomValue.text(info.stk_nm) ?? ticker.code, price: price, basePrice: base,
            change: KiwoomValue.signedInt(info.pred_pre) ?? price - base, changePercent: KiwoomValue.decimal(info.flu_rt) ?? 0,
            open: KiwoomValue.price(info.open_pric).flatMap { $0 > 0 ? $0 : nil },
            high: KiwoomValue.price(info.high_pric).flatMap { $0 > 0 ? $0 : nil },
            low: KiwoomValue.price(info.low_pric).flatMap { $0 > 0 ? $0 : nil },
            volume: KiwoomValue.signedInt(info.trde_qty) ?? 0, limits: limits, halted: halted,
            marginRatePercent: rate, book: orderBook, missing: missing, asOf: now)
    }

    /// The ten levels, best first, empty levels dropped; prices lose their direction sign.
    static func orderBook(_ wire: KA10004Response) -> OrderBook {
        func levels(_ side: [KA10004Response.Level]) -> [BookLevel] {
            side.compactMap { level in
                guard let p = KiwoomValue.price(level.bid), p > 0 else { return nil }
                return BookLevel(price: p, quantity: KiwoomValue.signedInt(level.req) ?? 0)
            }
        }
        return OrderBook(asks: levels(wire.sel), bids: levels(wire.buy),
                         totalAskQuantity: KiwoomValue.signedInt(wire.tot_sel_req) ?? 0,
                         totalBidQuantity: KiwoomValue.signedInt(wire.tot_buy_req) ?? 0,
                         time: KiwoomValue.text(wire.bid_req_base_tm))
    }

    /// `ka10100`, from the cache while fresh.
    private func stockState(_ ticker: Ticker) async -> Result<KA10100Response, any Error> {
        let now = ContinuousClock.now
        if let cached = stateCache.withLock({ $0[ticker] }), cached.at.duration(to: now) < stateTTL { return .success(cached.state) }
        let result = await Self.result { try await self.client.ka10100(stockCode: ticker.code) }
        if case .success(let state) = result { stateCache.withLock { $0[ticker] = (now, state) } }
        return result
    }

    private static func result<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    // MARK: - Orders

    /// Checks the order, then sends `kt10000`/`kt10001` once. The daily limits come from the latest
    /// snapshot of the day, or from one `ka10001` when there is none (a query, never the order).
    public func submit(_ order: OrderRequest) async -> OrderSubmission {
        let api: KiwoomAPI = order.side == .buy ? .kt10000 : .kt10001
        var price: Int?
        do {
            try KiwoomInputCheck.quantity(order.quantity, api: api)
            if case .limit(let p) = order.price {
                try KiwoomInputCheck.limitPrice(p, limits: nil, api: api)
                let limits = try await dailyLimits(order.ticker)
                try KiwoomInputCheck.limitPrice(p, limits: limits, api: api)
                price = p
            }
        } catch let error as KiwoomError where error.category == .invalidRequest {
            return .rejected(code: "invalid_input", message: error.message)
        } catch {
            return .rejected(code: "limits_unavailable", message: "today's price limits could not be read, order not sent: \(error)")
        }
        let outcome = order.side == .buy
            ? await client.kt10000(exchange: order.exchange.rawValue, stockCode: order.ticker.code, quantity: order.quantity, price: price)
            : await client.kt10001(exchange: order.exchange.rawValue, stockCode: order.ticker.code, quantity: order.quantity, price: price)
        return Self.submission(outcome)
    }

    /// Sends `kt10003` once.
    public func cancel(_ request: CancelRequest) async -> OrderSubmission {
        Self.submission(await client.kt10003(exchange: request.exchange.rawValue, originalOrderNo: request.brokerOrderNo,
                                             stockCode: request.ticker.code, quantity: request.quantity))
    }

    static func submission<V>(_ outcome: KiwoomOrderOutcome<V>) -> OrderSubmission {
        switch outcome {
        case .accepted(_, let number): .accepted(brokerOrderNo: number)
        case .rejected(let error):
            .rejected(code: error.category == .invalidRequest ? "invalid_input" : (error.code ?? "return_code_\(error.returnCode ?? -1)"), message: error.message)
        case .unknown(let reason): .unknown(reason: reason)
        }
    }

    func dailyLimits(_ ticker: Ticker) async throws -> DailyLimits {
        let today = KST.dayString(Date())
        if let cached = limitsCache.withLock({ $0[ticker] }), cached.day == today { return cached.limits }
        let info = try await client.ka10001(stockCode: ticker.code)
        guard let base = KiwoomValue.price(info.base_pric), let computed = KRXTick.dailyLimits(basePrice: base) else {
            throw BrokerError(.unavailable, message: "ka10001 without base_pric")
        }
        let limits = DailyLimits(upper: KiwoomValue.price(info.upl_pric) ?? computed.upper, lower: KiwoomValue.price(info.lst_pric) ?? computed.lower)
        limitsCache.withLock { $0[ticker] = (today, limits) }
        return limits
    }

    // MARK: - Reconciliation and account

    /// Open orders (`ka10075`), with their fills so far.
    public func openOrdersAndFills(_ ticker: Ticker?) async throws -> [BrokerOrder] {
        let reply = try await mapped { try await self.client.ka10075(stockCode: ticker?.code) }
        return (reply.oso ?? []).compactMap(Self.order)
    }

    static func order(_ row: KA10075Response.Row) -> BrokerOrder? {
        guard let number = KiwoomValue.text(row.ord_no), let ticker = row.stk_cd.flatMap(Ticker.init(venueCode:)) else { return nil }
        let io = row.io_tp_nm ?? ""
        let side: OrderSide? = io.contains("매도") ? .sell : io.contains("매수") ? .buy : nil
        let quantity = KiwoomValue.signedInt(row.ord_qty) ?? 0
        let open = KiwoomValue.signedInt(row.oso_qty) ?? 0
        return BrokerOrder(brokerOrderNo: number, originalOrderNo: KiwoomValue.text(row.orig_ord_no).flatMap { Int($0) == 0 ? nil : $0 },
                           ticker: ticker, name: row.stk_nm ?? "", side: side, quantity: quantity,
                           price: KiwoomValue.price(row.ord_pric) ?? 0, openQuantity: open,
                           filledQuantity: KiwoomValue.signedInt(row.cntr_qty) ?? max(0, quantity - open),
                           fillPrice: KiwoomValue.price(row.cntr_pric).flatMap { $0 > 0 ? $0 : nil },
                           status: row.ord_stt ?? "", time: row.tm ?? "")
    }

    /// Cash (`kt00001`) and positions (`kt00018`), fetched concurrently.
    public func account() async throws -> AccountSnapshot {
        async let deposit = mapped { try await self.client.kt00001() }
        async let balance = mapped { try await self.client.kt00018() }
        return Self.account(deposit: try await deposit, balance: try await balance)
    }

    static func account(deposit: KT00001Response, balance: KT00018Response) -> AccountSnapshot {
        let positions = (balance.acnt_evlt_remn_indv_tot ?? []).compactMap { row -> Position? in
            guard let ticker = row.stk_cd.flatMap(Ticker.init(venueCode:)) else { return nil }
            return Position(ticker: ticker, name: row.stk_nm ?? "", quantity: KiwoomValue.signedInt(row.rmnd_qty) ?? 0,
                            sellableQuantity: KiwoomValue.signedInt(row.trde_able_qty) ?? 0,
                            averagePrice: KiwoomValue.price(row.pur_pric) ?? 0, currentPrice: KiwoomValue.price(row.cur_prc) ?? 0,
                            profitLoss: KiwoomValue.signedInt(row.evltv_prft) ?? 0)
        }
        return AccountSnapshot(cash: KiwoomValue.signedInt(deposit.entr) ?? 0, orderableCash: KiwoomValue.signedInt(deposit.ord_alow_amt) ?? 0,
                               totalPurchase: KiwoomValue.signedInt(balance.tot_pur_amt) ?? 0,
                               totalValuation: KiwoomValue.signedInt(balance.tot_evlt_amt) ?? 0,
                               profitLoss: KiwoomValue.signedInt(balance.tot_evlt_pl) ?? 0,
                               estimatedAssets: KiwoomValue.signedInt(balance.prsm_dpst_aset_amt) ?? 0, positions: positions)
    }

    // MARK: - Charts

    /// Daily (`ka10081`) or one-minute (`ka10080`) candles in `[from, to]`, oldest first, following
    /// `cont-yn`/`next-key` until the rows reach back to `from` (at most `maxChartPages` pages).
    public func chart(_ ticker: Ticker, interval: CandleInterval, from: Date?, to: Date?) async throws -> [Candle] {
        let end = to ?? Date()
        let baseDate = KST.dayString(end)
        let candles: [Candle]
        switch interval {
        case .day:
            let rows = try await mapped {
                try await self.client.ka10081Pages(stockCode: ticker.code, baseDate: baseDate) { page in
                    guard let from, let oldest = page.last?.dt.flatMap({ KST.date(yyyymmdd: $0, hhmmss: "000000") }) else { return false }
                    return oldest <= from
                }
            }
            candles = rows.compactMap { row in
                guard let dt = KiwoomValue.text(row.dt), let time = KST.date(yyyymmdd: dt, hhmmss: "000000") else { return nil }
                return Self.candle(time, row.open_pric, row.high_pric, row.low_pric, row.cur_prc, row.trde_qty)
            }
        case .minute:
            let rows = try await mapped {
                try await self.client.ka10080Pages(stockCode: ticker.code, baseDate: baseDate) { page in
                    guard let from, let oldest = page.last.flatMap({ Self.minuteTime($0.cntr_tm) }) else { return false }
                    return oldest <= from
                }
            }
            candles = rows.compactMap { row in
                guard let time = Self.minuteTime(row.cntr_tm) else { return nil }
                return Self.candle(time, row.open_pric, row.high_pric, row.low_pric, row.cur_prc, row.trde_qty)
            }
        }
        return candles.filter { c in (from.map { c.time >= $0 } ?? true) && c.time <= end }.sorted { $0.time < $1.time }
    }

    static func minuteTime(_ raw: String?) -> Date? {
        guard let raw, raw.count == 14 else { return nil }
        return KST.date(yyyymmdd: raw.prefix(8), hhmmss: raw.suffix(6))
    }

    /// A candle from signed price strings; nil for the degenerate all-`""` rows the mock sends.
    static func candle(_ time: Date, _ o: String?, _ h: String?, _ l: String?, _ c: String?, _ v: String?) -> Candle? {
        guard let close = KiwoomValue.price(c), close > 0 else { return nil }
        return Candle(time: time, open: KiwoomValue.price(o) ?? close, high: KiwoomValue.price(h) ?? close,
                      low: KiwoomValue.price(l) ?? close, close: close, volume: KiwoomValue.signedInt(v) ?? 0)
    }

    // MARK: - Errors

    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw Self.brokerError(error) }
    }

    /// Maps a Kiwoom failure onto the venue-neutral error.
    static func brokerError(_ error: any Error) -> any Error {
        guard let e = error as? KiwoomError else { return error }
        if e.category == .paced {
            return BrokerError(.rateLimited, code: e.code, message: e.description, isRetryable: true, retryAfter: e.retryAfter)
        }
        let kind: BrokerError.Kind = switch e.category {
        case .invalidRequest, .input, .batchTooLarge: .invalidInput
        case .symbolNotFound: .notFound
        case .rateLimited, .paced: .rateLimited
        case .credentials, .token, .modeMismatch, .device: .authentication
        case .unsupported: .unsupported
        case .service, .rejected, .marketClosed, .http, .transport, .decoding: .unavailable
        }
        return BrokerError(kind, code: e.code, message: e.description, isRetryable: e.isRetryable)
    }
}
