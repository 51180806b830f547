/// Why a position is (or would be) sold.
public enum ExitReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The hard stop: the net return fell to `-stop-loss-percent`.
    case stopLoss = "stop-loss"
    /// The trailing stop: after activation, the bid fell `trail-percent` below its highest since entry.
    case trailingStop = "trailing-stop"
    /// The net return reached `take-profit-percent`.
    case takeProfit = "take-profit"
    /// The `roi` table's minimum return for the minutes held was reached, or a negative entry forced it.
    case roi
    /// Held `max-hold-minutes`.
    case timeLimit = "time-limit"
    /// The end-of-day flatten time passed (`SOKBO_FLATTEN_AT`).
    case endOfDay = "end-of-day"
    /// A person closed this position (`POST /api/positions/{ticker}/close`).
    case manual
    /// A person flattened every position (`POST /api/trading/flatten`).
    case flattenAll = "flatten-all"
}

/// One row of a rule's `roi` table: from `minutes` held on, exit once the net return reaches
/// `minimumReturnPercent`; a negative value forces the exit at that minute (freqtrade's `minimal_roi`).
public struct ROIStep: Sendable, Hashable, Codable {
    /// Minutes since the entry filled.
    public var minutes: Int
    /// The net return, in percent, that is enough from then on; negative: exit whatever the return.
    public var minimumReturnPercent: Double

    /// Creates a step.
    public init(minutes: Int, minimumReturnPercent: Double) {
        self.minutes = minutes
        self.minimumReturnPercent = minimumReturnPercent
    }
}

/// How a rule's positions are left. Every threshold is optional; what is nil never fires.
///
/// Defaults are short, for news entries (most of a headline's reaction comes in the first minutes, some
/// drift to ~10 minutes, then partial reversal): a 3 % stop, a 2 % trail once up 4 %, a 10 % take-profit,
/// 30 minutes at most, and flat before the closing auction.
public struct ExitPolicy: Sendable, Hashable, Codable {
    /// Sell once the net return reaches this (percent, positive).
    public var takeProfitPercent: Double?
    /// Sell once the net return falls to minus this (percent, positive: 3 means -3 %).
    public var stopLossPercent: Double?
    /// Trail distance below the highest bid since entry (percent, positive).
    public var trailPercent: Double?
    /// The net return that activates the trail (percent; nil or 0: active from the entry).
    public var trailActivationPercent: Double?
    /// Minutes held → minimum net return (see `ROIStep`); empty: off.
    public var roi: [ROIStep]
    /// Sell after this many minutes held.
    public var maxHoldMinutes: Int?
    /// Sell at the end-of-day flatten time (false: a multi-day hold).
    public var flattenAtClose: Bool
    /// Leave the take-profit at the venue as a resting limit sell once the entry is done, rather than sell
    /// at market when a tick reaches it (`take-profit-resting`): it fills at the venue without waiting for a
    /// tick to reach Sokbo, and keeps its place in the queue; a stop cancels it before selling.
    public var restingTakeProfit: Bool

    /// Creates a policy; the arguments' defaults are the documented defaults.
    public init(takeProfitPercent: Double? = 10, stopLossPercent: Double? = 3, trailPercent: Double? = 2,
                trailActivationPercent: Double? = 4, roi: [ROIStep] = [], maxHoldMinutes: Int? = 30,
                flattenAtClose: Bool = true, restingTakeProfit: Bool = false) {
        self.takeProfitPercent = takeProfitPercent
        self.stopLossPercent = stopLossPercent
        self.trailPercent = trailPercent
        self.trailActivationPercent = trailActivationPercent
        self.roi = roi.sorted { $0.minutes < $1.minutes }
        self.maxHoldMinutes = maxHoldMinutes
        self.flattenAtClose = flattenAtClose
        self.restingTakeProfit = restingTakeProfit && takeProfitPercent != nil
    }

    /// The lowest price on the tick grid at which selling reaches the take-profit's net return, or nil
    /// without a take-profit. Fees and tax are counted, as the tick-driven take-profit counts them.
    public func takeProfitPrice(averageCost: Double, costs: TradingCosts) -> Int? {
        guard let target = takeProfitPercent, averageCost > 0 else { return nil }
        // The gross price before costs, then up the grid until the net return is reached (a few ticks at most).
        var price = KRXTick.roundUp(Int((averageCost * (1 + target / 100)).rounded(.up)))
        for _ in 0..<1_000 where costs.netReturnPercent(averageCost: averageCost, price: Double(price)) < target {
            price = KRXTick.up(from: price)
        }
        return price
    }

    /// A policy with every exit off but the end-of-day flatten (tests start from it).
    public static let none = ExitPolicy(takeProfitPercent: nil, stopLossPercent: nil, trailPercent: nil,
                                        trailActivationPercent: nil, roi: [], maxHoldMinutes: nil, flattenAtClose: false)

    /// The `roi` step in force after `minutes` held: the one with the largest `minutes` not past them.
    public func roiStep(afterMinutes minutes: Double) -> ROIStep? {
        roi.last { Double($0.minutes) <= minutes }
    }
}
