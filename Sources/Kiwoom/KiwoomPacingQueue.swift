import Foundation
import SokboCore

/// The pacing decisions as pure state: token buckets, the requests waiting for them, and the pauses a
/// 429 imposes. No I/O and no clock of its own: every event carries `now`, and `pump` answers which
/// waiters go now, which are refused, and when to look again (`KiwoomRateLimiter` is the shell that
/// sleeps and resumes callers).
///
/// A request takes one token from each of its buckets: its category (all queries, or all orders) and,
/// when configured, its api-id's own bucket. Waiters are served most urgent first (orders, then trading
/// queries, then lookups), in arrival order within a purpose. Nothing is taken before a request is
/// granted, so the queue never builds debt: each waiter has a deadline, and one whose projected slot
/// falls after it is refused at once, having consumed nothing.
struct KiwoomPacingQueue: Sendable {
    typealias Instant = ContinuousClock.Instant

    /// One token bucket (`TokenBucket`), with an optional pause after a 429.
    struct Bucket: Sendable {
        /// The tokens and their continuous refill.
        var pool: TokenBucket
        /// No token is handed out before this instant (a 429 pause).
        var pausedUntil: Instant?
        /// 429s since the last success on this bucket (each doubles the next pause).
        var strikes = 0
        /// Requests granted a token from this bucket since start (for status).
        var granted = 0
        /// 429s from the venue charged to this bucket since start (for status).
        var rateLimited = 0
        /// When the last of them came.
        var lastRateLimited: Instant?
        /// Requests refused unsent because this bucket had no slot before their deadline (for status).
        var refused = 0

        /// Tokens held at `last`.
        var tokens: Double {
            get { pool.tokens }
            set { pool.tokens = newValue }
        }

        /// When `tokens` was last brought up to date.
        var last: Instant {
            get { pool.last }
            set { pool.last = newValue }
        }

        init(_ limit: KiwoomRateLimits.Bucket, now: Instant) {
            pool = TokenBucket(rate: max(limit.perSecond, 1e-9), burst: Double(max(limit.burst, 1)), now: now)
        }

        /// Adds the tokens earned since the last look (none while paused).
        mutating func refill(to now: Instant) {
            pool.refill(to: now, earningFrom: pausedUntil)
        }

        /// True when a token may be taken at `now` (after `refill`).
        func available(at now: Instant) -> Bool {
            tokens >= 1 - Self.epsilon && (pausedUntil.map { now >= $0 } ?? true)
        }

        /// When the bucket will have held `count` tokens, if every token is taken as soon as it exists.
        func earliest(_ count: Int, now: Instant) -> Instant {
            let start = max(now, pausedUntil ?? now)
            return pool.instant(holding: Double(count), after: start, earningFrom: pausedUntil, tolerance: Self.epsilon)
        }

        /// A millionth of a token: what rounding may leave short of a whole one.
        static let epsilon = 1e-6
    }

    /// A request waiting for its tokens.
    struct Waiter: Sendable {
        let id: Int
        let api: KiwoomAPI
        let keys: [String]
        let purpose: BrokerCallContext.Purpose
        let deadline: Instant
    }

    /// What one `pump` decided.
    struct Outcome: Sendable, Equatable {
        /// Waiters that may send now (their tokens are taken).
        var granted: [Int] = []
        /// Waiters refused without consuming anything, with how long until a slot could be free.
        var refused: [Refusal] = []
        /// When to pump again; nil when nobody waits.
        var wake: Instant?
    }

    /// A waiter refused because its slot would come after its deadline.
    struct Refusal: Sendable, Equatable {
        let id: Int
        let api: KiwoomAPI
        let retryAfter: Duration
    }

    let limits: KiwoomRateLimits
    private(set) var buckets: [String: Bucket] = [:]
    /// Most urgent first, then in arrival order.
    private(set) var waiters: [Waiter] = []

    init(limits: KiwoomRateLimits) {
        self.limits = limits
    }

    // MARK: - Events

