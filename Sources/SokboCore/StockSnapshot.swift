import Foundation

/// Everything a trading decision reads about one stock at one moment, assembled from the venue's
/// basic-info, margin-rate and order-book calls. Parts that could not be fetched are listed in `missing`.
public struct StockSnapshot: Sendable, Codable, Hashable {
    /// A part of the snapshot that may be absent when its call failed.
    public enum Part: String, Sendable, Codable, Hashable, CaseIterable {
        /// The ten-level order book.
        case orderBook
        /// The per-stock margin rate.
        case marginRate
        /// The trading-halt status.
        case haltStatus
    }

    /// The stock.
    public var ticker: Ticker
    /// The Korean name (e.g. 삼성전자).
    public var name: String
    /// The last traded price, won.
    public var price: Int
    /// The base price (기준가, usually the previous close), won.
    public var basePrice: Int
    /// Change against the base price, won (signed).
    public var change: Int
    /// Change against the base price, percent (signed).
    public var changePercent: Double
    /// Today's open, high and low (nil before the first trade).
    public var open: Int?
    /// Today's high.
    public var high: Int?
    /// Today's low.
    public var low: Int?
    /// Shares traded today.
    public var volume: Int
    /// The day's limit prices.
    public var limits: DailyLimits
    /// True when trading is halted (거래정지); nil when the status is missing.
    public var halted: Bool?
    /// The stock's margin rate in percent (20, 30, 40, 50, 60 or 100); nil when missing.
    public var marginRatePercent: Int?
    /// The order book; nil when missing.
    public var book: OrderBook?
    /// The parts that could not be fetched.
    public var missing: Set<Part>
    /// When the snapshot was assembled (for a realtime snapshot: when its live quote last changed).
    public var asOf: Date
    /// Where the price and book came from.
    public var source: Source

    /// Where a snapshot's price and book came from.
    public enum Source: String, Sendable, Codable, Hashable {
        /// Concurrent REST queries (one round trip).
        case rest
        /// The live quote kept by the venue's realtime feed, with the day's reference (limits, base price,
        /// margin rate, halt state) from an earlier REST snapshot: no round trip.
        case realtime
    }

    /// Creates a snapshot.
    public init(ticker: Ticker, name: String, price: Int, basePrice: Int, change: Int, changePercent: Double,
                open: Int?, high: Int?, low: Int?, volume: Int, limits: DailyLimits, halted: Bool?,
                marginRatePercent: Int?, book: OrderBook?, missing: Set<Part>, asOf: Date, source: Source = .rest) {
        self.ticker = ticker
        self.name = name
        self.price = price
        self.basePrice = basePrice
        self.change = change
        self.changePercent = changePercent
        self.open = open
        self.high = high
        self.low = low
        self.volume = volume
        self.limits = limits
        self.halted = halted
        self.marginRatePercent = marginRatePercent
        self.book = book
        self.missing = missing
        self.asOf = asOf
        self.source = source
    }
}

/// A price level of the book.
public struct BookLevel: Sendable, Codable, Hashable {
    /// Price, won.
    public var price: Int
    /// Resting quantity, shares.
    public var quantity: Int

    /// Creates a level.
    public init(price: Int, quantity: Int) {
        self.price = price
        self.quantity = quantity
    }
}

/// A ten-level order book: asks from the best (lowest) up, bids from the best (highest) down.
public struct OrderBook: Sendable, Codable, Hashable {
    /// Ask levels, best first; empty levels are left out.
    public var asks: [BookLevel]
    /// Bid levels, best first; empty levels are left out.
    public var bids: [BookLevel]
    /// Total resting ask quantity.
    public var totalAskQuantity: Int
    /// Total resting bid quantity.
    public var totalBidQuantity: Int
    /// The venue's book time, `HHMMSS` KST, when given.
    public var time: String?

    /// Creates a book.
    public init(asks: [BookLevel], bids: [BookLevel], totalAskQuantity: Int, totalBidQuantity: Int, time: String?) {
        self.asks = asks
        self.bids = bids
        self.totalAskQuantity = totalAskQuantity
        self.totalBidQuantity = totalBidQuantity
        self.time = time
    }
}
