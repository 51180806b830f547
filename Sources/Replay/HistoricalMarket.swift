import Foundation
import SokboCore

/// One KST day's market as recorded: each stock's minute candles and day reference. What the replay
/// broker reads, always through an instant, so nothing after that instant is visible.
public struct HistoricalMarket: Sendable {
    /// `YYYYMMDD`.
    public let day: String
    private var stocks: [Ticker: DayCandles] = [:]

    /// An empty market for `day`.
    public init(day: String) { self.day = day }

    /// Adds (or replaces) one stock's candles.
    public mutating func add(_ candles: DayCandles) {
        // Through the initializer, which puts the candles in time order (a decoded record may not be).
        stocks[candles.ticker] = DayCandles(day: candles.day, ticker: candles.ticker, reference: candles.reference,
                                            candles: candles.candles, fetchedAt: candles.fetchedAt)
    }

    /// The recorded candles of a stock, when there are any.
    public func candles(_ ticker: Ticker) -> DayCandles? {
        guard let recorded = stocks[ticker], !recorded.candles.isEmpty else { return nil }
        return recorded
    }

    /// Why a stock cannot be replayed today: nil when it can.
    public func missing(_ ticker: Ticker) -> String? {
        guard let recorded = stocks[ticker], !recorded.candles.isEmpty else { return "no recorded minute candles for \(ticker) on \(day)" }
        if recorded.reference == nil { return "no recorded day reference (base price, limits) for \(ticker) on \(day)" }
        return nil
    }

    /// The snapshot an entry would have read at `at`: built from the candles that closed before `at` and
    /// the open of the minute under way, never from anything later. Throws `notFound` when not recorded.
    public func snapshot(_ ticker: Ticker, at: Date) throws -> StockSnapshot {
        if let reason = missing(ticker) { throw BrokerError(.notFound, code: "replay-missing", message: reason) }
        let recorded = stocks[ticker]!
        let reference = recorded.reference!
        var open: Int?, high: Int?, low: Int?, price: Int?
        var volume = 0
        for candle in recorded.candles {
            guard candle.time <= at else { break }
            if open == nil { open = candle.open }
            if candle.time.addingTimeInterval(60) <= at {
                // Closed before `at`: all of it is history.
                high = max(high ?? candle.high, candle.high)
                low = min(low ?? candle.low, candle.low)
                volume += candle.volume
                price = candle.close
            } else {
                // The minute under way: only its open is known yet.
                high = max(high ?? candle.open, candle.open)
                low = min(low ?? candle.open, candle.open)
                price = candle.open
            }
        }
        guard let price else {
            throw BrokerError(.notFound, code: "replay-before-open", message: "no trade of \(ticker) before \(KST.timeString(at)) on \(day)")
        }
        let limits = DailyLimits(upper: reference.upperLimit, lower: reference.lowerLimit)
        // The book around the last trade: the ask is the trade's price on the grid, the bid one tick below.
        let ask = min(KRXTick.roundUp(price), limits.upper)
        let bid = max(KRXTick.down(from: ask), limits.lower)
        let book = OrderBook(asks: [BookLevel(price: ask, quantity: 0)], bids: [BookLevel(price: bid, quantity: 0)],
                             totalAskQuantity: 0, totalBidQuantity: 0, time: KST.timeString(at))
        let change = price - reference.basePrice
        let percent = reference.basePrice > 0 ? Double(change) / Double(reference.basePrice) * 100 : 0
        return StockSnapshot(ticker: ticker, name: reference.name, price: price, basePrice: reference.basePrice, change: change,
                             changePercent: percent, open: open, high: high, low: low, volume: volume, limits: limits,
                             halted: false, marginRatePercent: reference.marginRatePercent, book: book, missing: [], asOf: at)
    }
}
