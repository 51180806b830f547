import Foundation

/// What the exit rules say about a position at one tick.
public enum ExitDecision: Sendable, Hashable {
    /// Nothing fires.
    case hold
    /// Sell the position, for this reason.
    case exit(ExitReason)
    /// An exit fired but the stock is halted (VI, 거래정지): nothing is sent into the halt; the next tick
    /// after it lifts decides again.
    case waitHalted(ExitReason)
}

/// Decides, one tick at a time, whether a position's exit rules fire. A value type with no clock of its
/// own: the caller passes each tick's time, so tests drive it event by event.
///
/// ## Evaluation order (when several fire on the same tick)
/// 1. stop-loss, 2. trailing stop, 3. take-profit, 4. `roi`, 5. time limit, 6. end-of-day.
/// Every exit sells the whole remaining quantity, so the order decides only the reason recorded (and so
/// the per-reason statistics): protective exits first, as freqtrade does (stoploss before ROI), so a
/// tick that is both a stop and a time exit is counted as the loss it was.
public struct ExitTracker: Sendable, Hashable {
    /// The rule's exits.
    public let policy: ExitPolicy
    /// Costs, for net returns.
    public let costs: TradingCosts
    /// Average cost per share of what is held.
    public private(set) var averageCost: Double
    /// When the entry (first) filled; minutes held count from here.
    public let enteredAt: Date
    /// The highest bid seen since entry.
    public private(set) var highestBid: Int?
    /// Whether the trailing stop has been activated.
    public private(set) var trailActive: Bool

    /// Starts tracking a position entered at `enteredAt` at `averageCost`.
    public init(policy: ExitPolicy, costs: TradingCosts = TradingCosts(), averageCost: Double, enteredAt: Date) {
        self.policy = policy
        self.costs = costs
        self.averageCost = averageCost
        self.enteredAt = enteredAt
        self.highestBid = nil
        self.trailActive = policy.trailPercent != nil && (policy.trailActivationPercent ?? 0) <= 0
    }

    /// A later fill changed the average cost (a partly filled entry filling further).
    public mutating func updateAverageCost(_ cost: Double) { averageCost = cost }

    /// The net return in percent of selling at `bid` now.
    public func netReturnPercent(bid: Int) -> Double { costs.netReturnPercent(averageCost: averageCost, price: Double(bid)) }

    /// Observes one tick: `bid` is what a sell would get now (best bid, else the last price); `flattenAt`
    /// is today's end-of-day flatten instant (nil: none today).
    public mutating func observe(bid: Int, at now: Date, halted: Bool = false, flattenAt: Date? = nil) -> ExitDecision {
        if bid > (highestBid ?? Int.min) { highestBid = bid }
        if let trail = policy.trailPercent, trail > 0, !trailActive, let highestBid,
           netReturnPercent(bid: highestBid) >= (policy.trailActivationPercent ?? 0) {
            trailActive = true
        }
        guard let reason = firedReason(bid: bid, now: now, flattenAt: flattenAt) else { return .hold }
        return halted ? .waitHalted(reason) : .exit(reason)
    }

    /// The exits that fire with the clock alone (a forcing `roi` step, the time limit, the close), for a
    /// position with no price yet: the same order as `observe`, the price-based exits left out.
    public func clockExit(at now: Date, flattenAt: Date? = nil) -> ExitReason? {
        let minutesHeld = now.timeIntervalSince(enteredAt) / 60
        if let step = policy.roiStep(afterMinutes: minutesHeld), step.minimumReturnPercent < 0 { return .roi }
        if let maxHold = policy.maxHoldMinutes, minutesHeld >= Double(maxHold) { return .timeLimit }
        if policy.flattenAtClose, let flattenAt, now >= flattenAt { return .endOfDay }
        return nil
    }

    /// The first exit that fires in the documented order, if any.
    private func firedReason(bid: Int, now: Date, flattenAt: Date?) -> ExitReason? {
        let netReturn = netReturnPercent(bid: bid)
        let minutesHeld = now.timeIntervalSince(enteredAt) / 60
        if let stop = policy.stopLossPercent, netReturn <= -stop { return .stopLoss }
        if trailActive, let trail = policy.trailPercent, let highestBid,
           Double(bid) <= Double(highestBid) * (1 - trail / 100) {
            return .trailingStop
        }
        if let target = policy.takeProfitPercent, netReturn >= target { return .takeProfit }
        if let step = policy.roiStep(afterMinutes: minutesHeld),
           step.minimumReturnPercent < 0 || netReturn >= step.minimumReturnPercent {
            return .roi
        }
        if let maxHold = policy.maxHoldMinutes, minutesHeld >= Double(maxHold) { return .timeLimit }
        if policy.flattenAtClose, let flattenAt, now >= flattenAt { return .endOfDay }
        return nil
    }
}
