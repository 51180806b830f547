import Configuration
import DART
import Foundation
import Kiwoom
import LSNews
import Simulator
import SokboCore

/// The venues' settings, read from their own scopes on top of the per-mode defaults.
///
/// | key (env)                 | meaning |
/// |---------------------------|---------|
/// | `LS_BASE_URL`             | LS REST base (token, t3102) |
/// | `LS_WS_URL`               | LS WebSocket URL |
/// | `LS_APPKEY` (secret)      | LS app key |
/// | `LS_APPSECRETKEY` (secret)| LS app secret |
/// | `LS_PING_INTERVAL_MS`     | WebSocket ping period (default 20000); a ping unanswered by the next one replaces the socket; silence never does |
/// | `KIWOOM_BASE_URL`         | Kiwoom REST base (`https://api.kiwoom.com`, mock `https://mockapi.kiwoom.com`) |
/// | `KIWOOM_APPKEY` (secret)  | Kiwoom app key |
/// | `KIWOOM_SECRETKEY` (secret)| Kiwoom secret key |
/// | `KIWOOM_QUERIES_PER_SECOND`, `KIWOOM_QUERIES_BURST` | all queries together (default 5/s, burst 3: terms 조회 5/s; mock 1/s, burst 1: terms, mock host) |
/// | `KIWOOM_ORDERS_PER_SECOND`, `KIWOOM_ORDERS_BURST`   | all orders together (default 5/s, burst 3: terms 주문 5/s) |
/// | `KIWOOM_API_ID_PER_SECOND`, `KIWOOM_API_ID_BURST`   | each api-id on its own, on top of its category (default 1/s, burst 1: measured ≈1/s, burst ≈2) |
/// | `KIWOOM_MAX_WAIT_MS`        | longest a trading query or order waits for its slot, else refused unsent (default 10000) |
/// | `KIWOOM_LOOKUP_MAX_WAIT_MS` | longest an HTTP lookup waits, else Sokbo answers 429 with `Retry-After` (default 2000) |
/// | `KIWOOM_RATE_LIMIT_BACKOFF_MS` | pause of a bucket after a 429 without `Retry-After`, doubled per 429 in a row (default 1000) |
/// | `KIWOOM_ORDER_TIMEOUT_MS`   | longest an order waits for its reply; past it the order is `unknown`, never re-sent (default 10000) |
/// | `KIWOOM_WS_URL`           | Kiwoom realtime WebSocket (`wss://api.kiwoom.com:10000/api/dostk/websocket`) |
/// | `KIWOOM_REALTIME_WATCHLIST` | codes to watch live (`005930,000660`), or `none`; watched stocks are sized from the live book, without a round trip (default: none; simulate mode: the simulated universe) |
/// | `DART_BASE_URL`           | Open DART API base |
/// | `DART_API_KEY` (secret)   | Open DART key (40 characters) |
/// | `DART_MARKET_OPEN_HOUR`   | polling starts, KST (default 8) |
/// | `DART_MARKET_CLOSE_HOUR`  | polling stops, KST (default 20: filings run to ≈19:00, dart.md §3.4) |
/// | `DART_WEEKEND_INTERVAL_S` | weekend cadence in the same hours (default 900; 0 = weekends not polled) |
/// | `DART_BACKFILL_MAX_DAYS`  | how far back a day's first poll sweeps (default 14, at most 89) |
/// | `DART_HOURS`              | `venue` (default, simulate mode too) or `always` (around the clock, every day) |
/// | `SOKBO_SIMULATOR_SEED`    | the simulator's random seed |
/// | `SOKBO_SIMULATOR_NEWS_PER_SECOND` | the simulated NWS rate |
/// | `SOKBO_SIMULATOR_CASH`    | the simulated account's starting cash (KRW, default 100,000,000) |
/// | `SOKBO_SIMULATOR_URL`     | a standalone simulator's control endpoint (`sokbo simulator`): use its venues instead of embedding them |
/// | `SOKBO_SIMULATOR_KIWOOM_TOKEN_SECONDS` | lifetime of the simulated Kiwoom token (`expires_dt` = issue + this; default 86400, kiwoom-rest.md §10) |
///
/// In `simulate` mode URLs and keys default to the built-in simulator, on ports it picks when it starts; with
/// `SOKBO_SIMULATOR_URL`, to the standalone simulator's, read from its `GET /status`.
struct VenueSettings: Sendable {
    var ls: LSConfiguration
    var kiwoom: KiwoomConfiguration
    var kiwoomRealtime: KiwoomRealtimeSettings
    var dart: DARTConfiguration
    var simulator: SimulatorSettings?

    /// The realtime feed: where, and which stocks (empty: only the account's pushes and the positions' stocks).
    struct KiwoomRealtimeSettings: Sendable {
        var webSocketURL: String
        var watchlist: [Ticker]
        /// How long the realtime feed stays away after `R10001` (another session took the appkey).
        var evictionBackoff: Duration
    }

