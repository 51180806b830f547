import Foundation
import SokboCore

/// How the Kiwoom simulator behaves. Defaults follow §10 of the venue spec (simulator defaults).
public struct KiwoomSimulatorConfiguration: Sendable {
    /// Which host it imitates: the mock host prefixes rejections with `모의투자`.
    public enum Profile: String, Sendable {
        /// `api.kiwoom.com`.
        case real
        /// `mockapi.kiwoom.com`.
        case mock
    }

    /// A token bucket.
    public typealias Bucket = TokenBucket.Limit

    /// The accepted app key.
    public var appKey: String
    /// The accepted secret key.
    public var secretKey: String
    /// Real or mock host behaviour.
    public var profile: Profile
    /// Seed of the market's random walk, book sizes and token strings.
    public var seed: UInt64
    /// Latency injected before answering, per api-id (`au10001` for the token endpoint).
    public var latency: [String: Duration]
    /// Latency for api-ids not in `latency`.
    public var defaultLatency: Duration
    /// The per-api-id token bucket, 1/s with a burst of 2 as measured (`kiwoom-rest.md` §7; §10 and §11
    /// "Simulator must" 5); nil turns it off.
    public var rateLimit: Bucket?
    /// All query api-ids together, 5/s with a burst of 5 (terms of service: 조회 5/s, §7); nil turns it off.
    public var queryRateLimit: Bucket?
    /// All order api-ids together, 5/s with a burst of 5 (terms of service: 주문 5/s, §7); nil turns it off.
    public var orderRateLimit: Bucket?
    /// Token lifetime (`expires_dt` = issue time + this).
    public var tokenLifetime: Duration
    /// Rows per `ka10081` page.
    public var dailyPageSize: Int
    /// Rows per `ka10080` page.
    public var minutePageSize: Int
    /// Business days of daily history per stock.
    public var historyDays: Int
    /// Refuse orders outside 09:00–15:30 KST on weekdays (RC4057/RC4058). Off by default so the
    /// simulator can be used at any hour.
    public var enforceMarketHours: Bool
    /// Cash the account starts with, won.
    public var startingCash: Int
    /// The wall clock the market-hours check reads (tests pin it).
    public var marketClock: @Sendable () -> Date
    /// How often the realtime socket sends `{"trnm":"PING"}` (the live interval is unknown).
    public var realtimePingInterval: Duration
    /// How often each stock registered on the realtime socket moves on its own (its price walks one
    /// step); nil: only queries and orders move the market. Every change is pushed (`0B`, `0D`).
    public var realtimeMarketStep: Duration?
    /// Chance per step that a stock jumps 3–8 ticks at once instead of walking up to two (default 2 %): the
    /// book then moves through stops rather than past them one tick at a time. Our assumption, not a venue figure.
    public var largeMoveChance: Double = 0.02
    /// Volatility interruptions (VI) started at random per hour, across the stocks the market steps (default 4).
    /// KRX reports dozens of VIs a day across the whole market; a few an hour on a 30-stock universe is our
    /// assumption so exits meet one now and then. 0 turns them off (`startVolatilityInterruption` still works).
    public var viPerHour: Double = 4
    /// How long a VI lasts: 2 minutes, as KRX's dynamic VI (a 2-minute single-price call auction; the random
    /// end of up to 30 s is left out). Orders are taken but not matched meanwhile; `1h` announces start and end.
    public var viDuration: Duration = .seconds(120)
    /// How long a news impulse (`impulse(code:percent:)`) takes to reach its full size (default 5 s).
    public var impulseRise: Duration = .seconds(5)
    /// Half-life of a news impulse's decay once risen (default 2 minutes: most of a disclosure's move is over
    /// within minutes); it is gone after ten half-lives.
    public var impulseHalfLife: Duration = .seconds(120)
    /// Rows per `ka10076` page (the venue's page size is not documented; 100 is our assumption).
    public var fillsPageSize: Int = 100
    /// The mock host's quirk: `ka10076` answers an empty `cntr` list (§9). Off by default, so fills answer.
    public var emptyFillHistory: Bool = false

    /// Creates a configuration.
    public init(appKey: String = "sokbo-simulator-appkey", secretKey: String = "sokbo-simulator-secretkey",
                profile: Profile = .mock, seed: UInt64 = 20_260_101, latency: [String: Duration] = [:],
                defaultLatency: Duration = .zero, rateLimit: Bucket? = Bucket(perSecond: 1, burst: 2),
                queryRateLimit: Bucket? = Bucket(perSecond: 5, burst: 5), orderRateLimit: Bucket? = Bucket(perSecond: 5, burst: 5),
                tokenLifetime: Duration = .seconds(86_400), dailyPageSize: Int = 600, minutePageSize: Int = 900,
                historyDays: Int = 1_000, enforceMarketHours: Bool = false, startingCash: Int = 100_000_000,
                marketClock: @escaping @Sendable () -> Date = Date.init,
                realtimePingInterval: Duration = .seconds(20), realtimeMarketStep: Duration? = .milliseconds(500)) {
        self.appKey = appKey
        self.secretKey = secretKey
        self.profile = profile
        self.seed = seed
        self.latency = latency
        self.defaultLatency = defaultLatency
        self.rateLimit = rateLimit
        self.queryRateLimit = queryRateLimit
        self.orderRateLimit = orderRateLimit
        self.tokenLifetime = tokenLifetime
        self.dailyPageSize = dailyPageSize
        self.minutePageSize = minutePageSize
        self.historyDays = historyDays
        self.enforceMarketHours = enforceMarketHours
        self.startingCash = startingCash
        self.marketClock = marketClock
        self.realtimePingInterval = realtimePingInterval
        self.realtimeMarketStep = realtimeMarketStep
    }
}

/// SplitMix64: small, fast, deterministic for a seed (the simulator's walks, and any seeded run that must repeat).
public struct SimRandom: RandomNumberGenerator, Sendable {
    var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next value of the sequence.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable hash of strings and numbers, for deterministic per-item values.
    static func hash(_ parts: [String], seed: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for part in parts {
            for b in part.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            h = (h ^ 0x2F) &* 0x100_0000_01B3
        }
        var r = SimRandom(seed: h)
        return r.next()
    }
}
