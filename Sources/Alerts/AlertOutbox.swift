import Foundation
import Logging
import Synchronization

/// One destination (a Telegram chat, a webhook) with its own bounded queue and its own sending task, so a
/// destination that fails or is slow never holds up another, nor anything that enqueues: `enqueue` takes
/// a lock for a moment and returns. A failed send is retried with exponential back-off (or the venue's
/// `retry_after`); an informational message is given up after `maxAttemptsInformational` attempts, a
/// trading-critical one is retried until it is delivered (or refused for good, e.g. a 400).
public final class AlertOutbox: Sendable {
    /// What one send attempt came to.
    public enum Delivery: Sendable, Hashable {
        /// Taken by the destination.
        case delivered
        /// Failed for now (network, 5xx, 429); `after` is the destination's own wait in seconds.
        case retry(after: Double?, error: String)
        /// Refused for good (a 4xx other than 429): retrying would not help.
        case refused(error: String)
    }

    /// Retry and pacing settings.
    public struct Policy: Sendable {
        /// Messages waiting before informational ones are dropped.
        public var capacity: Int
        /// Sends per second to this destination.
        public var perSecond: Double
        /// The first retry's wait; doubled per failure in a row.
        public var retryBase: Duration
        /// The longest wait between retries.
        public var retryMax: Duration
        /// Attempts before an informational message is given up.
        public var maxAttemptsInformational: Int

        /// Creates a policy.
        public init(capacity: Int = 1_000, perSecond: Double = 1, retryBase: Duration = .seconds(1), retryMax: Duration = .seconds(60),
                    maxAttemptsInformational: Int = 5) {
            self.capacity = capacity
            self.perSecond = perSecond
            self.retryBase = retryBase
            self.retryMax = retryMax
            self.maxAttemptsInformational = maxAttemptsInformational
        }
    }

    /// The destination's part of `/api/status`.
    public struct Status: Sendable, Codable, Hashable {
        /// `telegram` or `webhook`.
        public var type: String
        /// A name without secrets (`telegram chat 1`, `webhook 1 (hooks.slack.com)`).
        public var name: String
        /// `ok`, or `failing` while the last attempt failed.
        public var state: String = "ok"
        /// Messages delivered.
        public var delivered = 0
        /// Attempts that failed (each retry counts).
        public var failedAttempts = 0
        /// Failures in a row now.
        public var consecutiveFailures = 0
        /// Messages given up: informational ones after their attempts, any refused for good.
        public var givenUp = 0
        /// Informational messages dropped because the queue was full.
        public var droppedInformational = 0
        /// Messages waiting, including the one being sent.
        public var pending = 0
        /// Since when it has been failing.
        public var failingSince: Date?
        /// The last failure, redacted.
        public var lastError: String?

        /// A destination's fresh status.
        public init(type: String, name: String) {
            self.type = type
            self.name = name
        }
    }

    private struct State {
        var queue: AlertQueue
        var inFlight = false
        var status: Status
    }

    private let state: Mutex<State>
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let policy: Policy
    private let pacer: Mutex<SendPacer>
    private let shared: SharedPacer?
    private let deliver: @Sendable (AlertMessage) async -> Delivery
    private let redact: @Sendable (String) -> String
    private let logger: Logger

    /// A destination named `name` of `type`; `shared` paces it together with others (Telegram's overall limit).
    public init(type: String, name: String, policy: Policy, shared: SharedPacer? = nil, logger: Logger,
                redact: @escaping @Sendable (String) -> String = { $0 },
                deliver: @escaping @Sendable (AlertMessage) async -> Delivery) {
        self.state = Mutex(State(queue: AlertQueue(capacity: policy.capacity), status: Status(type: type, name: name)))
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.policy = policy
        self.pacer = Mutex(SendPacer(perSecond: policy.perSecond))
        self.shared = shared
        self.deliver = deliver
        self.redact = redact
        self.logger = logger
    }

    /// Queues a message; never waits.
    public func enqueue(_ message: AlertMessage) {
        let dropped = state.withLock { state in
            let dropped = state.queue.push(message)
            state.status.droppedInformational = state.queue.droppedInformational
            return dropped
        }
        if let dropped {
            logger.warning("alert queue full: oldest informational message dropped",
                           metadata: ["destination": "\(status().name)", "kind": "\(dropped.kind.rawValue)"])
        }
        wake.yield()
    }

    /// The current status.
    public func status() -> Status {
        state.withLock { state in
            var status = state.status
            status.pending = state.queue.count + (state.inFlight ? 1 : 0)
            return status
        }
    }

    /// Sends until cancelled (graceful shutdown): what is still queued then is counted in the log.
    public func run() async {
        for await _ in wakes {
            while !Task.isCancelled, let message = take() {
                await send(message)
            }
            if Task.isCancelled { break }
        }
        let left = status().pending
        if left > 0 { logger.warning("alerts not sent at shutdown", metadata: ["destination": "\(status().name)", "messages": "\(left)"]) }
    }

    private func take() -> AlertMessage? {
        state.withLock { state in
            guard let message = state.queue.first else { return nil }
            state.queue.removeFirst()
            state.inFlight = true
            return message
        }
    }

    private func send(_ message: AlertMessage) async {
        var attempts = 0
        defer { state.withLock { $0.inFlight = false } }
        while !Task.isCancelled {
            let now = SharedPacer.seconds()
            let wait = max(pacer.withLock { $0.reserve(now: now) }, shared?.reserve(now: now) ?? 0)
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            if Task.isCancelled { return }
            attempts += 1
            switch await deliver(message) {
            case .delivered:
                state.withLock { state in
                    state.status.delivered += 1
                    state.status.consecutiveFailures = 0
                    state.status.state = "ok"
                    state.status.failingSince = nil
                }
                return
            case .refused(let error):
                note(failure: error, givenUp: true)
                logger.error("alert refused by its destination", metadata: ["destination": "\(status().name)", "error": "\(redact(error))"])
                return
            case .retry(let after, let error):
                let giveUp = !message.isTradingCritical && attempts >= policy.maxAttemptsInformational
                let failures = note(failure: error, givenUp: giveUp)
                if giveUp { return }
                let backoff = min(policy.retryMax, policy.retryBase * (1 << min(failures - 1, 20)))
                let delay = after.map { Duration.seconds($0) } ?? backoff
                if let after { pacer.withLock { $0.hold(until: SharedPacer.seconds() + after) } }
                try? await Task.sleep(for: delay)
            }
        }
    }

    @discardableResult
    private func note(failure error: String, givenUp: Bool) -> Int {
        let clean = redact(error)
        return state.withLock { state in
            state.status.failedAttempts += 1
            state.status.consecutiveFailures += 1
            state.status.state = "failing"
            state.status.failingSince = state.status.failingSince ?? Date()
            state.status.lastError = clean
            if givenUp { state.status.givenUp += 1 }
            return state.status.consecutiveFailures
        }
    }
}
