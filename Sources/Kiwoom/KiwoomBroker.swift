import Foundation
import Logging
import SokboCore
import Synchronization

/// The `Broker` on Kiwoom's REST API.
///
/// ## What a snapshot costs: the day's reference, read once
/// Name, base price and limits (`ka10001`), the margin rate (`kt00011`, or `ka10100`'s `state` as the
/// fallback when `kt00011` fails or is unsupported, e.g. RC9000 on the mock host) and the halt designation
/// (`ka10100`) change at most once a trading day. They form the stock's *day reference*, read once per stock
/// per trading day (three concurrent queries) on its first use, or ahead of time through
/// `warmDayReferences` (the realtime service does it for the watchlist when it subscribes), and reused by
/// every later snapshot that day. The venue allows about one request per second per api-id (`kiwoom-rest.md`
/// §7), so queries not spent on a headline are what lets the next one through in time.
/// - An entry (`entrySnapshot`) costs **one** query, `ka10004` (the book), when the reference is held;
///   four concurrent queries (one round trip) the first time a stock is seen that day; **none** for a stock
///   the realtime feed covers. `ka10004` carries no last price (§6.3): the entry's `price` is the best ask,
///   which is what sizing pays; with no ask at all the price counts as the upper limit (nothing offered: the
///   stock is pinned there or has no sellers, so sizing does not buy).
/// - A lookup (`snapshot`, for `GET /api/stocks/{code}` and manual orders) costs two (`ka10001` for the last
///   price, open, high, low and volume, and `ka10004`), four the first time.
///
/// Trade-off: a halt designated, or a margin rate changed, after the day's read is not seen until the next
/// trading day's read. An order sent meanwhile is refused by the venue: a rejection, never an unknown
/// outcome, and no money moves. A reference lacking the halt state or the margin rate is never kept: it
/// serves the snapshot that read it (with `missing` set) and the next snapshot asks again.
///
/// A trading day starts at `dayStart` KST (08:00, when NXT's pre-market opens: the day's base prices and
/// limits are set before the first session; the spec does not say when Kiwoom turns its day over), so a
/// reference read the evening before is never used for the next session.
///
/// Partial-failure policy:
/// - `ka10001` is required for the day's reference and for a lookup: its error is thrown (the other calls
///   are still awaited, never leaked).
/// - An entry needs its book: a failed `ka10004` fails the entry snapshot (there is no price without it).
///   A lookup may lack the book (`missing` has `.orderBook`, `book` nil).
/// - The margin rate may be missing (`.marginRate`, nil): treat the stock as 100 % cash-only.
/// - The halt status may be missing (`.haltStatus`, `halted` nil): treat as unknown.
///
/// ## Realtime snapshots: no round trip for watched stocks
/// With a quote book (fed by `KiwoomRealtimeService` from the `0B`/`0D` pushes), a stock that has a live
/// quote and a complete day reference is answered locally: price and book from the pushes; name, base
/// price, limits, margin rate and halt state from the reference. Anything missing (no live quote, socket
/// down, no reference for the day) falls back to REST.
public final class KiwoomBroker: Broker {
    /// The raw client.
    public let client: KiwoomClient
    private let references = Mutex<[Ticker: (readAt: ContinuousClock.Instant, reference: KiwoomDayReference)]>([:])
    private let dayStart: Duration
    private let logger: Logger
    /// Live quotes from the realtime feed, when one runs.
    public let quotes: KiwoomQuoteBook?
    /// The pushes the realtime service publishes for `pushes()`, and the stocks `watch(_:)` asked for.
    public let feed = KiwoomPushFeed()

    /// Creates a broker over a raw client; with `quotes`, watched stocks are answered from the realtime feed;
    /// `dayStart` is when a trading day's references begin, KST (see the type's documentation).
    public init(client: KiwoomClient, quotes: KiwoomQuoteBook? = nil, dayStart: Duration = .seconds(8 * 3600),
                logger: Logger = Logger(label: "kiwoom.broker")) {
        self.client = client
        self.quotes = quotes
        self.dayStart = dayStart
        self.logger = logger
    }

