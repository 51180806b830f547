import Foundation
import SokboCore

/// How a replayed order fills against minute candles: the documented, conservative fill model.
///
/// - An order sent at `t` reaches the market at `t + latency`.
/// - Within a minute candle the price path is unknown, so the adverse path is assumed: for a buy
///   open → high → low → close, for a sell open → low → high → close. An order arriving inside a minute
///   (not on its first second) starts at the adverse extreme: it cannot prove it came before it.
/// - A market order fills at the first point of that path; a limit order at the first point at or better
///   than its limit, or at the limit itself when the path crosses it.
/// - The fill is then moved `slippageTicks` ticks against the order on the KRX grid, never past its limit
///   nor the day's price limits.
/// - An order the path never reaches by the day's last candle expires unfilled (KRX day orders).
public struct FillModel: Sendable, Hashable, Codable {
    /// Delay from the order leaving the engine to it reaching the market.
    public var latencyMilliseconds: Int
    /// Ticks of slippage against every fill.
    public var slippageTicks: Int

    /// Creates a fill model.
    public init(latencyMilliseconds: Int = 0, slippageTicks: Int = 0) {
        self.latencyMilliseconds = latencyMilliseconds
        self.slippageTicks = slippageTicks
    }

    /// A fill: the price and the instant it happened.
    public struct Fill: Sendable, Hashable {
        /// Price, won, on the tick grid.
        public var price: Int
        /// When it filled.
        public var at: Date
    }

    /// Where an order sent at `sentAt` fills among `candles` (oldest first, one minute each); nil when it never does.
    public func fill(side: OrderSide, limit: Int?, sentAt: Date, candles: [Candle], limits: DailyLimits?) -> Fill? {
        let arrival = sentAt.addingTimeInterval(Double(latencyMilliseconds) / 1000)
        guard let first = candles.firstIndex(where: { $0.time.addingTimeInterval(60) > arrival }) else { return nil }
        for index in first..<candles.count {
            let candle = candles[index]
            let at = max(arrival, candle.time)
            let adverse = side == .buy ? candle.high : candle.low
            let favourable = side == .buy ? candle.low : candle.high
            // Arriving inside the minute: the adverse extreme may already have been printed first.
            let path = at > candle.time ? [adverse, favourable, candle.close] : [candle.open, adverse, favourable, candle.close]
            if let price = firstReachable(side: side, limit: limit, path: path) {
                return Fill(price: slip(price, side: side, limit: limit, limits: limits), at: at)
            }
        }
        return nil
    }

    /// The first price on `path` an order can take: any for a market order; for a limit order the first
    /// point at or better than the limit, or the limit where the path crosses it between two points.
    func firstReachable(side: OrderSide, limit: Int?, path: [Int]) -> Int? {
        guard let limit else { return path.first }
        func acceptable(_ p: Int) -> Bool { side == .buy ? p <= limit : p >= limit }
        var previous: Int?
        for point in path {
            if acceptable(point) {
                // Reached from an unacceptable price: the path passed through the limit itself on the way.
                return previous == nil ? point : limit
            }
            previous = point
        }
        return nil
    }

    /// Moves a price `slippageTicks` against the order, within its limit and the day's limits.
    func slip(_ price: Int, side: OrderSide, limit: Int?, limits: DailyLimits?) -> Int {
        guard slippageTicks > 0 else { return price }
        switch side {
        case .buy:
            var slipped = KRXTick.up(from: price, ticks: slippageTicks)
            if let limit { slipped = min(slipped, max(price, limit)) }
            if let upper = limits?.upper { slipped = min(slipped, max(price, upper)) }
            return slipped
        case .sell:
            var slipped = KRXTick.down(from: price, ticks: slippageTicks)
            if let limit { slipped = max(slipped, min(price, limit)) }
            if let lower = limits?.lower { slipped = max(slipped, min(price, lower)) }
            return slipped
        }
    }
}
