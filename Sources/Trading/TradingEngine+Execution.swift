import Foundation
import SokboCore

extension TradingEngine {
    // MARK: - Sending

    /// Sends once and records the outcome; `announce` (the order's `submitted` event, its signal or exit
    /// notice) is published while the request is out.
    nonisolated func send(_ order: Order, journaledRow: Row?, announce: [LiveEvent]) async {
        let request = OrderRequest(clientOrderID: order.id, ticker: order.ticker, side: order.side, quantity: order.quantity, price: order.price)
        // Beside the request, not before it: publishing wakes every subscriber (SSE clients, the alerts), and
        // with a journal the row is durable already, so the store gets it while the request is out. Both end
        // before the outcome is recorded: its event follows `submitted`, its write lands after the row.
        async let beside: Void = whileOut(announce: announce, journaledRow: journaledRow, orderID: order.id)
        let leaving = ContinuousClock.now
        let outcome = await broker.submit(request)
        await beside
        await record(outcome, for: order.id, leftAt: leaving)
    }

    private nonisolated func whileOut(announce: [LiveEvent], journaledRow: Row?, orderID: String) async {
        for event in announce { events?.publish(event) }
        await storeJournaled(journaledRow, orderID: orderID)
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
        guard journalCompaction.stored(), let journal else { return }
        do {
            try journal.clear()
            journalCompaction.cleared()
        } catch {
            logger.error("cannot empty the order journal; it is folded at the next start", metadata: ["error": "\(error)"])
        }
    }

    /// How long an exit waits after its sell was refused unsent for the order budget (the client's pacing
    /// refuses a request whose slot is beyond its wait; a second later the queue ahead has moved by one).
    static let pacedExitPause: TimeInterval = 1

    /// Applies the broker's answer to a submit whose request left at `leftAt` (a tick-driven exit's latency is
    /// recorded then, off its path: stamping on the actor before the request would cost the request a hop).
    func record(_ outcome: OrderSubmission, for id: String, leftAt: ContinuousClock.Instant? = nil) async {
        if let stamp = exitStamps.removeValue(forKey: id), let leftAt {
            exitLatencies.record(stamp.tick.stages(stored: stamp.stored, sent: leftAt))
        }
        // Answered (or given up on): the venue has seen it, so the next account read shows its effect.
        sentSinceAccountRead += 1
        guard let order = orders[id] else { return }
        switch outcome {
        case .accepted(let number):
            _ = await transition(order, .accepted(brokerOrderNo: number))
        case .rejected(let code, let message):
            if code == "paced", order.side == .sell {
                // Nothing left: the venue's order budget had no slot in time. The exit tries again after a pause.
                exitPausedUntil[order.ticker] = now().addingTimeInterval(Self.pacedExitPause)
            }
            let done = await transition(order, .rejected(reason: "[\(code)] \(message)"))
            if done.state == .rejected { ledger.release(amount: order.budgetAmount) }
        case .unknown(let reason):
            _ = await transition(order, .outcomeUnknown(reason: reason))
        }
    }

    // MARK: - Transitions

    /// Applies an event, stores the order (write-through), records the event and notifies.
    @discardableResult
    func transition(_ order: Order, _ event: OrderEvent) async -> Order {
        await apply(event, to: order, beforeSending: false).order
    }

