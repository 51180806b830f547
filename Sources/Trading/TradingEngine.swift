import Foundation
import Logging
import SokboCore

/// The trading engine's state and decisions: from a headline to at most one order per news item and
/// ticker, and from an order to its end.
///
/// Decisions run on the actor and are quick (rules, risk); network calls (snapshot, submit, reconcile)
/// run off it, so an order waiting on the broker never holds up the next headline. Every order is
/// stored before it is sent; an answer that does not prove the outcome leaves it `unknown` until
/// reconciliation settles it. Nothing here ever sends an order twice.
public actor TradingEngine {
    /// Settings the engine reads.
    public struct Settings: Sendable {
        /// Risk limits.
        public var limits: RiskLimits
        /// Trading days and the entry window.
        public var calendar: MarketCalendar
        /// Whether trading starts halted (the kill switch).
        public var startHalted: Bool
        /// How many reconciliation attempts without any trace of an unknown order before it counts as never placed.
        public var notFoundAfterAttempts: Int
        /// The order journal is emptied once it has this many lines and every order in it is in the store.
        public var journalCompactionLines: Int
        /// How long after its headline reached the listener an entry's order may still leave (`EntryDeadline`).
        public var entryDeadline: Duration

        /// The default entry deadline: 3 s, room for one order-book query behind the venue's pacing of about
        /// one request per second per api-id (burst 2, `kiwoom-rest.md` §7), and far inside the minute after
        /// which a headline's buy is a different trade.
        public static let defaultEntryDeadline = Duration.seconds(3)

        /// Creates settings.
        public init(limits: RiskLimits, calendar: MarketCalendar, startHalted: Bool = false, notFoundAfterAttempts: Int = 3,
                    journalCompactionLines: Int = 1_000, entryDeadline: Duration = Settings.defaultEntryDeadline) {
            self.limits = limits
            self.calendar = calendar
            self.startHalted = startHalted
            self.notFoundAfterAttempts = notFoundAfterAttempts
            self.journalCompactionLines = journalCompactionLines
            self.entryDeadline = entryDeadline
        }
    }

    /// A decision to try an order for a headline, made on the actor and carried out off it.
    public struct Plan: Sendable {
        /// The news item.
        public let news: NewsItem
        /// The rule that matched.
        public let rule: Rule
        /// The stock.
        public let ticker: Ticker
        /// How the stock was chosen, when the frame did not name exactly one.
        public let tickerNote: String?
        /// The order id reserved for it.
        public let orderID: String
        /// When the engine started evaluating the headline (for the latency breakdown).
        public let evaluationStarted: Date
        /// When the plan was made.
        public let decidedAt: Date
    }

    private let broker: any Broker
    private let store: any Store
    private let records: any RecordSink
    private let journal: (any OrderJournal)?
    /// Orders written to the journal whose store write has not succeeded yet, and the journal's lines.
    private var journalPending = 0
    private var journalLines = 0
    private let events: EventHub?
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var settings: Settings
    /// `settings.entryDeadline`, readable off the actor.
    private nonisolated let entryDeadline: Duration
    private var rules: RuleSet
    private var halted: Bool
    private var ledger: RiskLedger
    private var orders: [String: Order] = [:]
    /// Headlines that have an order today, whatever its stock: the stock chosen for a headline with several
    /// codes can depend on whether the DART map was loaded, and a replay must not buy the other one.
    private var orderedNewsIDs: Set<String> = []
    private var reconcileAttempts: [String: Int] = [:]
    private var account: AccountSnapshot?
    /// Orders answered since the account was last read: their effect on cash and positions is not seen yet.
    private var sentSinceAccountRead = 0
    private var counters = Counters()
    private var latencies = LatencyRecorder()
    private let disclosures: (@Sendable (Ticker, String, Date) async -> Bool)?
    private let resolveTickers: (@Sendable (_ title: String, _ codes: [Ticker]) async -> TickerResolution)?

    /// Counts of what the engine decided, for status and metrics.
    public struct Counters: Sendable, Codable {
        /// Headlines evaluated.
        public var evaluated = 0
        /// Headlines no rule matched (counted, not stored).
        public var noMatch = 0
        /// Headlines a veto stopped.
        public var vetoed = 0
        /// Signals skipped by risk, sizing or resolution.
        public var skipped = 0
        /// Orders sent.
        public var ordersSent = 0
        /// Plans skipped because their order could not leave within the entry deadline (also in `skipped`).
        public var deadlineSkipped = 0
        /// Entry snapshots taken (one per plan that reached the broker).
        public var entrySnapshots = 0
        /// Venue queries those snapshots cost (0 each from the realtime feed, 1 with the day's reference held).
        public var entryQueries = 0
        /// Account reads (cash and positions): once at start, then only while something is unsettled.
        public var accountReads = 0
        /// Today's orders by current state, every state listed (counted from the orders when asked).
        public var byState: [String: Int] = [:]
    }

    /// Creates the engine.
    /// With a `journal`, a news order's row is written there before it is sent and to the store while it
    /// is out; without one, to the store before it is sent.
    public init(settings: Settings, rules: RuleSet, broker: any Broker, store: any Store, records: any RecordSink,
                journal: (any OrderJournal)? = nil, events: EventHub?, logger: Logger,
                disclosures: (@Sendable (Ticker, String, Date) async -> Bool)? = nil,
                resolveTickers: (@Sendable (_ title: String, _ codes: [Ticker]) async -> TickerResolution)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.entryDeadline = settings.entryDeadline
        self.rules = rules
        self.broker = broker
        self.store = store
        self.records = records
        self.journal = journal
        self.events = events
        self.logger = logger
        self.now = now
        self.halted = settings.startHalted
        self.ledger = RiskLedger(day: now())
        self.disclosures = disclosures
        self.resolveTickers = resolveTickers
    }

    // MARK: - Start-up

    /// Rebuilds today's orders and risk ledger from the store. Orders found `intent` or `submitted`
    /// may have reached the broker before the process died: they become `unknown` and are reconciled.
    public func restore() async throws {
        if let journal { try await fold(journal) }
        let today = now()
        var query = RowQuery(table: .orders, orderBy: "created_at", descending: false, limit: 10_000)
        let midnight = today.addingTimeInterval(-Double(KST.secondsIntoDay(today)))
        query.atLeast["created_at"] = .integer(midnight.epochMilliseconds)
        let stored = try await store.select(query).compactMap(Order.init(row:))
        ledger = RiskLedger(day: today)
        for var order in stored {
            ledger.record(order, amount: order.quantity * (order.price.limitPrice ?? 0))
            if order.state == .rejected { ledger.release(amount: order.quantity * (order.price.limitPrice ?? 0)) }
            if order.state == .intent || order.state == .submitted {
                order = await transition(order, .outcomeUnknown(reason: "the process stopped before the broker's answer was known"))
                logger.warning("order outcome unknown after restart; reconciling", metadata: ["order": "\(order.id)"])
            }
            orders[order.id] = order
            if let newsID = order.newsID { orderedNewsIDs.insert(newsID) }
        }
        if !stored.isEmpty { logger.info("restored today's orders", metadata: ["orders": "\(stored.count)"]) }
    }

    /// Writes into the store what the journal holds and the store does not (the process stopped between
    /// the journal write and the store write), then empties the journal. A torn last line is an order whose
    /// journal write did not finish, so it was never sent: it is counted and dropped.
    private func fold(_ journal: any OrderJournal) async throws {
        let (rows, unreadable) = try journal.load()
        if unreadable > 0 {
            logger.warning("order journal lines that could not be read were dropped (torn writes of unsent orders)",
                           metadata: ["lines": "\(unreadable)"])
        }
        var latest: [String: Order] = [:]
        for order in rows.compactMap(Order.init(row:)) where (latest[order.id]?.eventCount ?? -1) < order.eventCount {
            latest[order.id] = order
        }
        var folded = 0
        for order in latest.values {
            var query = RowQuery(table: .orders, orderBy: "created_at", limit: 1)
            query.equals["id"] = .text(order.id)
            let stored = try await store.select(query).first.flatMap(Order.init(row:))
            if (stored?.eventCount ?? -1) < order.eventCount {
                try await store.upsert(order.row, into: .orders)
                folded += 1
            }
        }
        try journal.clear()
        if folded > 0 { logger.warning("orders recovered from the order journal", metadata: ["orders": "\(folded)"]) }
    }

    // MARK: - Headlines

    /// Evaluates a headline. Returns a plan when an order should be tried; stores the signal either way.
    public func evaluate(_ news: NewsItem) async -> Plan? {
        let started = Date()
        counters.evaluated += 1
        let match = rules.match(news.title)
        let rule: Rule
        switch match {
        case .noMatch:
            counters.noMatch += 1
            return nil
        case .vetoed(let name, _):
            counters.vetoed += 1
            await signal(news, rule: name, ticker: news.tickers.first, decision: .skip, reason: match.reason)
            return nil
        case .matched(let matched):
            rule = matched
        }
        // Ticker, one order per headline: the frame's code when it carries one; among several, the company the
        // headline names first (the feed's order of codes has no documented meaning); with none, company names.
        var ticker = news.tickers.count == 1 ? news.tickers[0] : nil
        var tickerNote: String?
        if ticker == nil, let resolveTickers {
            switch await resolveTickers(news.title, news.tickers) {
            case .found(let found, let note):
                ticker = found
                tickerNote = note
            case .ambiguous(let reason), .none(let reason):
                return await skip(news, rule: rule, ticker: nil, reason: reason)
            }
        } else if ticker == nil, let first = news.tickers.first {
            ticker = first
            tickerNote = "the first of \(news.tickers.count) codes in the frame"
        }
        guard let ticker else { return await skip(news, rule: rule, ticker: nil, reason: "no ticker in the headline") }
        let at = now()
        if halted { return await skip(news, rule: rule, ticker: ticker, reason: "trading is halted (kill switch)") }
        guard settings.calendar.allowsEntry(at: at) else {
            return await skip(news, rule: rule, ticker: ticker, reason: "outside the entry window or not a trading day (KST)")
        }
        let orderID = Order.newsOrderID(newsID: news.id, ticker: ticker)
        if let existing = orders[orderID] {
            return await skip(news, rule: rule, ticker: ticker, reason: "already ordered for this headline (\(existing.state.rawValue))")
        }
        if orderedNewsIDs.contains(news.id) {
            return await skip(news, rule: rule, ticker: ticker, reason: "already ordered for this headline (another of its stocks)")
        }
        // Count, ticker and cooldown limits now; the amount is checked once sizing knows it.
        if let refusal = ledger.refusal(side: .buy, ticker: ticker, amount: nil, at: at, limits: settings.limits) {
            return await skip(news, rule: rule, ticker: ticker, reason: refusal)
        }
        if let pattern = rule.disclosurePattern, let disclosures {
            guard await disclosures(ticker, pattern, at) else {
                return await skip(news, rule: rule, ticker: ticker, reason: "no DART disclosure today matching \"\(pattern)\"")
            }
        }
        // Reserve the id and the risk slot now, on the actor, so a duplicate headline arriving while this
        // order is in flight is refused above.
        var placeholder = Order(id: orderID, newsID: news.id, rule: rule.name, ticker: ticker, side: .buy, quantity: 0,
                                price: .market, createdAt: at)
        placeholder.reason = "sizing"
        orders[orderID] = placeholder
        orderedNewsIDs.insert(news.id)
        ledger.record(placeholder, amount: 0)
        return Plan(news: news, rule: rule, ticker: ticker, tickerNote: tickerNote, orderID: orderID,
                    evaluationStarted: started, decidedAt: Date())
    }

    /// Carries a plan out: snapshot (one query, or none), sizing, risk, store, send, record. Runs off the actor
    /// except for short state updates.
    ///
    /// A plan that cannot leave within the entry deadline (counted from the headline's receipt) is skipped
    /// with that reason: the snapshot is abandoned when it is not back in time, and the order is checked
    /// once more just before it is stored and sent.
    public nonisolated func execute(_ plan: Plan) async {
        let executionStarted = Date()
        let deadline = EntryDeadline(receivedAt: plan.news.receivedAt, limit: entryDeadline, now: executionStarted,
                                     monotonicNow: .now)
        // Every venue call of this entry carries its deadline: the venue client's pacer refuses, unsent, a
        // request that could only leave after it, instead of queueing it into a stale trade.
        await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .trading, deadline: deadline.instant)) {
            await execute(plan, deadline: deadline, executionStarted: executionStarted)
        }
    }

    private nonisolated func execute(_ plan: Plan, deadline: EntryDeadline, executionStarted: Date) async {
        let entry: EntrySnapshot
        do {
            let broker = broker
            let ticker = plan.ticker
            guard let taken = try await deadline.run({ try await broker.entrySnapshot(ticker) }) else {
                await abandon(plan, reason: deadline.reason("no stock snapshot"), deadlineMissed: true)
                return
            }
            entry = taken
        } catch let error as BrokerError where deadline.excludes(retryAfter: error.retryAfter) {
            // Refused unsent: the venue's request budget has no slot for the snapshot before the deadline.
            await abandon(plan, reason: deadline.reason("no venue request slot for the stock snapshot"), deadlineMissed: true)
            return
        } catch {
            await abandon(plan, reason: "stock snapshot failed: \(error)")
            return
        }
        let snapshot = entry.snapshot
        let snapshotAt = Date()
        guard let (prepared, journaledRow) = await prepare(plan, snapshot: snapshot, queries: entry.queries, deadline: deadline) else { return }
        let sentAt = Date()
        await noteSent(NewsToOrderStages(received: plan.news.receivedAt, evaluationStarted: plan.evaluationStarted, decided: plan.decidedAt,
                                         executionStarted: executionStarted, snapshotReturned: snapshotAt, sent: sentAt,
                                         snapshotSource: snapshot.source))
        await send(prepared, journaledRow: journaledRow)
    }

    /// Sizes and risk-checks on the actor; stores the order as submitted; returns it ready to send, with the
    /// row the journal holds when there is one (the store gets that same row while the request is out).
    private func prepare(_ plan: Plan, snapshot: StockSnapshot, queries: Int?, deadline: EntryDeadline) async -> (order: Order, journaledRow: Row?)? {
        counters.entrySnapshots += 1
        counters.entryQueries += queries ?? 0
        let at = now()
        let decision = Sizing.buy(rule: plan.rule, snapshot: snapshot, budgetLeft: ledger.budgetLeft(settings.limits),
                                  maxPerOrder: settings.limits.maxPerOrder, orderableCash: account?.orderableCash)
        guard case .order(let quantity, let price, _, let amount) = decision else {
            if case .skip(let reason) = decision { await abandon(plan, reason: reason) }
            return nil
        }
        if halted { await abandon(plan, reason: "trading was halted while sizing"); return nil }
        if amount > ledger.budgetLeft(settings.limits) {
            await abandon(plan, reason: "amount \(amount) above what is left of the daily budget")
            return nil
        }
        // The last check before the order is stored and sent: what follows (signal, journal write) takes
        // microseconds. The client's own order pacing after this is not bounded here.
        if deadline.hasPassed(at: .now) {
            await abandon(plan, reason: deadline.reason("not ready to send"), deadlineMissed: true)
            return nil
        }
        var order = Order(id: plan.orderID, newsID: plan.news.id, rule: plan.rule.name, ticker: plan.ticker, side: .buy,
                          quantity: quantity, price: price, createdAt: at)
        order.positionBefore = account?.positions.first { $0.ticker == plan.ticker }?.quantity ?? 0
        ledger.commit(amount: amount)
        orders[order.id] = order
        await signal(plan.news, rule: plan.rule.name, ticker: plan.ticker, decision: .buy,
                     reason: "\(plan.rule.name): buy \(quantity) × \(price.limitPrice.map(String.init) ?? "market") (\(amount) KRW, \(snapshot.source.rawValue) quote)"
                        + (plan.tickerNote.map { "; \(plan.ticker.code): \($0)" } ?? ""))
        // Stored as submitted before it leaves: after a crash it comes back as unknown, never as unsent.
        // `apply` returns the order unchanged when the row could not be written: then it is not sent.
        let (submitted, journaledRow) = await apply(.sent, to: order, beforeSending: true)
        guard submitted.state == OrderState.submitted else {
            await abandonStored(order, reason: "the order could not be stored; not sent")
            return nil
        }
        return (submitted, journaledRow)
    }

    /// Sends once and records the outcome.
    private nonisolated func send(_ order: Order, journaledRow: Row?) async {
        let request = OrderRequest(clientOrderID: order.id, ticker: order.ticker, side: order.side, quantity: order.quantity, price: order.price)
        // With a journal the row is durable already: the store gets it while the request is out, and before
        // the outcome's own write, which must land after it.
        async let stored: Void = storeJournaled(journaledRow, orderID: order.id)
        let outcome = await broker.submit(request)
        await stored
        await record(outcome, for: order.id)
    }

    /// Writes a journaled order's row to the store; on failure the journal keeps it for the next start.
    private nonisolated func storeJournaled(_ row: Row?, orderID: String) async {
        guard let row else { return }
        do {
            try await store.upsert(row, into: .orders)
            await journalEntryStored()
        } catch {
            // Still pending: the journal is not emptied before the next start folds it into the store.
            logger.error("cannot store a sent order; the order journal keeps it for the next start",
                         metadata: ["order": "\(orderID)", "error": "\(error)"])
        }
    }

    /// Empties the journal once it is long and every order in it has reached the store. On the actor, as the
    /// appends are: with nothing pending, no order is between its journal write and its store write.
    private func journalEntryStored() {
        journalPending -= 1
        guard journalPending == 0, journalLines >= settings.journalCompactionLines, let journal else { return }
        do {
            try journal.clear()
            journalLines = 0
        } catch {
            logger.error("cannot empty the order journal; it is folded at the next start", metadata: ["error": "\(error)"])
        }
    }

    /// The latency recorded runs from the headline's frame reaching the listener (`NewsItem.receivedAt`)
    /// to the order request leaving.
    private func noteSent(_ stages: NewsToOrderStages) {
        counters.ordersSent += 1
        latencies.record(stages)
    }

    private func record(_ outcome: OrderSubmission, for id: String) async {
        // Answered (or given up on): the venue has seen it, so the next account read shows its effect.
        sentSinceAccountRead += 1
        guard let order = orders[id] else { return }
        switch outcome {
        case .accepted(let number):
            _ = await transition(order, .accepted(brokerOrderNo: number))
        case .rejected(let code, let message):
            let done = await transition(order, .rejected(reason: "[\(code)] \(message)"))
            if done.state == .rejected { ledger.release(amount: order.quantity * (order.price.limitPrice ?? 0)) }
        case .unknown(let reason):
            _ = await transition(order, .outcomeUnknown(reason: reason))
        }
    }

    // MARK: - Manual orders and control

    /// Why a manual order or cancel was refused.
    public enum ManualError: Error, Sendable, Equatable {
        /// The input is wrong (nothing was sent).
        case invalid(String)
        /// A risk limit or the kill switch refused it.
        case refused(String)
        /// No such order.
        case notFound
        /// The order cannot be cancelled in its state.
        case conflict(String)
        /// The broker could not be asked (snapshot failed).
        case unavailable(String)
    }

    /// A manual order: the same limits, storing and outcome handling as news orders.
    /// `quantity` or `amount` (KRW) sizes it; a limit order without a price uses the best ask (buy) or bid (sell).
    public func placeManual(ticker: Ticker, side: OrderSide, quantity: Int?, amount: Int?, market: Bool, limitPrice: Int?) async throws(ManualError) -> Order {
        let at = now()
        if halted { throw .refused("trading is halted (kill switch)") }
        guard settings.calendar.allowsEntry(at: at) else { throw .refused("outside the entry window or not a trading day (KST)") }
        let snapshot: StockSnapshot
        do {
            snapshot = try await broker.snapshot(ticker)
        } catch let error as BrokerError where error.kind == .notFound || error.kind == .invalidInput {
            // The caller's input is wrong (an unknown stock), not the broker unavailable.
            throw .invalid("the broker does not know \(ticker): \(error.message)")
        } catch {
            throw .unavailable("stock snapshot failed: \(error)")
        }
        let unitPrice: Int
        if market {
            unitPrice = side == .buy ? snapshot.limits.upper : snapshot.limits.lower
        } else if let limitPrice {
            guard KRXTick.isOnGrid(limitPrice), snapshot.limits.contains(limitPrice) else {
                throw .invalid("price \(limitPrice) is off the tick grid or outside today's limits \(snapshot.limits.lower)–\(snapshot.limits.upper)")
            }
            unitPrice = limitPrice
        } else {
            let best = side == .buy ? snapshot.book?.asks.first?.price : snapshot.book?.bids.first?.price
            guard let best else { throw .unavailable("no order book to price a limit order") }
            unitPrice = best
        }
        let shares = quantity ?? (amount.map { $0 / unitPrice } ?? 0)
        guard shares > 0 else { throw .invalid("the order comes to 0 shares at \(unitPrice)") }
        let (total, overflow) = shares.multipliedReportingOverflow(by: unitPrice)
        guard !overflow else { throw .invalid("\(shares) shares at \(unitPrice) is beyond any budget") }
        if let refusal = ledger.refusal(side: side, ticker: ticker, amount: total, at: at, limits: settings.limits) {
            throw .refused(refusal)
        }
        var order = Order(id: "m-\(UUID().uuidString.lowercased())", newsID: nil, rule: nil, ticker: ticker, side: side,
                          quantity: shares, price: market ? .market : .limit(unitPrice), createdAt: at)
        order.positionBefore = account?.positions.first { $0.ticker == ticker }?.quantity ?? 0
        ledger.record(order, amount: side == .buy ? total : 0)
        orders[order.id] = order
        let submitted = await transition(order, .sent)
        guard submitted.state == OrderState.submitted else { throw .unavailable("the order could not be stored; not sent") }
        let request = OrderRequest(clientOrderID: order.id, ticker: ticker, side: side, quantity: shares, price: submitted.price)
        counters.ordersSent += 1
        let outcome = await broker.submit(request)
        await record(outcome, for: order.id)
        return orders[order.id] ?? submitted
    }

    /// Cancels an order's unfilled rest. An unknown answer leaves the order as it was (reconciliation follows).
    public func cancel(orderID: String) async throws(ManualError) -> Order {
        guard let order = orders[orderID], order.quantity > 0 else { throw .notFound }
        guard order.state == .accepted || order.state == .partiallyFilled, let number = order.brokerOrderNo else {
            throw .conflict("an order in state \(order.state.rawValue) cannot be cancelled")
        }
        switch await broker.cancel(CancelRequest(brokerOrderNo: number, ticker: order.ticker)) {
        case .accepted:
            return await transition(order, .cancelled(reason: "cancelled on request"))
        case .rejected(let code, let message):
            throw .conflict("the broker refused the cancel: [\(code)] \(message)")
        case .unknown(let reason):
            throw .unavailable("the cancel's outcome is unknown (\(reason)); the order will be reconciled")
        }
    }

    /// The kill switch.
    public func setHalted(_ value: Bool) {
        halted = value
        logger.notice(value ? "trading halted" : "trading resumed")
        events?.publish(kind: .trading, payload: ["halted": value])
    }

    /// Replaces the rules (already validated).
    public func replaceRules(_ newRules: RuleSet) {
        rules = newRules
    }

    /// The rules in force.
    public func currentRules() -> RuleSet { rules }

    /// Today's orders, newest first.
    public func todaysOrders() -> [Order] { orders.values.filter { $0.quantity > 0 }.sorted { $0.createdAt > $1.createdAt } }

    /// One order by id.
    public func order(_ id: String) -> Order? { orders[id] }

    /// What the engine has done, for `/api/status`.
    public func status() -> EngineStatus {
        EngineStatus(halted: halted, rules: rules.rules.count, counters: decisionCounters(), committedToday: ledger.committed,
                     budgetLeft: ledger.budgetLeft(settings.limits), openUnknown: orders.values.filter { $0.state == .unknown }.count,
                     newsToOrder: latencies.summary())
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

    // MARK: - Reconciliation

    /// Settles unknown orders from the broker's open orders and positions. The account (cash and positions)
    /// is read only when something is unsettled: an order whose outcome is unknown, or orders sent since the
    /// last read, whose effect on cash (sizing) and positions (an unknown order's baseline) is not seen yet.
    /// Otherwise a tick makes no call: the venue's request budget is left to entries.
    public nonisolated func reconcile() async {
        let (unknown, accountStale) = await unsettled()
        guard !unknown.isEmpty || accountStale else { return }
        let account = await readAccount()
        for order in unknown {
            let open: [BrokerOrder]
            do {
                open = try await broker.openOrdersAndFills(order.ticker)
            } catch {
                logger.warning("reconciliation could not read open orders", metadata: ["order": "\(order.id)", "error": "\(error)"])
                continue
            }
            await settle(order, open: open, account: account)
        }
    }

    /// Reads cash and positions for sizing (the engine service calls it once at start); nil when it failed.
    @discardableResult
    public nonisolated func readAccount() async -> AccountSnapshot? {
        let sentBefore = await noteAccountRead()
        guard let account = try? await broker.account() else { return nil }
        await setAccount(account, sentBefore: sentBefore)
        return account
    }

    private func noteAccountRead() -> Int {
        counters.accountReads += 1
        return sentSinceAccountRead
    }

    /// Orders sent while the read was out stay unseen.
    private func setAccount(_ account: AccountSnapshot, sentBefore: Int) {
        self.account = account
        sentSinceAccountRead = max(0, sentSinceAccountRead - sentBefore)
    }

    private func unsettled() -> (unknown: [Order], accountStale: Bool) {
        (orders.values.filter { $0.state == .unknown }, sentSinceAccountRead > 0)
    }

    private func settle(_ order: Order, open: [BrokerOrder], account: AccountSnapshot?) async {
        guard let current = orders[order.id], current.state == .unknown else { return }
        let claimed = Set(orders.values.compactMap(\.brokerOrderNo))
        let createdTime = KST.timeString(current.createdAt)
        let limit = current.price.limitPrice
        let candidates = open.filter { $0.ticker == current.ticker && $0.side == current.side && $0.quantity == current.quantity }
        if let match = candidates.first(where: { candidate in
            let priceMatches = limit == nil || candidate.price == limit
            return priceMatches && candidate.time >= createdTime && !claimed.contains(candidate.brokerOrderNo)
        }) {
            _ = await transition(current, .reconciledFound(brokerOrderNo: match.brokerOrderNo, cumulativeQuantity: match.filledQuantity,
                                                            averagePrice: match.fillPrice.map(Double.init), isClosed: match.openQuantity == 0))
            return
        }
        if let account, let before = current.positionBefore,
           let held = account.positions.first(where: { $0.ticker == current.ticker })?.quantity,
           held - before >= current.quantity {
            // No open order, but the position grew by the order's size: it filled completely.
            _ = await transition(current, .reconciledFound(brokerOrderNo: "filled-\(current.id.suffix(12))", cumulativeQuantity: current.quantity,
                                                            averagePrice: account.positions.first { $0.ticker == current.ticker }.map { Double($0.averagePrice) },
                                                            isClosed: true))
            return
        }
        let attempts = (reconcileAttempts[current.id] ?? 0) + 1
        reconcileAttempts[current.id] = attempts
        if attempts >= settings.notFoundAfterAttempts {
            let settled = await transition(current, .reconciledNotFound)
            if settled.state == .rejected { ledger.release(amount: current.quantity * (current.price.limitPrice ?? 0)) }
        }
    }

    // MARK: - Helpers

    private func skip(_ news: NewsItem, rule: Rule, ticker: Ticker?, reason: String) async -> Plan? {
        counters.skipped += 1
        await signal(news, rule: rule.name, ticker: ticker, decision: .skip, reason: reason)
        return nil
    }

    private func abandon(_ plan: Plan, reason: String, deadlineMissed: Bool = false) async {
        counters.skipped += 1
        if deadlineMissed { counters.deadlineSkipped += 1 }
        orders[plan.orderID] = nil
        orderedNewsIDs.remove(plan.news.id)
        ledger.unrecord(ticker: plan.ticker)
        await signal(plan.news, rule: plan.rule.name, ticker: plan.ticker, decision: .skip, reason: reason)
    }

    private func abandonStored(_ order: Order, reason: String) async {
        _ = await transition(order, .cancelled(reason: reason))
    }

    /// Applies an event, stores the order (write-through), records the event and notifies.
    @discardableResult
    private func transition(_ order: Order, _ event: OrderEvent) async -> Order {
        await apply(event, to: order, beforeSending: false).order
    }

    /// `transition`, writing to the journal instead of the store when `beforeSending` and there is one; returns
    /// the row it journaled, built once.
    private func apply(_ event: OrderEvent, to order: Order, beforeSending: Bool) async -> (order: Order, journaledRow: Row?) {
        switch OrderStateMachine.apply(order, event, at: now()) {
        case .failure(let error):
            logger.error("refused order transition", metadata: ["order": "\(order.id)", "error": "\(error)"])
            return (order, nil)
        case .success(let (next, effects)):
            var journaledRow: Row?
            if effects.contains(.persist) {
                let row = next.row
                do {
                    if beforeSending, let journal {
                        try journal.append(row)
                        journaledRow = row
                        journalPending += 1
                        journalLines += 1
                    } else {
                        try await store.upsert(row, into: .orders)
                    }
                } catch {
                    logger.critical("cannot store order state", metadata: ["order": "\(order.id)", "error": "\(error)"])
                    if event == .sent { return (order, nil) }
                }
            }
            orders[next.id] = next
            await records.append(OrderEventRecord(orderID: next.id, sequence: next.eventCount, kind: event.name,
                                                  detail: next.reason ?? next.state.rawValue, createdAt: next.updatedAt))
            if effects.contains(.notify) { events?.publish(kind: .order, payload: next) }
            return (next, journaledRow)
        }
    }

    private func signal(_ news: NewsItem, rule: String?, ticker: Ticker?, decision: SignalRecord.Decision, reason: String) async {
        let record = SignalRecord(newsID: news.id, rule: rule, ticker: ticker, decision: decision, reason: reason, createdAt: now())
        await records.append(record)
        events?.publish(kind: .signal, payload: record)
    }
}

/// How a headline's codes and company names resolved to one ticker.
public enum TickerResolution: Sendable {
    /// One listed company; `note` says how it was chosen among several codes.
    case found(Ticker, note: String? = nil)
    /// Several candidates; the reason names them.
    case ambiguous(String)
    /// None.
    case none(String)
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
    public var newsToOrder: LatencyRecorder.Summary
}
