/// The KRX price grid (호가가격단위) and daily price limits (가격제한폭), as in force since 2023-01-25,
/// when KOSPI and KOSDAQ were unified on one table. Prices are integer won.
public enum KRXTick {
    /// The bands: a price at or above `floor` moves in steps of `tick` (until the next band).
    public static let bands: [(floor: Int, tick: Int)] = [
        (0, 1), (2_000, 5), (5_000, 10), (20_000, 50), (50_000, 100), (200_000, 500), (500_000, 1_000),
    ]

    /// The daily limit as a fraction of the base price: ±30 %.
    public static let dailyLimitPercent = 30

    /// The tick size of the band `price` lies in.
    public static func size(at price: Int) -> Int {
        var tick = 1
        for band in bands where price >= band.floor { tick = band.tick }
        return tick
    }

    /// True when `price` is positive and a multiple of its band's tick.
    public static func isOnGrid(_ price: Int) -> Bool {
        price > 0 && price % size(at: price) == 0
    }

    /// The largest grid price at or below `price` (nil below 1 won).
    public static func roundDown(_ price: Int) -> Int? {
        guard price >= 1 else { return nil }
        let tick = size(at: price)
        return price - price % tick
    }

    /// The smallest grid price at or above `price` (1 for anything below 1).
    public static func roundUp(_ price: Int) -> Int {
        guard price >= 1 else { return 1 }
        let tick = size(at: price)
        let rem = price % tick
        guard rem != 0 else { return price }
        // Rounding up can cross into the next band, whose floor is always on its own grid.
        return price - rem + tick
    }

    /// The next grid price above `price`.
    public static func up(from price: Int, ticks: Int = 1) -> Int {
        var p = roundUp(price)
        for _ in 0..<ticks { p = roundUp(p + 1) }
        return p
    }

    /// The next grid price below `price` (never below 1).
    public static func down(from price: Int, ticks: Int = 1) -> Int {
        var p = roundDown(price) ?? 1
        for _ in 0..<ticks { p = roundDown(p - 1) ?? 1 }
        return p
    }

    /// The upper and lower limit prices for a base price (기준가격).
    ///
    /// KRX rule: the limit width is 30 % of the base price, truncated to the base price's tick; the upper
    /// limit is then truncated and the lower limit raised to the grid of the band each lands in.
    /// Example: base 169,100 → width 50,700 → upper 219,800 → 219,500 (tick 500); lower 118,400.
    public static func dailyLimits(basePrice: Int) -> DailyLimits? {
        guard basePrice > 0 else { return nil }
        let baseTick = size(at: basePrice)
        let width = basePrice * dailyLimitPercent / 100 / baseTick * baseTick
        let upper = roundDown(basePrice + width) ?? basePrice
        let lower = max(1, roundUp(basePrice - width))
        return DailyLimits(upper: upper, lower: lower)
    }
}

/// The day's upper (상한가) and lower (하한가) limit prices.
public struct DailyLimits: Hashable, Sendable, Codable {
    /// 상한가.
    public var upper: Int
    /// 하한가.
    public var lower: Int

    /// Creates limits.
    public init(upper: Int, lower: Int) {
        self.upper = upper
        self.lower = lower
    }

    /// True when `price` lies within the limits (inclusive).
    public func contains(_ price: Int) -> Bool { price >= lower && price <= upper }
}