    /// Adds a request that may leave no later than `deadline`; call `pump` next.
    mutating func enqueue(id: Int, api: KiwoomAPI, purpose: BrokerCallContext.Purpose, deadline: Instant, now: Instant) {
        let keys = keys(for: api, now: now)
        let waiter = Waiter(id: id, api: api, keys: keys, purpose: purpose, deadline: deadline)
        let index = waiters.firstIndex { $0.purpose < purpose } ?? waiters.endIndex
        waiters.insert(waiter, at: index)
    }

    /// Removes a waiter (its caller was cancelled); false when it was no longer waiting.
    mutating func cancel(id: Int) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// After a 429 on `api`: pauses the api-id's bucket (or its category's, when api-ids have none) for
    /// `retryAfter` when the venue said so, else for the back-off, doubled for each 429 in a row. A 429
    /// from a request sent before an earlier pause began does not lengthen it. Returns the pause.
    @discardableResult
    mutating func penalize(_ api: KiwoomAPI, retryAfter: Duration?, now: Instant) -> Duration {
        let key = penaltyKey(for: api)
        var bucket = buckets[key] ?? Bucket(limit(for: key), now: now)
        bucket.refill(to: now)
        bucket.rateLimited += 1
        bucket.lastRateLimited = now
        if let until = bucket.pausedUntil, until > now, retryAfter == nil {
            buckets[key] = bucket
            return now.duration(to: until)
        }
        let pause: Duration
        if let retryAfter {
            pause = max(retryAfter, .zero)
        } else {
            pause = Backoff(initial: limits.backoff, cap: limits.maxBackoff).bound(attempt: bucket.strikes + 1)
        }
        bucket.strikes += 1
        let until = max(bucket.pausedUntil ?? now, now + pause)
        bucket.pausedUntil = until
        // One request may go when the pause ends, then the bucket's rate.
        bucket.tokens = 1
        bucket.last = now
        buckets[key] = bucket
        return now.duration(to: until)
    }

    /// After a reply on `api` that was not a 429: the next 429 starts the back-off afresh.
    mutating func succeeded(_ api: KiwoomAPI) {
        let key = penaltyKey(for: api)
        if buckets[key]?.strikes ?? 0 > 0 { buckets[key]?.strikes = 0 }
    }

    /// Grants every waiter whose tokens are there, refuses every waiter whose projected slot is past its
    /// deadline, and says when to look again.
    ///
    /// A waiter blocked on an empty bucket keeps that bucket for itself: nobody behind it (less urgent,
    /// or later) takes that bucket's next token. Buckets it does have tokens in stay usable by others, so
    /// an idle api-id is not held up by a busy one sharing its category.
    mutating func pump(now: Instant) -> Outcome {
        for key in buckets.keys { buckets[key]?.refill(to: now) }
        var outcome = Outcome()
        var changed = true
        while changed {
            changed = false
            outcome.granted += grantPass(now: now)
            let refused = refusalPass(now: now)
            if !refused.isEmpty {
                outcome.refused += refused
                changed = true
            }
        }
        outcome.wake = projections(now: now).map(\.slot).min().map { max($0, now + .milliseconds(1)) }
        return outcome
    }

    /// When each waiter would go, in queue order, if tokens were taken as soon as they exist.
    func projections(now: Instant) -> [(id: Int, slot: Instant)] {
        var ahead: [String: Int] = [:]
        return waiters.map { waiter in
            let slot = waiter.keys.map { key in
                buckets[key]?.earliest(1 + ahead[key, default: 0], now: now) ?? now
            }.max() ?? now
            for key in waiter.keys { ahead[key, default: 0] += 1 }
            return (waiter.id, slot)
        }
    }

    // MARK: - Passes

    private mutating func grantPass(now: Instant) -> [Int] {
        var granted: [Int] = []
        var blocked = Set<String>()
        var index = 0
        while index < waiters.count {
            let waiter = waiters[index]
            if waiter.keys.contains(where: blocked.contains) {
                index += 1
                continue
            }
            let lacking = waiter.keys.filter { !(buckets[$0]?.available(at: now) ?? true) }
            guard lacking.isEmpty else {
                blocked.formUnion(lacking)
                index += 1
                continue
            }
            for key in waiter.keys {
                buckets[key]?.tokens -= 1
                buckets[key]?.granted += 1
            }
            granted.append(waiter.id)
            waiters.remove(at: index)
        }
        return granted
    }

