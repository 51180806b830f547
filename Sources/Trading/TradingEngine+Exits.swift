import Foundation
import SokboCore

extension TradingEngine {
    /// An exit sell sent, or one that waits, as published on the live events (`exit`).
    public struct ExitNotice: Sendable, Codable, Hashable {
        /// The stock.
        public var ticker: Ticker
        /// Why.
        public var reason: ExitReason
        /// The sell order's id, once one is sent.
        public var orderID: String?
        /// Shares offered.
        public var quantity: Int
        /// Why it waits, when it does (a halt, a resting sell's cancel).
        public var waiting: String?
    }

    // MARK: - Ticks

    /// The position side's pushes: quotes drive exits, a halt makes them wait, holdings are checked.
    func handlePositionPush(_ push: BrokerPush) async {
        switch push {
        case .quote(let tick):
            await quoted(tick)
        case .halt(let ticker, let on):
            if on {
                haltedTickers.insert(ticker)
            } else {
                haltedTickers.remove(ticker)
                exitWaits[ticker] = nil
                if let mark = marks[ticker] { await evaluateExit(ticker, bid: mark) }
            }
        case .holding(let holding):
            holdingPushed(holding)
        case .execution, .feed:
            break
        }
    }

    /// One price of a stock: marks it, checks the loss limit, and decides its exit.
    func quoted(_ tick: QuoteTick) async {
        let handled = ContinuousClock.now
        let bid = tick.bestBid.flatMap { $0 > 0 ? $0 : nil } ?? tick.price
        guard bid > 0 else { return }
        marks[tick.ticker] = bid
        markedAt[tick.ticker] = now()
        guard trackers[tick.ticker] != nil else { return }
        checkLossLimit()
        await evaluateExit(tick.ticker, bid: bid, tick: tick.received.map { TickStamp(received: $0, handled: handled, decided: handled) })
    }

    /// Runs a position's exit rules at `bid` now; `tick` stamps a sell it fires (tick-to-exit latency).
    func evaluateExit(_ ticker: Ticker, bid: Int, tick: TickStamp? = nil) async {
        guard var tracker = trackers[ticker], book.positions[ticker] != nil else { return }
        let decision = tracker.observe(bid: bid, at: now(), halted: haltedTickers.contains(ticker), flattenAt: flattenInstant())
        trackers[ticker] = tracker
        switch decision {
        case .hold:
            return
        case .waitHalted(let reason):
            noteWait(ticker, reason: reason, "trading in \(ticker.code) is halted (VI or suspension): nothing is sold into the halt")
        case .exit(let reason):
            var stamp = tick
            stamp?.decided = .now
            await requestExit(ticker, reason, tick: stamp)
        }
    }

    /// Exits that fire with the clock rather than the price (time limit, a forcing `roi` step, the close),
    /// for positions with no tick lately; and every position at its last mark. Called each service tick.
    public func sweepExits() async {
        await restTakeProfits()
        let at = now()
        for ticker in Array(trackers.keys) {
            if let mark = marks[ticker] {
                await evaluateExit(ticker, bid: mark)
            } else if let reason = trackers[ticker]?.clockExit(at: at, flattenAt: flattenInstant()) {
                if haltedTickers.contains(ticker) {
                    noteWait(ticker, reason: reason, "trading in \(ticker.code) is halted (VI or suspension): nothing is sold into the halt")
                } else {
                    await requestExit(ticker, reason)
                }
            }
        }
    }

    /// Today's end-of-day flatten instant (`SOKBO_FLATTEN_AT`, KST).
    func flattenInstant() -> Date? {
        guard let seconds = settings.flattenAtSecondsKST else { return nil }
        let at = now()
        return at.addingTimeInterval(Double(seconds - KST.secondsIntoDay(at)))
    }

    // MARK: - Leaving a position

