import Foundation
import SokboCore
import Synchronization

/// The broker's side of the realtime feed: the queue of pushes for its one consumer, the stocks the engine
/// asked to watch, and whether the account feed is up. The realtime service publishes into it and follows the
/// watch set; the broker's `BrokerFeeds` members read it.
///
/// Nothing but quotes is ever dropped: executions, holdings, halts and feed changes queue without a bound
/// (they are few: one per order event). Quotes are coalesced per stock: while a stock's quote waits in the
/// queue, a newer one replaces it in place, so the queue holds at most one quote per stock and a slow consumer
/// sees the latest price, never a backlog. Until a consumer has called `pushes()`, nothing is queued (there is
/// nobody to lose it for, and an engine without position tracking must not grow the queue forever).
public final class KiwoomPushFeed: Sendable {
    private enum Entry: Sendable {
        case push(BrokerPush)
        case quote(Ticker)
    }

    private struct State {
        var entries: [Entry] = []
        var head = 0
        var pendingQuotes: [Ticker: QuoteTick] = [:]
        var waiter: CheckedContinuation<BrokerPush?, Never>?
        var consumed = false
        var finished = false
        var connected = false
        var watched: Set<Ticker> = []
        var watchSignal: AsyncStream<Void>.Continuation?
        var published = 0
        var coalesced = 0
    }

    private let state = Mutex(State())

    /// Creates an empty feed.
    public init() {}

    // MARK: - Producer (the realtime service)

    /// Queues a push for the consumer (a quote replaces its stock's queued one); nothing before `pushes()`.
    public func publish(_ push: BrokerPush) {
        let wake: (CheckedContinuation<BrokerPush?, Never>, BrokerPush)? = state.withLock { s in
            guard s.consumed, !s.finished else { return nil }
            s.published += 1
            if let waiter = s.waiter {
                // A waiting consumer means the queue is empty: hand it over directly.
                s.waiter = nil
                return (waiter, push)
            }
            if case .quote(let tick) = push {
                if s.pendingQuotes[tick.ticker] != nil {
                    s.pendingQuotes[tick.ticker] = tick
                    s.coalesced += 1
                    return nil
                }
                s.pendingQuotes[tick.ticker] = tick
                s.entries.append(.quote(tick.ticker))
            } else {
                s.entries.append(.push(push))
            }
            return nil
        }
        wake?.0.resume(returning: wake?.1)
    }

    /// Records whether the account feed (`00`/`04`) is up; a change is published as `.feed(connected:)`.
    public func setConnected(_ connected: Bool) {
        let changed = state.withLock { s in
            defer { s.connected = connected }
            return s.connected != connected
        }
        if changed { publish(.feed(connected: connected)) }
    }

    /// Ends the stream (the broker's feed is shut down); the consumer gets what is queued, then the end.
    public func finish() {
        let waiter = state.withLock { s in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The stocks the consumer asked to watch now.
    public var watched: Set<Ticker> { state.withLock { $0.watched } }

    /// Installs the signal a live session waits on for watch changes (replacing an earlier session's).
    public func setWatchSignal(_ signal: AsyncStream<Void>.Continuation?) {
        let old = state.withLock { s in
            defer { s.watchSignal = signal }
            return s.watchSignal
        }
        old?.finish()
    }

    // MARK: - Consumer (the broker's BrokerFeeds members)

    /// The pushes, for one consumer; finishes after `finish()`.
    public func stream() -> AsyncStream<BrokerPush> {
        state.withLock { $0.consumed = true }
        return AsyncStream(unfolding: { await self.next() })
    }

    /// Replaces the set of stocks watched beyond the configured watchlist and wakes the live session.
    public func watch(_ tickers: Set<Ticker>) {
        let signal = state.withLock { s in
            s.watched = tickers
            return s.watchSignal
        }
        signal?.yield()
    }

    /// Whether the account feed is up.
    public var connected: Bool { state.withLock { $0.connected } }

    /// Counts for status: pushes published, quotes coalesced, pushes waiting.
    public func counts() -> (published: Int, coalesced: Int, queued: Int) {
        state.withLock { ($0.published, $0.coalesced, $0.entries.count - $0.head) }
    }

    private func next() async -> BrokerPush? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<BrokerPush?, Never>) in
                let ready: BrokerPush?? = state.withLock { s in
                    if let push = Self.pop(&s) { return .some(push) }
                    // The cancellation flag is set before the handler takes this lock: checked here, no waiter is lost.
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    private static func pop(_ s: inout State) -> BrokerPush? {
        while s.head < s.entries.count {
            let entry = s.entries[s.head]
            s.head += 1
            if s.head == s.entries.count {
                s.entries.removeAll(keepingCapacity: true)
                s.head = 0
            } else if s.head > 1_024, s.head * 2 > s.entries.count {
                s.entries.removeFirst(s.head)
                s.head = 0
            }
            switch entry {
            case .push(let push): return push
            case .quote(let ticker): if let tick = s.pendingQuotes.removeValue(forKey: ticker) { return .quote(tick) }
            }
        }
        return nil
    }
}