    private mutating func refusalPass(now: Instant) -> [Refusal] {
        var refused: [Refusal] = []
        var ahead: [String: Int] = [:]
        var index = 0
        while index < waiters.count {
            let waiter = waiters[index]
            let slots = waiter.keys.map { key in
                (key, buckets[key]?.earliest(1 + ahead[key, default: 0], now: now) ?? now)
            }
            let (binding, slot) = slots.max { $0.1 < $1.1 } ?? ("", now)
            if slot > waiter.deadline {
                // Refused before anything is taken: the waiters behind it move up. Counted on the bucket
                // that set the slot, so the status names the budget that ran out.
                buckets[binding]?.refused += 1
                refused.append(Refusal(id: waiter.id, api: waiter.api, retryAfter: now.duration(to: slot)))
                waiters.remove(at: index)
                continue
            }
            for key in waiter.keys { ahead[key, default: 0] += 1 }
            index += 1
        }
        return refused
    }

    // MARK: - Status

    /// Every bucket as it stands at `now` (`wallNow` on the wall clock): the two categories always, api-ids
    /// once used. Categories first, then api-ids by name. Pure: nothing is refilled in place.
    func snapshot(now: Instant, wallNow: Date) -> [KiwoomBucketStatus] {
        var keys = Set(buckets.keys)
        keys.formUnion([Self.queriesKey, Self.ordersKey])
        let rank = { (key: String) in key.hasPrefix("category:") ? 0 : 1 }
        let ordered = keys.sorted { (rank($0), $0) < (rank($1), $1) }
        return ordered.map { key in
            var bucket = buckets[key] ?? Bucket(limit(for: key), now: now)
            bucket.refill(to: now)
            let limit = limit(for: key)
            let paused = bucket.pausedUntil.flatMap { $0 > now ? now.duration(to: $0) : nil }
            let category = key.hasPrefix("category:")
            return KiwoomBucketStatus(
                bucket: category ? String(key.dropFirst("category:".count)) : key, kind: category ? .category : .apiID,
                // Rounded down: "1 available" must mean a request could leave now.
                available: (bucket.tokens * 100 + Bucket.epsilon).rounded(.down) / 100, limit: limit.burst, perSecond: limit.perSecond,
                queued: waiters.filter { $0.keys.contains(key) }.count, used: bucket.granted, rateLimited: bucket.rateLimited,
                refused: bucket.refused, pausedFor: paused, sinceRateLimited: bucket.lastRateLimited.map { $0.duration(to: now) },
                at: wallNow)
        }
    }

    // MARK: - Buckets

    /// The buckets a request of `api` takes a token from, created on first use.
    private mutating func keys(for api: KiwoomAPI, now: Instant) -> [String] {
        var keys = [api.isOrder ? Self.ordersKey : Self.queriesKey]
        if limits.apiIDOverrides[api.rawValue] != nil || limits.perAPIID != nil { keys.append(api.rawValue) }
        for key in keys where buckets[key] == nil { buckets[key] = Bucket(limit(for: key), now: now) }
        return keys
    }

    private func penaltyKey(for api: KiwoomAPI) -> String {
        if limits.apiIDOverrides[api.rawValue] != nil || limits.perAPIID != nil { return api.rawValue }
        return api.isOrder ? Self.ordersKey : Self.queriesKey
    }

    private func limit(for key: String) -> KiwoomRateLimits.Bucket {
        switch key {
        case Self.queriesKey: limits.queries
        case Self.ordersKey: limits.orders
        default: limits.apiIDOverrides[key] ?? limits.perAPIID ?? limits.queries
        }
    }

    static let queriesKey = "category:queries"
    static let ordersKey = "category:orders"
}
