import Foundation

/// Everything the DART adapter needs, as plain values (the lead maps config scope `dart` onto it).
///
/// | key (env)                         | default                               | meaning |
/// |-----------------------------------|---------------------------------------|---------|
/// | `DART_BASE_URL`                   | `https://opendart.fss.or.kr/api/` (simulate: the simulator) | API root, ends in `/api/` |
/// | `DART_API_KEY` (secret)           | none (simulate: `DARTConfiguration.simulatorAPIKey`) | `crtfc_key`, 40 alphanumerics |
/// | `DART_DAILY_BUDGET`               | `20000`                               | requests per key per KST day, all DART APIs together |
/// | `DART_RESERVED_SHARE`             | `0.2`                                 | share of the budget the poller leaves to other calls |
/// | `DART_MARKET_OPEN_HOUR`           | `8`                                   | polling starts (KST) |
/// | `DART_MARKET_CLOSE_HOUR`          | `20`                                  | polling stops (KST): filings run to ≈19:00 (dart.md §3.4) |
/// | `DART_WEEKEND_INTERVAL_S`         | `900`                                 | weekend cadence in the same hours; `0` = weekends not polled |
/// | `DART_BACKFILL_MAX_DAYS`          | `14`                                  | how far back a day's first poll sweeps (≤ 89: the 3-month rule) |
/// | `DART_HOURS`                      | `venue`                               | `venue` (the hours above, also in simulate mode) or `always` |
/// | `DART_MIN_INTERVAL_MS`            | `1000`                                | floor of the poll interval |
/// | `DART_REQUEST_TIMEOUT_MS`         | `10000`                               | per-request deadline |
/// | `DART_CORPCODE_MAX_AGE_S`         | `86400`                               | corpCode.xml refresh period |
public struct DARTConfiguration: Sendable, CustomStringConvertible {
    /// The key the simulator accepts by default (40 alphanumerics, like a real key; not a secret).
    public static let simulatorAPIKey = "SOKBOSIMULATOR0000000000000000000000DART"

    /// The API root, e.g. `https://opendart.fss.or.kr/api/` (a trailing slash is added when missing).
    public var baseURL: String
    /// The `crtfc_key`; a secret: never logged, redacted in `description`.
    public var apiKey: String
    /// Requests per KST day the key may make, summed over every DART API (FAQ: 20,000).
    public var dailyBudget: Int
    /// The share of `dailyBudget` the poller leaves for other calls (corpCode.xml, company.json, people).
    public var reservedShare: Double
    /// The hour polling starts, KST.
    public var marketOpenHour: Int
    /// The hour polling stops (exclusive), KST: filings run to ≈19:00 (dart.md §3.4), so 20 by default.
    public var marketCloseHour: Int
    /// The weekend cadence within the same hours; nil: weekends are not polled (the Monday sweep reads them).
    public var weekendInterval: Duration?
    /// Polls around the clock every day instead of the venue's hours (an explicit override, never a default).
    public var pollAroundTheClock: Bool
    /// How many days back a day's first poll may sweep; the 3-month rule without `corp_code` caps it at 89.
    public var backfillMaxDays: Int
    /// The shortest pause between polls; the spec asks for ≥ 0.2 s between requests.
    public var minimumInterval: Duration
    /// Per-request deadline.
    public var requestTimeout: Duration
    /// The age after which the corp-code map is downloaded again.
    public var corpCodeMaxAge: TimeInterval
    /// `page_count` for polling (1...100).
    public var pageCount: Int
    /// Extra pages one poll may read when page 1 was entirely new.
    public var maxExtraPages: Int
    /// How many `rcept_no`s the dedupe set remembers (a busy day has ~700 filings).
    public var dedupeCapacity: Int
    /// The User-Agent: DART answers curl-like agents without a key with a 302, so send a browser-like one.
    public var userAgent: String

    /// Creates a configuration from plain values.
    public init(
        baseURL: String, apiKey: String, dailyBudget: Int = 20_000, reservedShare: Double = 0.2,
        marketOpenHour: Int = 8, marketCloseHour: Int = 20, weekendInterval: Duration? = DARTMarketHours.defaultWeekendInterval,
        pollAroundTheClock: Bool = false, backfillMaxDays: Int = 14, minimumInterval: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(10), corpCodeMaxAge: TimeInterval = 86_400, pageCount: Int = 100,
        maxExtraPages: Int = 4, dedupeCapacity: Int = 20_000,
        userAgent: String = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.apiKey = apiKey
        self.dailyBudget = max(1, dailyBudget)
        self.reservedShare = min(max(reservedShare, 0), 0.95)
        self.marketOpenHour = marketOpenHour
        self.marketCloseHour = marketCloseHour
        self.weekendInterval = weekendInterval.map { max($0, .seconds(1)) }
        self.pollAroundTheClock = pollAroundTheClock
        self.backfillMaxDays = min(max(backfillMaxDays, 1), 89)
        self.minimumInterval = max(minimumInterval, .milliseconds(200))
        self.requestTimeout = requestTimeout
        self.corpCodeMaxAge = corpCodeMaxAge
        self.pageCount = min(max(pageCount, 1), 100)
        self.maxExtraPages = max(0, maxExtraPages)
        self.dedupeCapacity = max(100, dedupeCapacity)
        self.userAgent = userAgent
    }

    /// Defaults per trading mode (`simulate`, `mock`, `live`). DART has no mock host, so `mock` and `live` both
    /// read the real service with a key from `DART_API_KEY`; `simulate` points at the simulator, whose port the
    /// lead fills in once it listens (`http://127.0.0.1:<port>/api/`).
    public static func defaults(for mode: String) -> DARTConfiguration {
        switch mode.lowercased() {
        case "simulate":
            DARTConfiguration(baseURL: "http://127.0.0.1:0/api/", apiKey: simulatorAPIKey)
        default:
            DARTConfiguration(baseURL: "https://opendart.fss.or.kr/api/", apiKey: "")
        }
    }

    /// The schedule these values give.
    public var hours: DARTMarketHours {
        if pollAroundTheClock { return .always }
        return DARTMarketHours(openHour: marketOpenHour, closeHour: marketCloseHour, weekends: weekendInterval.map { .slow(every: $0) } ?? .skipped)
    }

    /// Requests per day the poller may spend: the budget minus the reserved share.
    public var pollBudget: Int { max(1, Int((Double(dailyBudget) * (1 - reservedShare)).rounded(.down))) }

    /// The configuration with the key redacted.
    public var description: String {
        "DARTConfiguration(baseURL: \(baseURL), apiKey: \(apiKey.isEmpty ? "<missing>" : "<redacted>"), dailyBudget: \(dailyBudget), "
            + "reservedShare: \(reservedShare), hours: \(hours))"
    }
}
