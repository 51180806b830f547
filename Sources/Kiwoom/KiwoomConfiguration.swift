import SokboCore

/// Everything the Kiwoom REST broker needs. Built from plain values; the app maps its `kiwoom` config
/// scope (`KIWOOM_BASE_URL`, `KIWOOM_APPKEY`, `KIWOOM_SECRETKEY`, …) onto it.
public struct KiwoomConfiguration: Sendable, CustomStringConvertible {
    /// REST base URL without a trailing slash, e.g. `https://api.kiwoom.com`.
    public var baseURL: String
    /// App key (secret: never logged).
    public var appKey: String
    /// Secret key (secret: never logged).
    public var secretKey: String
    /// Timeout of one query request.
    public var queryTimeout: Duration
    /// Timeout of one order request; when it passes the outcome is unknown.
    public var orderTimeout: Duration
    /// A token is renewed this long before its `expires_dt`.
    public var tokenRenewalMargin: Duration
    /// Client-side pacing, so the venue's 429 stays rare (defaults and their sources on the type).
    public var rateLimits: KiwoomRateLimits
    /// Retries of a query after 429/1700, 5xx or a transport failure (orders are never retried); after a
    /// 429 the retry waits for the pause of its bucket, shared by every caller.
    public var maxQueryRetries: Int
    /// First back-off delay; doubled on each retry, with jitter.
    public var retryBaseDelay: Duration
    /// Most pages one chart call follows (`cont-yn`/`next-key`).
    public var maxChartPages: Int
    /// When set, asked for the base URL before each request instead of `baseURL`: simulate mode uses it
    /// to reach the built-in simulator, whose port is known only once it listens.
    public var resolveBaseURL: (@Sendable () async throws -> String)?
    /// Simulate mode with two nodes (or a node name set): this node's name, sent as `sokbo-node` on every REST
    /// request and realtime login so the shared simulator's request log tells the nodes apart (never set
    /// against a real venue).
    public var simulatorNodeTag: String?
    /// Asked with the api-id right before each request is written (after its token and pacing wait, which may
    /// take seconds), and with `LOGIN` before each realtime login: nil lets it go, a reason refuses it unsent.
    /// Active/standby sets it to the lease's deadline, so a node that lost the lease sends nothing more,
    /// whichever service asks (the realtime service's reference reads included). Synchronous: it sits on the
    /// order path.
    public var requestGate: (@Sendable (_ apiID: String) -> String?)?

    /// Creates a configuration.
    public init(baseURL: String, appKey: String, secretKey: String,
                queryTimeout: Duration = .seconds(10), orderTimeout: Duration = .seconds(10),
                tokenRenewalMargin: Duration = .seconds(600), rateLimits: KiwoomRateLimits = .init(),
                maxQueryRetries: Int = 4, retryBaseDelay: Duration = .milliseconds(250), maxChartPages: Int = 10) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.appKey = appKey
        self.secretKey = secretKey
        self.queryTimeout = queryTimeout
        self.orderTimeout = orderTimeout
        self.tokenRenewalMargin = tokenRenewalMargin
        self.rateLimits = rateLimits
        self.maxQueryRetries = maxQueryRetries
        self.retryBaseDelay = retryBaseDelay
        self.maxChartPages = maxChartPages
        self.resolveBaseURL = nil
        self.requestGate = nil
    }

    /// Throws, unsent (code `HA`, a service refusal: unavailable to the broker's callers, not retried), when
    /// `requestGate` refuses.
    func checkGate(_ api: KiwoomAPI) throws {
        if let why = requestGate?(api.rawValue) { throw KiwoomError(.service, apiID: api.rawValue, code: "HA", message: "not sent: \(why)") }
    }

    /// The base URL to use now.
    func currentBaseURL() async throws -> String {
        guard let resolveBaseURL else { return baseURL }
        var url = try await resolveBaseURL()
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The app key the built-in simulator accepts (simulate mode only; not a secret).
    public static let simulatorAppKey = "sokbo-simulator-appkey"
    /// The secret key the built-in simulator accepts (simulate mode only; not a secret).
    public static let simulatorSecretKey = "sokbo-simulator-secretkey"

    /// Defaults for a run mode: `live` → api.kiwoom.com, `mock` → mockapi.kiwoom.com, `simulate` → the
    /// built-in simulator on loopback (the app replaces the URL with the simulator's bound port).
    /// Keys are empty for live and mock: they must come from configuration.
    public static func defaults(for mode: String) -> KiwoomConfiguration {
        switch mode.lowercased() {
        case "live", "real":
            return KiwoomConfiguration(baseURL: "https://api.kiwoom.com", appKey: "", secretKey: "")
        case "mock":
            return KiwoomConfiguration(baseURL: "https://mockapi.kiwoom.com", appKey: "", secretKey: "", rateLimits: .mockHost)
        default:
            return KiwoomConfiguration(baseURL: "http://127.0.0.1", appKey: simulatorAppKey, secretKey: simulatorSecretKey)
        }
    }

    /// Redacted: shows the URL only.
    public var description: String { "KiwoomConfiguration(baseURL: \(baseURL), appKey: <redacted>, secretKey: <redacted>)" }
}

