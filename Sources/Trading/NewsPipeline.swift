import SokboCore

/// Where the news listener hands each headline: the records (stored), the live events, and the engine's
/// inbox. None of them is waited on beyond an actor hop: the engine reads its inbox on its own.
///
/// ## From a headline to an order, hop by hop
/// 1. `LSNewsListener` parses an `NWS` frame into a `NewsItem` (stamped `receivedAt`) and calls `consume`.
/// 2. `consume` yields it to the engine's inbox (an `AsyncStream`), then appends it to the row buffer and
///    publishes it on the live events.
/// 3. `EngineService` reads the inbox and calls `TradingEngine.evaluate` on the actor: rule match, the stock
///    (`TickerResolving` when the frame has no code or several), kill switch, entry window, one order per
///    headline, risk counts, DART confirmation (`DisclosureConfirming`); a match reserves the order id.
/// 4. The service runs `TradingEngine.execute(plan)` in a child task, off the actor, bounded by the entry
///    deadline: the entry snapshot (`Broker.entrySnapshot`, one query or none), then sizing and risk on
///    the actor, the order stored (journal, else store) as `submitted`.
/// 5. `Broker.submit` sends it once; the answer (accepted, rejected, unknown) is applied through
///    `OrderStateMachine`; an unknown one is settled later by `TradingEngine.reconcile`.
public struct NewsPipeline: NewsConsumer {
    let records: any RecordSink
    let events: EventHub
    let engineInbox: AsyncStream<NewsItem>.Continuation?

    /// A pipeline into `records`, `events` and the engine's inbox (nil: news is stored, not traded).
    public init(records: any RecordSink, events: EventHub, engineInbox: AsyncStream<NewsItem>.Continuation?) {
        self.records = records
        self.events = events
        self.engineInbox = engineInbox
    }

    /// Hands one headline on.
    public func consume(_ item: NewsItem) async {
        engineInbox?.yield(item)
        await records.append(item)
        events.publish(kind: .news, payload: item)
    }
}
