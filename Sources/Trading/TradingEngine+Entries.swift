import Foundation
import SokboCore

extension TradingEngine {
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
        if ticker == nil, let tickers {
            switch await tickers.resolve(news.title, codes: news.tickers) {
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
        if let refusal = protectionRefusal(for: ticker) { return await skip(news, rule: rule, ticker: ticker, reason: refusal) }
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
            guard await disclosures.confirms(ticker, pattern: pattern, at: at) else {
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
        guard let (prepared, journaledRow, announce) = await prepare(plan, snapshot: snapshot, queries: entry.queries, deadline: deadline) else { return }
        let sentAt = Date()
        await noteSent(NewsToOrderStages(received: plan.news.receivedAt, evaluationStarted: plan.evaluationStarted, decided: plan.decidedAt,
                                         executionStarted: executionStarted, snapshotReturned: snapshotAt, sent: sentAt,
                                         snapshotSource: snapshot.source))
        await send(prepared, journaledRow: journaledRow, announce: announce)
    }

    /// Sizes and risk-checks on the actor; stores the order as submitted; returns it ready to send, with the
    /// row the journal holds when there is one (the store gets that same row while the request is out) and
    /// the buy's signal and `submitted` events, published while it is out.
    private func prepare(_ plan: Plan, snapshot: StockSnapshot, queries: Int?, deadline: EntryDeadline) async
        -> (order: Order, journaledRow: Row?, announce: [LiveEvent])? {
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
        order.committedAmount = amount
        ledger.commit(amount: amount)
        orders[order.id] = order
        let buySignal = await storedSignal(plan.news, rule: plan.rule.name, ticker: plan.ticker, companyName: snapshot.name, decision: .buy,
                     reason: "\(plan.rule.name): buy \(quantity) × \(price.limitPrice.map(String.init) ?? "market") (\(amount) KRW, \(snapshot.source.rawValue) quote)"
                        + (plan.tickerNote.map { "; \(plan.ticker.code): \($0)" } ?? ""))
        let signalEvent = LiveEvent(kind: .signal, payload: buySignal)
        // Stored as submitted before it leaves: after a crash it comes back as unknown, never as unsent.
        // `apply` returns the order unchanged when the row could not be written: then it is not sent.
        let (submitted, journaledRow, effects) = await apply(.sent, to: order, beforeSending: true)
        guard submitted.state == OrderState.submitted, effects.contains(.sendToBroker) else {
            events?.publish(signalEvent)
            await abandonStored(order, reason: "the order could not be stored; not sent")
            return nil
        }
        return (submitted, journaledRow, [signalEvent, LiveEvent(kind: .order, payload: submitted)])
    }

    /// The latency recorded runs from the headline's frame reaching the listener (`NewsItem.receivedAt`)
    /// to the order request leaving.
    private func noteSent(_ stages: NewsToOrderStages) {
        counters.ordersSent += 1
        latencies.record(stages)
    }

    // MARK: - Skips and signals

    func skip(_ news: NewsItem, rule: Rule, ticker: Ticker?, reason: String) async -> Plan? {
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

    /// The company name of `ticker` as its signals give it: the name already seen for it, else the listed
    /// company's (the DART corp-code map, through the ticker resolver), when known.
    public func companyName(of ticker: Ticker) async -> String? {
        await companyNameForSignal(ticker, known: nil)
    }

    /// A signal's company name, remembered per stock: the name seen first (the DART map's, or the venue's from a
    /// buy's snapshot) stays. Why the cache, and the venue's name first on a buy: its signal is published just
    /// before its order is sent, and the map's owner may be busy (its daily refresh parses the whole
    /// corp-code file), so a buy never waits for it; a skip asks the map once per stock.
    private func companyNameForSignal(_ ticker: Ticker, known: String?) async -> String? {
        if let name = companyNameCache[ticker] { return name }
        if let known, !known.isEmpty {
            companyNameCache[ticker] = known
            return known
        }
        guard let name = await tickers?.companyName(of: ticker) else { return nil }
        companyNameCache[ticker] = name
        return name
    }

    private func abandonStored(_ order: Order, reason: String) async {
        _ = await transition(order, .cancelled(reason: reason))
    }

    /// Stores and publishes a decision. `companyName` is the stock's name when the caller has one at hand (a
    /// buy has the venue's, from its snapshot); otherwise it is looked up.
    func signal(_ news: NewsItem, rule: String?, ticker: Ticker?, companyName known: String? = nil, decision: SignalRecord.Decision,
                reason: String) async {
        let record = await storedSignal(news, rule: rule, ticker: ticker, companyName: known, decision: decision, reason: reason)
        events?.publish(kind: .signal, payload: record)
    }

    /// `signal` without the publishing, which the caller does (a buy's, beside its request).
    private func storedSignal(_ news: NewsItem, rule: String?, ticker: Ticker?, companyName known: String?, decision: SignalRecord.Decision,
                              reason: String) async -> SignalRecord {
        let name = if let ticker { await companyNameForSignal(ticker, known: known) } else { String?.none }
        let record = SignalRecord(newsID: news.id, rule: rule, ticker: ticker, decision: decision, reason: reason, createdAt: now(),
                                  companyName: name)
        await records.append(record)
        return record
    }
}
