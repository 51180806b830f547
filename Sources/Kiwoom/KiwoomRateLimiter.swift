import Foundation
import SokboCore

/// Client-side pacing of Kiwoom requests: the shell around `KiwoomPacingQueue` that suspends callers
/// until their slot, resumes them, and sleeps until the next slot on a timer of its own. Waiting callers
/// hold no lock and never block the actor; a cancelled caller leaves the queue at once.
public actor KiwoomRateLimiter {
    private var queue: KiwoomPacingQueue
    private var waiting: [Int: CheckedContinuation<Void, any Error>] = [:]
    private var nextID = 0
    private var timer: Task<Void, Never>?
    private var timerAt: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    /// The limits in force.
    public nonisolated let limits: KiwoomRateLimits

    /// Creates a limiter.
    public init(limits: KiwoomRateLimits) {
        self.limits = limits
        self.queue = KiwoomPacingQueue(limits: limits)
    }

    /// Waits until `api` may be sent. Throws a `.paced` `KiwoomError` at once, having consumed nothing,
    /// when the request could not leave by `notAfter` (or when more urgent requests later push it past
    /// that), and `CancellationError` when the caller is cancelled while waiting.
    public func acquire(_ api: KiwoomAPI, purpose: BrokerCallContext.Purpose, notAfter: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // The body runs synchronously on this actor (the continuation API inherits the caller's
                // isolation), so the waiter is queued before any other event can be handled.
                self.assumeIsolated { limiter in
                    limiter.admit(id: id, api: api, purpose: purpose, notAfter: notAfter, continuation: continuation)
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// After a 429 on `api`: pauses its bucket for every caller (`retryAfter` when the venue sent one,
    /// else the back-off). Returns the pause.
    @discardableResult
    public func penalize(_ api: KiwoomAPI, retryAfter: Duration?) -> Duration {
        let pause = queue.penalize(api, retryAfter: retryAfter, now: clock.now)
        apply(queue.pump(now: clock.now))
        return pause
    }

    /// After a readable reply on `api`: the next 429 starts its back-off afresh.
    public func succeeded(_ api: KiwoomAPI) {
        queue.succeeded(api)
    }

    /// Requests waiting now (for status and tests).
    public var waitingCount: Int { queue.waiters.count }

    /// Every bucket's budget now: the categories always, api-ids once used (for `/api/status`).
    public func status() -> [KiwoomBucketStatus] {
        queue.snapshot(now: clock.now, wallNow: Date())
    }

    // MARK: - Shell

    private func admit(id: Int, api: KiwoomAPI, purpose: BrokerCallContext.Purpose, notAfter: ContinuousClock.Instant,
                       continuation: CheckedContinuation<Void, any Error>) {
        waiting[id] = continuation
        let now = clock.now
        queue.enqueue(id: id, api: api, purpose: purpose, deadline: notAfter, now: now)
        apply(queue.pump(now: now))
    }

    private func cancel(_ id: Int) {
        guard queue.cancel(id: id) else { return }
        waiting.removeValue(forKey: id)?.resume(throwing: CancellationError())
        apply(queue.pump(now: clock.now))
    }

    private func fire() {
        timer = nil
        timerAt = nil
        apply(queue.pump(now: clock.now))
    }

    private func apply(_ outcome: KiwoomPacingQueue.Outcome) {
        for id in outcome.granted { waiting.removeValue(forKey: id)?.resume() }
        for refusal in outcome.refused {
            waiting.removeValue(forKey: refusal.id)?.resume(throwing: KiwoomError.paced(apiID: refusal.api.rawValue, retryAfter: refusal.retryAfter))
        }
        schedule(outcome.wake)
    }

    /// Keeps one timer, for the earliest instant anything may change.
    private func schedule(_ wake: ContinuousClock.Instant?) {
        guard let wake else {
            timer?.cancel()
            timer = nil
            timerAt = nil
            return
        }
        if timer != nil, let timerAt, timerAt <= wake { return }
        timer?.cancel()
        timerAt = wake
        timer = Task { [clock] in
            do { try await clock.sleep(until: wake) } catch { return }
            self.fire()
        }
    }
}
