import Foundation
import Synchronization

/// Fans events out to subscribers without ever waiting on them: each subscriber has a bounded buffer;
/// when it is full the oldest event is dropped and the subscriber later receives a gap marker.
/// Publishing is O(subscribers) and never suspends on a slow client, nor encodes anything (`LiveEvent`
/// encodes its JSON on the subscriber's side, on first use).
public final class EventHub: Sendable {
    private let state = Mutex(State())
    /// Events a subscriber may have pending before the oldest are dropped.
    public let bufferSize: Int

    private struct State {
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
        var published = 0
        var wakeUps = 0
    }

    /// A reference, only ever touched under the hub's lock: appending to its buffer is amortised O(1),
    /// where a struct copied out of the dictionary and written back copied the whole buffer per event.
    private final class Subscriber {
        var pending: [LiveEvent] = []
        var head = 0
        var missed = 0
        var waiter: CheckedContinuation<LiveDelivery?, Never>?
        var closed = false
        /// The kinds this subscriber takes (`LiveEvent.kind`); nil: every kind.
        let kinds: Set<String>?
        /// Events it may have pending before the oldest are dropped.
        let capacity: Int

        init(kinds: Set<String>?, capacity: Int) {
            self.kinds = kinds
            self.capacity = capacity
        }
    }

    /// Creates a hub.
    public init(bufferSize: Int = 256) {
        self.bufferSize = bufferSize
    }

    /// Sends an event to every subscriber.
    public func publish(_ event: LiveEvent) {
        let wake: [CheckedContinuation<LiveDelivery?, Never>] = state.withLock { state in
            state.published += 1
            var woken: [CheckedContinuation<LiveDelivery?, Never>] = []
            for subscriber in state.subscribers.values {
                if let kinds = subscriber.kinds, !kinds.contains(event.kind) { continue }
                subscriber.pending.append(event)
                if let waiter = subscriber.waiter {
                    // Nothing is pending when a waiter waits, so the event just appended is its next, in order.
                    subscriber.waiter = nil
                    woken.append(waiter)
                } else if subscriber.pending.count - subscriber.head > subscriber.capacity {
                    subscriber.head += 1
                    subscriber.missed += 1
                }
                if subscriber.head > 1024 {
                    subscriber.pending.removeFirst(subscriber.head)
                    subscriber.head = 0
                }
            }
            state.wakeUps += woken.count
            return woken
        }
        // Each woken waiter takes its next delivery itself (see `next`), so resume with a sentinel that means "look again".
        for waiter in wake { waiter.resume(returning: .gap(missed: 0)) }
    }

    /// Sends an event only when somebody listens: with no subscriber for `kind`, the publisher builds
    /// nothing. The payload is kept as a value either way; its JSON is encoded by the subscriber that needs it.
    public func publish<Payload: Encodable & Sendable>(kind: LiveEvent.Kind, payload: @autoclosure () -> Payload) {
        guard wants(kind.rawValue) else { return }
        publish(LiveEvent(kind: kind, payload: payload()))
    }

    /// Number of connected subscribers.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Waiting subscribers `publish` has woken so far: each is a task the publisher scheduled.
    public var wakeUps: Int { state.withLock { $0.wakeUps } }

    /// True when some subscriber takes events of `kind`.
    public func wants(_ kind: String) -> Bool {
        state.withLock { state in state.subscribers.values.contains { $0.kinds?.contains(kind) ?? true } }
    }

