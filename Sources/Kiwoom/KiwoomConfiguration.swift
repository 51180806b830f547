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
    /// Client-side pacing, so the venue's 429 stays rare.
    public var rateLimits: KiwoomRateLimits
    /// Retries of a query after 429/1700, 5xx or a transport failure (orders are never retried).
    public var maxQueryRetries: Int
    /// First back-off delay; doubled on each retry, with jitter.
    public var retryBaseDelay: Duration
    /// Most pages one chart call follows (`cont-yn`/`next-key`).
    public var maxChartPages: Int
    /// When set, asked for the base URL before each request instead of `baseURL`: simulate mode uses it
    /// to reach the built-in simulator, whose port is known only once it listens.
    public var resolveBaseURL: (@Sendable () async throws -> String)?

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
            // The ToS quote allows 1 query per second on the mock host.
            return KiwoomConfiguration(baseURL: "https://mockapi.kiwoom.com", appKey: "", secretKey: "",
                                       rateLimits: KiwoomRateLimits(queries: .init(perSecond: 1, burst: 3)))
        default:
            return KiwoomConfiguration(baseURL: "http://127.0.0.1", appKey: simulatorAppKey, secretKey: simulatorSecretKey)
        }
    }

    /// Redacted: shows the URL only.
    public var description: String { "KiwoomConfiguration(baseURL: \(baseURL), appKey: <redacted>, secretKey: <redacted>)" }
}

/// Token-bucket limits per api-id group: queries and orders have separate buckets (the venue limits
/// them separately), and any api-id may get a bucket of its own.
public struct KiwoomRateLimits: Sendable {
    /// One bucket: a sustained rate and a burst.
    public struct Bucket: Sendable, Hashable {
        /// Requests per second, sustained.
        public var perSecond: Double
        /// Requests allowed at once after idling.
        public var burst: Int

        /// Creates a bucket.
        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// All query api-ids share this bucket (default 5/s, burst 4: one snapshot is four queries).
    public var queries: Bucket
    /// All order api-ids share this bucket (default 5/s, burst 2).
    public var orders: Bucket
    /// Api-ids with a bucket of their own instead of their group's.
    public var perAPIID: [String: Bucket]

    /// Creates limits.
    public init(queries: Bucket = .init(perSecond: 5, burst: 4), orders: Bucket = .init(perSecond: 5, burst: 2),
                perAPIID: [String: Bucket] = [:]) {
        self.queries = queries
        self.orders = orders
        self.perAPIID = perAPIID
    }

    /// No client-side pacing (benchmarks and tests of the venue's own 429).
    public static let unlimited = KiwoomRateLimits(queries: .init(perSecond: 1_000_000, burst: 1_000_000),
                                                   orders: .init(perSecond: 1_000_000, burst: 1_000_000))
}