    /// `transition`, writing to the journal instead of the store when `beforeSending` and there is one; returns
    /// the row it journaled, built once, and the state machine's effects.
    ///
    /// Every effect is honoured here or by the caller: `persist` (the store, or the journal before sending;
    /// an order that could not be stored is not sent), `notify` (the live events), `reconcile` (the service
    /// is woken to reconcile now rather than at its next tick), `sendToBroker` (the caller sends only when
    /// it is present: `prepare` and exit sells check it).
    func apply(_ event: OrderEvent, to given: Order, beforeSending: Bool) async -> (order: Order, journaledRow: Row?, effects: [OrderEffect]) {
        // A push and a poll can report the same order at once, and each waits on the store between reading the
        // order and keeping its next state. One event of an order at a time, from the newest state kept: a fill
        // moves the order and the book once, and an order shown in a state has had that state's event
        // published (the live events and alerts rely on it). The book, exits and held reports follow outside
        // the hold, as they may apply further events of the same order.
        await holdOrder(given.id)
        // With two nodes, a node that no longer acts (it lost the lease, a paused one woken) writes nothing: the
        // active node's reconciliation owns the row now, and a late write of ours would overwrite it.
        if let fence, !fence.mayWriteOrders() {
            releaseOrder(given.id)
            logger.error("this node no longer holds the lease: the order's row is left to the active node",
                         metadata: ["order": "\(given.id)", "event": "\(event.name)"])
            return (orders[given.id] ?? given, nil, [])
        }
        var order = given
        if let kept = orders[given.id], kept.eventCount > given.eventCount {
            order = kept
            if case .filled(let cumulative, _) = event, cumulative <= kept.filledQuantity {
                releaseOrder(given.id)
                return (kept, nil, [])
            }
        }
        switch OrderStateMachine.apply(order, event, at: now()) {
        case .failure(let error):
            releaseOrder(given.id)
            logger.error("refused order transition", metadata: ["order": "\(order.id)", "error": "\(error)"])
            return (order, nil, [])
        case .success(let (next, effects)):
            var journaledRow: Row?
            if effects.contains(.persist) {
                let row = next.row
                do {
                    if event == .sent, let fence {
                        // The point of harm with two nodes: committed under the lease, or not sent at all.
                        try await fence.commit(orderID: next.id, row: row)
                    } else if beforeSending, let journal {
                        try journal.append(row)
                        journaledRow = row
                        journalCompaction.appended()
                    } else {
                        try await store.upsert(row, into: .orders)
                    }
                } catch let refusal as FenceRefusal {
                    releaseOrder(given.id)
                    logger.error("order refused by the lease fence; not sent", metadata: ["order": "\(order.id)", "why": "\(refusal)"])
                    return (order, nil, [])
                } catch {
                    logger.critical("cannot store order state", metadata: ["order": "\(order.id)", "error": "\(error)"])
                    if event == .sent {
                        releaseOrder(given.id)
                        return (order, nil, [])
                    }
                }
            }
            orders[next.id] = next
            let learned = next.brokerOrderNo.flatMap { $0 == order.brokerOrderNo ? nil : $0 }
            if let learned { byBrokerNumber[learned] = next.id }
            await records.append(OrderEventRecord(orderID: next.id, sequence: next.eventCount, kind: event.name,
                                                  detail: eventDetail(event, next), createdAt: next.updatedAt))
            // Before sending, the caller publishes it beside the request (`send`'s `announce`).
            if effects.contains(.notify), !beforeSending { events?.publish(kind: .order, payload: next) }
            if effects.contains(.reconcile) { wakers?.reconcile() }
            releaseOrder(given.id)
            // The position side follows every fill, whichever way it was learned (push, poll, reconciliation).
            if next.filledQuantity > order.filledQuantity { await filledFurther(from: order, to: next) }
            if next.side == .sell, next.state.isTerminal, !order.state.isTerminal {
                await sellEnded(next, cumulative: next.filledQuantity)
            }
            // An entry done: its resting take-profit, if the rule wants one, goes out now rather than at the next tick.
            if next.side == .buy, next.state.isTerminal, !order.state.isTerminal, !replaying { await restTakeProfits() }
            if let learned { await replayEarly(learned) }
            return (next, journaledRow, effects)
        }
    }

    /// Waits until no other event of order `id` is being applied, then holds it.
    private func holdOrder(_ id: String) async {
        while orderHolds[id] != nil {
            await withCheckedContinuation { orderHolds[id, default: []].append($0) }
        }
        orderHolds[id] = []
    }

    /// Lets the next event of order `id` in (the waiters check again, one of them holds it).
    private func releaseOrder(_ id: String) {
        for waiter in orderHolds.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    /// What an order event's stored row says: a fill names its quantity and price.
    private func eventDetail(_ event: OrderEvent, _ order: Order) -> String {
        if case .filled(let quantity, let price) = event {
            return "filled \(quantity) of \(order.quantity) at an average \(price)"
        }
        return order.reason ?? order.state.rawValue
    }

    // MARK: - Work off the actor

    /// The work queued since the last call, when no waker starts it (replays and scripted tests run it in turn).
    public func takeWork() -> [Work] {
        defer { work = [] }
        return work
    }

    /// Sets how the engine starts its work and wakes its service.
    public func setWakers(_ wakers: Wakers) { self.wakers = wakers }

    /// Starts work at once (the service's tasks), else queues it for `takeWork`.
    func enqueue(_ item: Work) {
        if let start = wakers?.start {
            start(item)
        } else {
            work.append(item)
        }
    }

    /// Runs one item of work: an exit sell sent once, or a resting sell's cancel.
    public nonisolated func perform(_ item: Work) async {
        switch item {
        case .submit(let order, let journaledRow, let announce):
            await send(order, journaledRow: journaledRow, announce: announce)
        case .cancel(let id, let request):
            let outcome = await broker.cancel(request)
            await restingCancelAnswered(id, outcome)
        }
    }

    private func restingCancelAnswered(_ id: String, _ outcome: OrderSubmission) async {
        guard let order = orders[id] else { return }
        switch outcome {
        case .accepted where !broker.accountFeedConnected:
            // As an entry's cancel: no push will bring the fills made before the cancel took, and ending the sell
            // now would free shares already sold for the exit that waits. The next poll ends it with them.
            cancels[id] = .accepted
        case .accepted:
            cancels[id] = nil
            await endByVenue(order, reason: "cancelled for an exit with \(order.filledQuantity) of \(order.quantity) filled")
        case .rejected(let code, let message):
            // Most likely it filled (or ended) first: its own reports end it, and the waiting exit follows.
            cancels[id] = .refused
            logger.notice("the venue refused a resting sell's cancel", metadata: ["order": "\(id)", "code": "\(code)", "message": "\(message)"])
        case .unknown(let reason):
            cancels[id] = .unknown
            logger.warning("resting sell cancel outcome unknown; reconciling", metadata: ["order": "\(id)", "reason": "\(reason)"])
        }
    }
}