    /// Asks to leave `ticker`'s position for `reason`; returns why nothing was sent, if nothing was.
    @discardableResult
    func requestExit(_ ticker: Ticker, _ reason: ExitReason, tick: TickStamp? = nil) async -> String? {
        guard var state = exitStates[ticker], book.positions[ticker] != nil else { return "no position in \(ticker.code)" }
        if let until = exitPausedUntil[ticker] {
            if now() < until {
                let why = "the venue's order budget had no slot for the last sell: tried again after \(KST.timeString(until))"
                noteWait(ticker, reason: reason, why)
                return why
            }
            exitPausedUntil[ticker] = nil
        }
        if haltedTickers.contains(ticker) {
            let why = "trading in \(ticker.code) is halted (VI or suspension): nothing is sold into the halt"
            noteWait(ticker, reason: reason, why)
            return why
        }
        switch state.requestExit(reason) {
        case .failure(let refusal):
            exitStates[ticker] = state
            if refusal == .awaitingCancel { noteWait(ticker, reason: reason, refusal.rawValue) }
            return refusal.rawValue
        case .success(let actions):
            exitStates[ticker] = state
            exitWaits[ticker] = nil
            await perform(actions, ticker: ticker, tick: tick)
            return nil
        }
    }

    /// Carries out what the exit state asks: sells stored and queued to send, cancels of resting sells.
    func perform(_ actions: [PositionExitState.Action], ticker: Ticker, tick: TickStamp? = nil) async {
        for action in actions {
            switch action {
            case .sell(let quantity, let reason, let resting):
                await placeExitSell(ticker, quantity: quantity, reason: reason, resting: resting, tick: tick)
            case .cancel(let id, let reason):
                guard let order = orders[id], let number = order.brokerOrderNo else { continue }
                noteWait(ticker, reason: reason, "cancelling the resting take-profit \(id) before selling")
                cancels[id] = .sent
                enqueue(.cancel(orderID: id, CancelRequest(brokerOrderNo: number, ticker: ticker)))
            }
        }
    }

    /// Stores an exit sell as submitted and queues it to be sent once. Its id is reserved per position and
    /// reason: while a sell under it has not ended (an unknown one included), a second exit for the same
    /// reason finds it and sends nothing. Once it ended (filled in part, cancelled, refused) and shares are
    /// still held, the next exit goes under the next attempt's id.
    private func placeExitSell(_ ticker: Ticker, quantity: Int, reason: ExitReason, resting: Bool, tick: TickStamp?) async {
        guard let position = book.positions[ticker], quantity > 0 else { return }
        var id = Order.exitOrderID(ticker: ticker, openedAt: position.openedAt, reason: reason, attempt: 1)
        var attempt = 1
        while let existing = orders[id] {
            guard existing.state.isTerminal else {
                logger.error("an exit for this position and reason exists already; nothing sent", metadata: ["order": "\(id)"])
                return
            }
            attempt += 1
            id = Order.exitOrderID(ticker: ticker, openedAt: position.openedAt, reason: reason, attempt: attempt)
        }
        let offered = min(quantity, exitStates[ticker]?.sellable ?? 0)
        guard offered > 0 else { return }
        var price = OrderPrice.market
        if resting {
            guard let tracker = trackers[ticker], let limit = tracker.policy.takeProfitPrice(averageCost: tracker.averageCost, costs: book.costs)
            else { return }
            price = .limit(limit)
            restingTakeProfitPlaced.insert(ticker)
        }
        var order = Order(id: id, newsID: position.newsID, rule: position.rule, ticker: ticker, side: .sell, quantity: offered,
                          price: price, createdAt: now())
        order.exitReason = reason
        order.positionBefore = position.quantity
        exitStates[ticker]?.sellSent(id: id, quantity: offered, reason: reason, resting: resting)
        // Stored as submitted before it leaves, as a buy is (one journal write when there is a journal, the
        // store getting the row while the sell is out): after a crash it comes back unknown, never unsent.
        let (submitted, journaledRow, effects) = await apply(.sent, to: order, beforeSending: true)
        guard submitted.state == .submitted, effects.contains(.sendToBroker) else {
            await sellEnded(order, cumulative: 0)
            return
        }
        counters.exitsSent += 1
        if let tick { exitStamps[id] = (tick, .now) }
        enqueue(.submit(submitted, journaledRow: journaledRow, announce: [
            LiveEvent(kind: .order, payload: submitted),
            LiveEvent(kind: .exit, payload: ExitNotice(ticker: ticker, reason: reason, orderID: id, quantity: offered, waiting: nil)),
        ]))
    }

    /// A sell of a position ended: the exit state frees its shares, and an exit that waited for it goes on.
    func sellEnded(_ order: Order, cumulative: Int) async {
        guard var state = exitStates[order.ticker] else { return }
        let actions = state.sellEnded(id: order.id, cumulative: cumulative)
        exitStates[order.ticker] = state
        if !actions.isEmpty { await perform(actions, ticker: order.ticker) }
    }

