import Foundation
import SokboCore

/// Moves made by hand (the standalone simulator's control endpoint), as opposed to the market's own walk.
extension KiwoomMarket {
    /// Sets a stock's last price (rounded down to the tick grid, within its daily limits), ends any news
    /// impulse in progress (its drift would move the price away again), and fills resting orders the new
    /// book crosses. Returns the price set; nil for a code outside the universe.
    mutating func setPrice(_ code: String, _ price: Int, at now: Date) -> Int? {
        guard var q = quotes[code] else { return nil }
        let p = Self.clampToGrid(price, limits: q.limits)
        if p != q.price {
            q.price = p
            q.consumed = [:]
        }
        q.impulse = nil
        q.high = max(q.high, p)
        q.low = min(q.low, p)
        quotes[code] = q
        matchResting(code, time: SimFormat.time(now))
        return p
    }
}