    struct SimulatorSettings: Sendable {
        /// A standalone simulator's control endpoint; nil: the simulator is embedded.
        ///
        /// Why a key of simulate mode rather than mock mode with the venues' URLs: simulate mode keeps its
        /// defaults (the simulator's keys, the entry window `always`, the simulated universe watched, no mock-host
        /// pacing of 1 query/s), `/api/status` still says `simulate`, and one URL replaces five.
        var externalURL: String?
        var seed: UInt64
        var newsPerSecond: Double
        var startingCash: Int
        var kiwoomTokenLifetime: Duration
    }

    init(reader: ConfigReader, mode: TradingMode) throws(SettingsError) {
        var simulator: SimulatorSettings?
        if mode == .simulate {
            let config = reader.settingsScope("sokbo.simulator")
            simulator = SimulatorSettings(
                externalURL: try config.parse("url", default: String?.none) { raw -> String?? in Self.httpURL(raw).map { .some($0) } },
                seed: try config.parse("seed", default: UInt64(UInt32.random(in: 1...UInt32.max))) { UInt64($0) },
                newsPerSecond: try config.parse("news.per.second", default: 0.5) { Double($0).flatMap { $0 > 0 && $0 <= 10_000 ? $0 : nil } },
                startingCash: try config.parse("cash", default: 100_000_000) { Int($0).flatMap { $0 >= 0 ? $0 : nil } },
                kiwoomTokenLifetime: .seconds(try config.parse("kiwoom.token.seconds", default: 86_400) {
                    Int($0).flatMap { (1...604_800).contains($0) ? $0 : nil }
                }))
        } else if let url = reader.settingsScope("sokbo.simulator").string(forKey: "url"), !url.isEmpty {
            throw SettingsError(key: "sokbo.simulator.url", message: "a simulator is used in simulate mode only (SOKBO_MODE=simulate), not in \(mode.rawValue)")
        }
        self.simulator = simulator

        // In simulate mode the URLs point at the simulator, which binds a free port when it runs; the app
        // sets resolvers that wait for it.
        var ls = LSConfiguration.defaults(for: mode.rawValue)
        let lsConfig = reader.settingsScope("ls")
        ls.baseURL = try lsConfig.parse("base.url", default: ls.baseURL, Self.httpURL)
        ls.webSocketURL = try lsConfig.parse("ws.url", default: ls.webSocketURL, Self.webSocketURL)
        ls.appKey = lsConfig.string(forKey: "appkey", isSecret: true) ?? ls.appKey
        ls.appSecret = lsConfig.string(forKey: "appsecretkey", isSecret: true) ?? ls.appSecret
        let pingMs = try lsConfig.parse("ping.interval.ms", default: Int(ls.pingInterval.milliseconds)) { Int($0).flatMap { $0 >= 100 ? $0 : nil } }
        ls.pingInterval = .milliseconds(pingMs)
        if mode != .simulate, ls.appKey.isEmpty || ls.appSecret.isEmpty {
            throw SettingsError(key: "ls.appkey", message: "\(mode.rawValue) mode needs LS_APPKEY and LS_APPSECRETKEY")
        }
        self.ls = ls

        var kiwoom = KiwoomConfiguration.defaults(for: mode.rawValue)
        let kiwoomConfig = reader.settingsScope("kiwoom")
        kiwoom.baseURL = try kiwoomConfig.parse("base.url", default: kiwoom.baseURL, Self.httpURL)
        kiwoom.appKey = kiwoomConfig.string(forKey: "appkey", isSecret: true) ?? kiwoom.appKey
        kiwoom.secretKey = kiwoomConfig.string(forKey: "secretkey", isSecret: true) ?? kiwoom.secretKey
        kiwoom.orderTimeout = .milliseconds(try kiwoomConfig.parse("order.timeout.ms", default: Int(kiwoom.orderTimeout.milliseconds)) {
            Int($0).flatMap { $0 >= 100 && $0 <= 3_600_000 ? $0 : nil }
        })
        // Pacing (defaults and their sources on `KiwoomRateLimits`).
        var limits = kiwoom.rateLimits
        let rate: (String) -> Double? = { Double($0).flatMap { $0 > 0 && $0 <= 1_000_000 ? $0 : nil } }
        let burst: (String) -> Int? = { Int($0).flatMap { $0 >= 1 && $0 <= 1_000_000 ? $0 : nil } }
        let millis: (String) -> Int? = { Int($0).flatMap { $0 >= 0 && $0 <= 3_600_000 ? $0 : nil } }
        limits.queries = .init(perSecond: try kiwoomConfig.parse("queries.per.second", default: limits.queries.perSecond, rate),
                               burst: try kiwoomConfig.parse("queries.burst", default: limits.queries.burst, burst))
        limits.orders = .init(perSecond: try kiwoomConfig.parse("orders.per.second", default: limits.orders.perSecond, rate),
                              burst: try kiwoomConfig.parse("orders.burst", default: limits.orders.burst, burst))
        let apiID = limits.perAPIID ?? .init(perSecond: 1, burst: 1)
        limits.perAPIID = .init(perSecond: try kiwoomConfig.parse("api.id.per.second", default: apiID.perSecond, rate),
                                burst: try kiwoomConfig.parse("api.id.burst", default: apiID.burst, burst))
        limits.maxWait = .milliseconds(try kiwoomConfig.parse("max.wait.ms", default: Int(limits.maxWait.milliseconds), millis))
        limits.lookupMaxWait = .milliseconds(try kiwoomConfig.parse("lookup.max.wait.ms", default: Int(limits.lookupMaxWait.milliseconds), millis))
        limits.backoff = .milliseconds(try kiwoomConfig.parse("rate.limit.backoff.ms", default: Int(limits.backoff.milliseconds), millis))
        kiwoom.rateLimits = limits
        if mode != .simulate, kiwoom.appKey.isEmpty || kiwoom.secretKey.isEmpty {
            throw SettingsError(key: "kiwoom.appkey", message: "\(mode.rawValue) mode needs KIWOOM_APPKEY and KIWOOM_SECRETKEY")
        }
        self.kiwoom = kiwoom
        let defaultWebSocket = switch mode {
        case .live: "wss://api.kiwoom.com:10000/api/dostk/websocket"
        case .mock: "wss://mockapi.kiwoom.com:10000/api/dostk/websocket"
        case .simulate: "ws://127.0.0.1/api/dostk/websocket"
        }
        // Simulate mode watches the simulated universe; live and mock watch nothing until told (the venue's
        // registration limits are undocumented, and which stocks matter is the user's call).
        let defaultWatchlist = mode == .simulate ? KiwoomSimulator.universe.map(\.code).joined(separator: ",") : "none"
        self.kiwoomRealtime = KiwoomRealtimeSettings(
            webSocketURL: try kiwoomConfig.parse("ws.url", default: defaultWebSocket, Self.webSocketURL),
            watchlist: try kiwoomConfig.parse("realtime.watchlist", default: Self.watchlist(defaultWatchlist) ?? [], Self.watchlist),
            evictionBackoff: .seconds(try kiwoomConfig.parse("realtime.eviction.backoff.seconds", default: 300) { Int($0).flatMap { (1...86_400).contains($0) ? $0 : nil } }))

        var dart = DARTConfiguration.defaults(for: mode.rawValue)
        let dartConfig = reader.settingsScope("dart")
        let base = try dartConfig.parse("base.url", default: dart.baseURL, Self.httpURL)
        dart.baseURL = base.hasSuffix("/") ? base : base + "/"
        dart.apiKey = dartConfig.string(forKey: "api.key", isSecret: true) ?? dart.apiKey
        // The venue's hours in every mode, simulate included: polling around the clock would hide what the
        // live venue's evenings and weekends do to the poller. `always` is an explicit choice.
        dart.marketOpenHour = try dartConfig.parse("market.open.hour", default: dart.marketOpenHour) { Int($0).flatMap { (0...23).contains($0) ? $0 : nil } }
        dart.marketCloseHour = try dartConfig.parse("market.close.hour", default: dart.marketCloseHour) {
            Int($0).flatMap { (1...24).contains($0) ? $0 : nil }
        }
        if dart.marketCloseHour <= dart.marketOpenHour {
            throw SettingsError(key: "dart.market.close.hour", message: "must be later than DART_MARKET_OPEN_HOUR (\(dart.marketOpenHour))")
        }
        let weekendSeconds = try dartConfig.parse("weekend.interval.s", default: Int(dart.weekendInterval?.components.seconds ?? 0)) {
            Int($0).flatMap { $0 >= 0 ? $0 : nil }
        }
        dart.weekendInterval = weekendSeconds == 0 ? nil : .seconds(weekendSeconds)
        dart.backfillMaxDays = try dartConfig.parse("backfill.max.days", default: dart.backfillMaxDays) { Int($0).flatMap { (1...89).contains($0) ? $0 : nil } }
        dart.pollAroundTheClock = try dartConfig.parse("hours", default: "venue") { ["venue", "always"].contains($0.lowercased()) ? $0.lowercased() : nil } == "always"
        self.dart = dart
    }

    static func httpURL(_ raw: String) -> String? {
        guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return nil }
        return raw
    }

    /// `none` (or empty) → no stocks; otherwise comma-separated six-character codes, each valid.
    static func watchlist(_ raw: String) -> [Ticker]? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
        var tickers: [Ticker] = []
        for part in trimmed.split(separator: ",") {
            guard let ticker = Ticker(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            if !tickers.contains(ticker) { tickers.append(ticker) }
        }
        return tickers
    }

    static func webSocketURL(_ raw: String) -> String? {
        guard let url = URL(string: raw), ["ws", "wss"].contains(url.scheme ?? ""), url.host != nil else { return nil }
        return raw
    }
}