    /// Subscribes; the stream ends when the consuming task is cancelled. With `kinds`, only those kinds
    /// are delivered (and events of other kinds are not even built for this subscriber).
    public func subscribe(kinds: Set<LiveEvent.Kind>? = nil) -> AsyncStream<LiveDelivery> {
        let wanted = kinds.map { Set($0.map(\.rawValue)) }
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(kinds: wanted, capacity: bufferSize)
            return state.nextID
        }
        return AsyncStream(unfolding: { [self] in
            await self.next(id)
        }, onCancel: { [self] in
            self.unsubscribe(id)
        })
    }

    /// A subscription read by polling (`Polled.take`) rather than awaited: publishing to it appends and never
    /// wakes a task, so a subscriber that can wait a moment (the alerts) costs the publisher no wake-up. It holds
    /// up to `capacity` events between two reads; past that the oldest are dropped and a gap is delivered.
    public func subscribePolled(kinds: Set<LiveEvent.Kind>? = nil, capacity: Int) -> Polled {
        let wanted = kinds.map { Set($0.map(\.rawValue)) }
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(kinds: wanted, capacity: max(1, capacity))
            return state.nextID
        }
        return Polled(hub: self, id: id)
    }

    /// A polled subscription (`subscribePolled`); ended by `cancel` or when released.
    public final class Polled: Sendable {
        private let hub: EventHub
        private let id: Int

        fileprivate init(hub: EventHub, id: Int) {
            self.hub = hub
            self.id = id
        }

        deinit { hub.unsubscribe(id) }

        /// Everything published since the last call, oldest first (a gap first if some were dropped); never waits.
        public func take() -> [LiveDelivery] { hub.take(id) }

        /// Ends the subscription: nothing more is kept for it.
        public func cancel() { hub.unsubscribe(id) }
    }

    private func take(_ id: Int) -> [LiveDelivery] {
        state.withLock { state in
            guard let subscriber = state.subscribers[id], !subscriber.closed else { return [] }
            var out: [LiveDelivery] = []
            out.reserveCapacity(subscriber.pending.count - subscriber.head + 1)
            if subscriber.missed > 0 {
                out.append(.gap(missed: subscriber.missed))
                subscriber.missed = 0
            }
            for event in subscriber.pending[subscriber.head...] { out.append(.event(event)) }
            subscriber.pending.removeAll(keepingCapacity: true)
            subscriber.head = 0
            return out
        }
    }

    private func next(_ id: Int) async -> LiveDelivery? {
        while true {
            enum Step { case deliver(LiveDelivery), wait, end }
            let step: Step = state.withLock { state in
                guard let subscriber = state.subscribers[id], !subscriber.closed else { return .end }
                if subscriber.missed > 0 {
                    let missed = subscriber.missed
                    subscriber.missed = 0
                    return .deliver(.gap(missed: missed))
                }
                if subscriber.head < subscriber.pending.count {
                    let event = subscriber.pending[subscriber.head]
                    subscriber.head += 1
                    return .deliver(.event(event))
                }
                return .wait
            }
            switch step {
            case .deliver(let delivery): return delivery
            case .end: return nil
            case .wait:
                let woke = await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<LiveDelivery?, Never>) in
                        let resumeNow: Bool = state.withLock { state in
                            guard let subscriber = state.subscribers[id], !subscriber.closed,
                                  subscriber.head >= subscriber.pending.count else { return true }
                            subscriber.waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume(returning: .gap(missed: 0)) }
                    }
                } onCancel: {
                    self.unsubscribe(id)
                }
                if woke == nil { return nil }
            }
        }
    }

    /// Ends every open subscription now: their streams finish, so `/api/events` clients see the
    /// connection close and reconnect. Returns how many were ended; later subscriptions are unaffected.
    @discardableResult
    public func closeAll() -> Int {
        let (count, waiters) = state.withLock { state -> (Int, [CheckedContinuation<LiveDelivery?, Never>]) in
            let waiters = state.subscribers.values.compactMap(\.waiter)
            let count = state.subscribers.count
            state.subscribers = [:]
            return (count, waiters)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        return count
    }

    private func unsubscribe(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<LiveDelivery?, Never>? in
            let waiter = state.subscribers[id]?.waiter
            state.subscribers[id] = nil
            return waiter
        }
        waiter?.resume(returning: nil)
    }
}
