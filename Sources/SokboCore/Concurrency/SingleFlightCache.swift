import Foundation

/// A credential (an access token) cached until its renewal time and fetched one request at a time:
/// callers that find no valid value all await the same in-flight fetch.
///
/// A value is renewed `margin` before it expires, with the exceptions a venue calls for (`Policy`). Each
/// venue's token provider keeps only its specifics (the request, the reply's expiry, its policy) around it.
public actor SingleFlightCache<Value: Sendable & Equatable> {
    /// A fetched value and when it stops working.
    public struct Fetched: Sendable {
        /// The value.
        public var value: Value
        /// When it expires.
        public var expiresAt: Date

        /// Creates a fetched value.
        public init(value: Value, expiresAt: Date) {
            self.value = value
            self.expiresAt = expiresAt
        }
    }

    /// The value held, with its times.
    public struct Entry: Sendable {
        /// The value.
        public let value: Value
        /// When it expires.
        public let expiresAt: Date
        /// When to fetch again: `margin` before `expiresAt`, or `expiresAt` itself under the policy's exceptions.
        public let renewAt: Date
    }

    /// Venue rules on top of "renew `margin` before expiry".
    public struct Policy: OptionSet, Sendable {
        /// The bits.
        public let rawValue: Int

        /// Creates a policy from its bits.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A fetch that returns the value fetched last keeps it until it expires: the source hands back the
        /// same value until then, so asking again before each use would cost a request and change nothing.
        public static var keepRepeatedUntilExpiry: Policy { Policy(rawValue: 1 << 0) }
        /// A value already inside the margin when fetched is kept until it expires: renewing early would only
        /// fetch another value expiring at the same time.
        public static var keepIfFetchedInsideMargin: Policy { Policy(rawValue: 1 << 1) }
        /// A renewal that fails while the held value is still valid (and was not invalidated) returns that
        /// value rather than the error: a failed renewal must not fail a call the value still covers.
        public static var fallBackWhileValid: Policy { Policy(rawValue: 1 << 2) }
    }

    private let fetch: @Sendable () async throws -> Fetched
    private let margin: Duration
    private let policy: Policy
    private let now: @Sendable () -> Date
    /// The value held, if any.
    public private(set) var current: Entry?
    /// The value fetched last, kept after `invalidate` to recognise the same one coming back.
    private var lastFetched: Value?
    private var inFlight: Task<Fetched, any Error>?
    /// Values fetched so far (for status and tests).
    public private(set) var fetches = 0

    /// Creates a cache around `fetch` (a venue's token request).
    public init(margin: Duration, policy: Policy = [], now: @escaping @Sendable () -> Date = Date.init,
                fetch: @escaping @Sendable () async throws -> Fetched) {
        self.fetch = fetch
        self.margin = margin
        self.policy = policy
        self.now = now
    }

    /// A valid value, fetching one if none is held or the held one is due for renewal.
    public func value() async throws -> Value {
        let held = current
        if let held, now() < held.renewAt { return held.value }
        do {
            return try await fetchShared()
        } catch {
            if policy.contains(.fallBackWhileValid), let held, held.value == current?.value, now() < held.expiresAt {
                return held.value
            }
            throw error
        }
    }

    /// Drops `value` after the venue refused it; a no-op when it was already replaced, so many callers
    /// failing with the same value cause one fetch.
    public func invalidate(_ value: Value) {
        if current?.value == value { current = nil }
    }

    private func fetchShared() async throws -> Value {
        if let inFlight { return try await inFlight.value.value }
        let task = Task { [fetch] in try await fetch() }
        inFlight = task
        defer { inFlight = nil }
        let fetched = try await task.value
        current = entry(for: fetched, fetchedAt: now())
        lastFetched = fetched.value
        fetches += 1
        return fetched.value
    }

    private func entry(for fetched: Fetched, fetchedAt: Date) -> Entry {
        let early = fetched.expiresAt.addingTimeInterval(-margin.seconds)
        let keep = (policy.contains(.keepRepeatedUntilExpiry) && fetched.value == lastFetched)
            || (policy.contains(.keepIfFetchedInsideMargin) && early <= fetchedAt)
        return Entry(value: fetched.value, expiresAt: fetched.expiresAt, renewAt: keep ? fetched.expiresAt : early)
    }
}