    /// Creates a broker from a configuration with the shared HTTP client.
    public convenience init(configuration: KiwoomConfiguration, logger: Logger = Logger(label: "kiwoom.broker")) {
        self.init(client: KiwoomClient(configuration: configuration, logger: logger), logger: logger)
    }

    // MARK: - Snapshot

    /// Price, limits, halt status, margin rate and book: from the realtime feed when it covers the stock,
    /// otherwise `ka10001` and `ka10004` with the day's reference (read with them when not held yet).
    public func snapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        if let live = realtimeSnapshot(ticker) { return live }
        return try await restSnapshot(ticker).snapshot
    }

    /// The book with the day's reference: no query for a watched stock, one (`ka10004`) once the reference
    /// is held, four the first time the stock is seen that day.
    public func entrySnapshot(_ ticker: Ticker) async throws -> EntrySnapshot {
        if let live = realtimeSnapshot(ticker) { return EntrySnapshot(snapshot: live, queries: 0) }
        let code = ticker.code
        if let reference = dayReference(ticker) {
            let book = try await mapped { try await self.client.ka10004(stockCode: code) }
            return EntrySnapshot(snapshot: try bookSnapshot(ticker, reference: reference, book: book), queries: 1)
        }
        async let bookReply = Self.result { try await self.client.ka10004(stockCode: code) }
        let reference = try await readDayReference(ticker)
        let book = try await bookReply.mapError(Self.brokerError).get()
        return EntrySnapshot(snapshot: try bookSnapshot(ticker, reference: reference, book: book), queries: 4)
    }

    /// Reads the day's reference of each stock that has none for today, one stock at a time (three queries
    /// each); returns how many were read and kept. Failures are logged and left to the stock's first use.
    @discardableResult
    public func warmDayReferences(_ tickers: [Ticker]) async -> Int {
        var read = 0
        for ticker in tickers where dayReference(ticker) == nil {
            if Task.isCancelled { break }
            do {
                if try await readDayReference(ticker).isComplete { read += 1 }
            } catch {
                logger.debug("day reference not read", metadata: ["ticker": "\(ticker)", "error": "\(error)"])
            }
        }
        return read
    }

    /// Keeps a watched stock ready for realtime snapshots (the realtime service calls this after subscribing
    /// and on a schedule): the day's reference when it has none for today, and the live quote's seed over
    /// REST when no push has built it yet. A stock with a live quote and today's reference costs nothing.
    public func refreshReference(_ ticker: Ticker) async throws {
        if quotes?.quote(ticker) != nil {
            if dayReference(ticker) == nil { _ = try await readDayReference(ticker) }
            return
        }
        let requestedAt = Date()
        let snapshot = try await restSnapshot(ticker).snapshot
        quotes?.seed(snapshot, requestedAt: requestedAt)
    }

    /// How long ago the stock's day reference was read (nil when there is none for today).
    public func referenceAge(_ ticker: Ticker, now: Date = Date()) -> Duration? {
        guard let held = references.withLock({ $0[ticker] }),
              held.reference.session == KiwoomDayReference.session(of: now, dayStart: dayStart) else { return nil }
        return held.readAt.duration(to: .now)
    }

    /// How many stocks have today's reference.
    public func dayReferenceCount(now: Date = Date()) -> Int {
        let session = KiwoomDayReference.session(of: now, dayStart: dayStart)
        return references.withLock { $0.values.count { $0.reference.session == session } }
    }

    /// Today's complete reference of a stock, or nil.
    func dayReference(_ ticker: Ticker, now: Date = Date()) -> KiwoomDayReference? {
        guard let held = references.withLock({ $0[ticker] }),
              held.reference.session == KiwoomDayReference.session(of: now, dayStart: dayStart) else { return nil }
        return held.reference
    }

    /// The snapshot from the live quote and the day's reference, or nil when either is missing.
    func realtimeSnapshot(_ ticker: Ticker, now: Date = Date()) -> StockSnapshot? {
        guard let quotes, let live = quotes.quote(ticker), let price = live.lastPrice, let book = live.book,
              let reference = dayReference(ticker, now: now) else { return nil }
        var snapshot = Self.snapshot(ticker, reference: reference, price: price, book: book, asOf: live.updatedAt)
        snapshot.source = .realtime
        return snapshot
    }

    /// `ka10001` and `ka10004` with the day's reference (read in the same round trip when not held), and
    /// how many queries it took.
    func restSnapshot(_ ticker: Ticker) async throws -> (snapshot: StockSnapshot, queries: Int) {
        let code = ticker.code
        async let info = Self.result { try await self.client.ka10001(stockCode: code) }
        async let book = Self.result { try await self.client.ka10004(stockCode: code) }
        if let reference = dayReference(ticker) {
            let (infoR, bookR) = await (info, book)
            let basic = try infoR.mapError(Self.brokerError).get()
            return (try snapshot(ticker, info: basic, reference: reference, book: try? bookR.get()), 2)
        }
        async let margin = Self.result { try await self.client.kt00011(stockCode: code) }
        async let state = Self.result { try await self.client.ka10100(stockCode: code) }
        let (infoR, bookR, marginR, stateR) = await (info, book, margin, state)
        let basic = try infoR.mapError(Self.brokerError).get()
        return (try assemble(ticker: ticker, info: basic, book: try? bookR.get(), margin: try? marginR.get(), state: try? stateR.get()), 4)
    }

    /// Reads the day's reference (`ka10001`, `kt00011`, `ka10100` at once) and keeps it when complete.
    private func readDayReference(_ ticker: Ticker) async throws -> KiwoomDayReference {
        let code = ticker.code
        async let info = Self.result { try await self.client.ka10001(stockCode: code) }
        async let margin = Self.result { try await self.client.kt00011(stockCode: code) }
        async let state = Self.result { try await self.client.ka10100(stockCode: code) }
        let (infoR, marginR, stateR) = await (info, margin, state)
        let basic = try infoR.mapError(Self.brokerError).get()
        return try keep(reference(ticker, info: basic, margin: try? marginR.get(), state: try? stateR.get()))
    }

    /// Builds the snapshot and keeps the day's reference from the same replies; exposed to tests through fixtures.
    func assemble(ticker: Ticker, info: KA10001Response, book: KA10004Response?, margin: KT00011Response?, state: KA10100Response?) throws -> StockSnapshot {
        let reference = keep(try reference(ticker, info: info, margin: margin, state: state))
        return try snapshot(ticker, info: info, reference: reference, book: book)
    }

    private func keep(_ reference: KiwoomDayReference) -> KiwoomDayReference {
        if reference.isComplete { references.withLock { $0[reference.ticker] = (.now, reference) } }
        return reference
    }

    private func reference(_ ticker: Ticker, info: KA10001Response, margin: KT00011Response?, state: KA10100Response?) throws -> KiwoomDayReference {
        guard let base = KiwoomValue.price(info.base_pric), base > 0 else {
            throw BrokerError(.unavailable, message: "ka10001 for \(ticker) has no base_pric")
        }
        let computed = KRXTick.dailyLimits(basePrice: base) ?? DailyLimits(upper: base, lower: base)
        let limits = DailyLimits(upper: KiwoomValue.price(info.upl_pric) ?? computed.upper,
                                 lower: KiwoomValue.price(info.lst_pric) ?? computed.lower)
        return KiwoomDayReference(
            ticker: ticker, session: KiwoomDayReference.session(of: Date(), dayStart: dayStart),
            name: KiwoomValue.text(info.stk_nm) ?? ticker.code, basePrice: base, limits: limits,
            halted: state.map { ($0.state ?? "").contains("거래정지") },
            marginRatePercent: KiwoomValue.percent(margin?.stk_profa_rt) ?? KiwoomValue.marginRate(inState: state?.state))
    }

    /// A lookup's snapshot: the last price and the day's figures from `ka10001`, the rest from the reference.
    private func snapshot(_ ticker: Ticker, info: KA10001Response, reference: KiwoomDayReference, book: KA10004Response?) throws -> StockSnapshot {
        guard let price = KiwoomValue.price(info.cur_prc) else {
            throw BrokerError(.unavailable, message: "ka10001 for \(ticker) has no cur_prc")
        }
        let orderBook = book.map(Self.orderBook)
        var snapshot = Self.snapshot(ticker, reference: reference, price: price, book: orderBook, asOf: Date())
        if orderBook == nil { snapshot.missing.insert(.orderBook) }
        snapshot.change = KiwoomValue.signedInt(info.pred_pre) ?? price - reference.basePrice
        snapshot.changePercent = KiwoomValue.decimal(info.flu_rt) ?? snapshot.changePercent
        snapshot.open = KiwoomValue.price(info.open_pric).flatMap { $0 > 0 ? $0 : nil }
        snapshot.high = KiwoomValue.price(info.high_pric).flatMap { $0 > 0 ? $0 : nil }
        snapshot.low = KiwoomValue.price(info.low_pric).flatMap { $0 > 0 ? $0 : nil }
        snapshot.volume = KiwoomValue.signedInt(info.trde_qty) ?? 0
        return snapshot
    }

    /// An entry's snapshot from the book alone: the best ask stands for the price (`ka10004` has no last price).
    private func bookSnapshot(_ ticker: Ticker, reference: KiwoomDayReference, book wire: KA10004Response) throws -> StockSnapshot {
        let book = Self.orderBook(wire)
        // No ask but bids: nothing is offered, as at the upper limit; sizing then does not buy.
        guard let price = book.asks.first?.price ?? (book.bids.isEmpty ? nil : reference.limits.upper) else {
            throw BrokerError(.unavailable, message: "ka10004 for \(ticker) has an empty book")
        }
        return Self.snapshot(ticker, reference: reference, price: price, book: book, asOf: Date())
    }

    private static func snapshot(_ ticker: Ticker, reference: KiwoomDayReference, price: Int, book: OrderBook?, asOf: Date) -> StockSnapshot {
        let base = reference.basePrice
        return StockSnapshot(
            ticker: ticker, name: reference.name, price: price, basePrice: base, change: price - base,
            changePercent: base > 0 ? Double(price - base) * 100 / Double(base) : 0, open: nil, high: nil, low: nil, volume: 0,
            limits: reference.limits, halted: reference.halted, marginRatePercent: reference.marginRatePercent, book: book,
            missing: reference.missing, asOf: asOf)
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

    private static func result<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    // MARK: - Orders

    /// Checks the order, then sends `kt10000`/`kt10001` once. The daily limits come from the day's
    /// reference, read first when not held (queries, never the order).
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

    /// Today's limits: from the day's reference, read (three queries) when not held.
    func dailyLimits(_ ticker: Ticker) async throws -> DailyLimits {
        if let reference = dayReference(ticker) { return reference.limits }
        return try await readDayReference(ticker).limits
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

    /// A row whose `rmnd_qty` is 0 (a stock sold out today, which the venue keeps listing for the day) is not a position.
    static func account(deposit: KT00001Response, balance: KT00018Response) -> AccountSnapshot {
        let positions = (balance.acnt_evlt_remn_indv_tot ?? []).compactMap { row -> Position? in
            guard let ticker = row.stk_cd.flatMap(Ticker.init(venueCode:)), (KiwoomValue.signedInt(row.rmnd_qty) ?? 0) != 0 else { return nil }
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