    /// Leaves a resting take-profit at the venue for each position whose rule asks for one
    /// (`take-profit-resting`) once its entry is done: one per position, so one the venue refused or
    /// cancelled is not sent again (the take-profit then fires from ticks, as without the option).
    func restTakeProfits() async {
        for (ticker, tracker) in trackers where tracker.policy.restingTakeProfit && !restingTakeProfitPlaced.contains(ticker) {
            guard book.positions[ticker] != nil, !haltedTickers.contains(ticker), var state = exitStates[ticker],
                  !orders.values.contains(where: { $0.ticker == ticker && $0.side == .buy && !$0.state.isTerminal })
            else { continue }
            guard case .success(let actions) = state.requestRestingTakeProfit() else { continue }
            exitStates[ticker] = state
            await perform(actions, ticker: ticker)
        }
    }

    private func noteWait(_ ticker: Ticker, reason: ExitReason, _ why: String) {
        let text = "\(reason.rawValue) waits: \(why)"
        guard exitWaits[ticker] != text else { return }
        exitWaits[ticker] = text
        logger.notice("exit waits", metadata: ["ticker": "\(ticker)", "why": "\(text)"])
        events?.publish(kind: .exit, payload: ExitNotice(ticker: ticker, reason: reason, orderID: nil,
                                                         quantity: exitStates[ticker]?.sellable ?? 0, waiting: text))
    }

    // MARK: - Holdings

    /// A holding push (`04`): the broker's quantity is checked against the book; a difference is reported.
    private func holdingPushed(_ holding: BrokerHolding) {
        let held = book.positions[holding.ticker]?.quantity ?? 0
        guard held != holding.quantity, exitStates[holding.ticker]?.sells.isEmpty ?? true else { return }
        // Between a fill report and its holding push the two can differ for a moment; the start-up check
        // against `kt00018` is where the broker's quantity wins.
        logger.debug("holding push differs from the book", metadata: [
            "ticker": "\(holding.ticker)", "broker": "\(holding.quantity)", "book": "\(held)"])
    }

    // MARK: - Kill switch and manual exits

    /// Sells every position (`POST /api/trading/flatten`); entries are not halted by it. Returns, per stock,
    /// why nothing was sent where nothing was.
    public func flattenAll() async -> [Ticker: String] {
        var refused: [Ticker: String] = [:]
        for ticker in Array(book.positions.keys) {
            if let why = await requestExit(ticker, .flattenAll) { refused[ticker] = why }
        }
        return refused
    }

    /// Sells one position (`POST /api/positions/{ticker}/close`); nil when a sell was sent, else why not.
    public func closePosition(_ ticker: Ticker) async -> String? {
        await requestExit(ticker, .manual)
    }
}

extension TradingEngine {
    /// Reads, over REST, the price of one held stock the live feed has not marked lately (the one marked
    /// longest ago), so its exits still run: one snapshot per service tick at most, well inside the venue's
    /// pacing. A stock with live ticks costs nothing.
    public nonisolated func pollUncoveredQuotes(staleAfter: TimeInterval = 5) async {
        guard let ticker = await uncoveredTicker(staleAfter: staleAfter) else { return }
        let snapshot: StockSnapshot
        do {
            snapshot = try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .trading)) {
                try await broker.snapshot(ticker)
            }
        } catch {
            logger.warning("could not read a held stock's price", metadata: ["ticker": "\(ticker)", "error": "\(error)"])
            return
        }
        await quotedFromSnapshot(snapshot)
    }

    private func uncoveredTicker(staleAfter: TimeInterval) -> Ticker? {
        let at = now()
        return trackers.keys
            .filter { markedAt[$0].map { at.timeIntervalSince($0) >= staleAfter } ?? true }
            .min { (markedAt[$0] ?? .distantPast) < (markedAt[$1] ?? .distantPast) }
    }

    private func quotedFromSnapshot(_ snapshot: StockSnapshot) async {
        if let halted = snapshot.halted {
            if halted { haltedTickers.insert(snapshot.ticker) } else { haltedTickers.remove(snapshot.ticker) }
        }
        await quoted(QuoteTick(ticker: snapshot.ticker, price: snapshot.price, bestBid: snapshot.book?.bids.first?.price,
                               bestAsk: snapshot.book?.asks.first?.price, at: now()))
    }
}