/// Client-side pacing: token buckets per category and per api-id, bounds on waiting, and the back-off
/// after a 429 (`kiwoom-rest.md` §7).
///
/// Kiwoom's limits are known only partly: the terms of service (as quoted by third parties) allow 5
/// queries/s and 5 orders/s, 1 query/s on the mock host; measurements show about 1 request/s *per
/// api-id* with a burst of about 2, per TR, orders and queries apart. Every request therefore takes a
/// token from its category's bucket *and* from its api-id's own bucket, so both readings hold.
///
/// Why each burst is below the venue's: a request leaves a little after its slot, and the gaps between
/// requests shrink on the way (scheduling, a fresh TLS connection for one request and a reused one for the
/// next). A client bucket `k` tokens smaller than the venue's, at the same rate, is accepted as long as
/// that skew stays under `k` refill intervals: per api-id one token below the measured burst of 2 (1 s of
/// skew), per category two below the presumed 5 (400 ms of skew).
public struct KiwoomRateLimits: Sendable {
    /// One bucket: a sustained rate and a burst.
    public typealias Bucket = TokenBucket.Limit

    /// All query api-ids together: 5/s, burst 3 (terms: 조회 5/s; `KIWOOM_QUERIES_PER_SECOND`, `KIWOOM_QUERIES_BURST`).
    public var queries: Bucket
    /// All order api-ids together: 5/s, burst 3 (terms: 주문 5/s; `KIWOOM_ORDERS_PER_SECOND`, `KIWOOM_ORDERS_BURST`).
    public var orders: Bucket
    /// Each api-id on its own, on top of its category: 1/s, burst 1 (measured ≈1/s, burst ≈2, §7;
    /// `KIWOOM_API_ID_PER_SECOND`, `KIWOOM_API_ID_BURST`); nil: no per-api-id bucket.
    public var perAPIID: Bucket?
    /// Api-ids whose own bucket differs from `perAPIID`.
    public var apiIDOverrides: [String: Bucket]
    /// Longest a trading query or an order waits for its slot when its caller set no deadline; a
    /// request whose slot would come later is refused at once (`KIWOOM_MAX_WAIT_MS`, default 10 s).
    public var maxWait: Duration
    /// Longest a lookup for an HTTP client waits; Sokbo answers 429 with `Retry-After` instead
    /// (`KIWOOM_LOOKUP_MAX_WAIT_MS`, default 2 s).
    public var lookupMaxWait: Duration
    /// Pause of a bucket after a 429 that carries no `Retry-After`, doubled for each 429 in a row
    /// (`KIWOOM_RATE_LIMIT_BACKOFF_MS`, default 1 s: one refill of the venue's per-api-id bucket).
    public var backoff: Duration
    /// Longest such pause (default 8 s: the venue's per-api-id bucket refills in about a second, and a
    /// longer pause would refuse every trade of that api-id on one unlucky burst).
    public var maxBackoff: Duration

    /// Creates limits.
    public init(queries: Bucket = .init(perSecond: 5, burst: 3), orders: Bucket = .init(perSecond: 5, burst: 3),
                perAPIID: Bucket? = .init(perSecond: 1, burst: 1), apiIDOverrides: [String: Bucket] = [:],
                maxWait: Duration = .seconds(10), lookupMaxWait: Duration = .seconds(2),
                backoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(8)) {
        self.queries = queries
        self.orders = orders
        self.perAPIID = perAPIID
        self.apiIDOverrides = apiIDOverrides
        self.maxWait = maxWait
        self.lookupMaxWait = lookupMaxWait
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// The mock host: the terms quote 1 query/s there (`kiwoom-rest.md` §7, §9), taken as a bucket of one.
    public static let mockHost = KiwoomRateLimits(queries: .init(perSecond: 1, burst: 1))

    /// No client-side pacing: only for a benchmark that measures the client alone, which must say so.
    public static let unlimited = KiwoomRateLimits(queries: .init(perSecond: 1_000_000, burst: 1_000_000),
                                                   orders: .init(perSecond: 1_000_000, burst: 1_000_000), perAPIID: nil)
}
