import Foundation

extension OrderPrice {
    /// The limit price, if any.
    public var limitPrice: Int? { if case .limit(let p) = self { p } else { nil } }

    private enum CodingKeys: String, CodingKey {
        case type, value
        /// The keys of the synthesised encoding that stores and journals wrote before: `{"limit":{"_0":39250}}`, `{"market":{}}`.
        case legacyLimit = "limit", legacyMarket = "market"
    }

    private enum LegacyKeys: String, CodingKey {
        case zero = "_0"
    }

    /// Reads `{"type":"limit","value":39250}` or `{"type":"market"}`, and the synthesised form older rows hold.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let type = try container.decodeIfPresent(String.self, forKey: .type) {
            switch type {
            case "limit": self = .limit(try container.decode(Int.self, forKey: .value))
            case "market": self = .market
            default:
                throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "price type must be limit or market, not \(type)")
            }
        } else if container.contains(.legacyLimit) {
            let legacy = try container.nestedContainer(keyedBy: LegacyKeys.self, forKey: .legacyLimit)
            self = .limit(try legacy.decode(Int.self, forKey: .zero))
        } else if container.contains(.legacyMarket) {
            self = .market
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a price needs a type"))
        }
    }

    /// Writes `{"type":"limit","value":39250}` or `{"type":"market"}`: the form the API documents, stable
    /// whatever the enum's case names become (a synthesised encoding would follow them).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .limit(let price):
            try container.encode("limit", forKey: .type)
            try container.encode(price, forKey: .value)
        case .market:
            try container.encode("market", forKey: .type)
        }
    }
}

/// One order as Sokbo tracks it, from intent to its end.
public struct Order: Sendable, Codable, Hashable {
    /// Our id, derived from the news item and ticker for news orders so a replay cannot make a second one.
    public var id: String
    /// The news item that caused it (nil for manual orders).
    public var newsID: String?
    /// The rule that decided it (nil for manual orders).
    public var rule: String?
    /// The stock.
    public var ticker: Ticker
    /// Buy or sell.
    public var side: OrderSide
    /// Shares.
    public var quantity: Int
    /// Limit or market.
    public var price: OrderPrice
    /// Where it stands.
    public var state: OrderState
    /// The broker's order number once known (Kiwoom `ord_no`).
    public var brokerOrderNo: String?
    /// Shares filled so far.
    public var filledQuantity: Int
    /// Average fill price in KRW, when anything filled.
    public var averageFillPrice: Double?
    /// The last reason given (rejection message, unknown-outcome cause, cancel reason).
    public var reason: String?
    /// When the intent was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// How many events it went through (the next event's sequence number).
    public var eventCount: Int
    /// Shares of the ticker held when the order was sent, so reconciliation can tell a fill that left
    /// no open order from a position held before.
    public var positionBefore: Int?
    /// KRW of the daily budget this buy committed when it was sized (a market order's upper-limit price
    /// times its shares), so a restart restores the same commitment; nil on sells and on older rows.
    public var committedAmount: Int?
    /// Why a sell leaves a position (exit sells only).
    public var exitReason: ExitReason?

    /// Creates an order in the `intent` state.
    public init(id: String, newsID: String?, rule: String?, ticker: Ticker, side: OrderSide, quantity: Int,
                price: OrderPrice, createdAt: Date) {
        self.id = id
        self.newsID = newsID
        self.rule = rule
        self.ticker = ticker
        self.side = side
        self.quantity = quantity
        self.price = price
        self.state = .intent
        self.brokerOrderNo = nil
        self.filledQuantity = 0
        self.averageFillPrice = nil
        self.reason = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.eventCount = 0
        self.positionBefore = nil
        self.committedAmount = nil
        self.exitReason = nil
    }

    /// The id of a news-driven order: one per news item and ticker, whatever happens afterwards.
    public static func newsOrderID(newsID: String, ticker: Ticker, side: OrderSide = .buy) -> String {
        "n-\(newsID)-\(ticker.code)-\(side.rawValue)"
    }

    /// The id of an exit sell: one per position (its stock and opening instant), reason and attempt, so a
    /// second exit for the same reason finds the first instead of selling again. A new attempt follows only
    /// a sell that was refused (definitely not placed).
    public static func exitOrderID(ticker: Ticker, openedAt: Date, reason: ExitReason, attempt: Int) -> String {
        "x-\(ticker.code)-\(openedAt.epochMilliseconds)-\(reason.rawValue)" + (attempt > 1 ? "-\(attempt)" : "")
    }

    /// KRW this order holds of the daily budget: the amount committed when it was sized for a buy (rows
    /// stored before that was kept fall back to quantity × limit price), nothing for a sell.
    public var budgetAmount: Int {
        guard side == .buy else { return 0 }
        return committedAmount ?? quantity * (price.limitPrice ?? 0)
    }

    /// Shares not yet filled.
    public var remainingQuantity: Int { max(0, quantity - filledQuantity) }

    /// A take-profit left resting at the venue (a limit sell), as `take-profit-resting` places it; exits
    /// carried out from ticks sell at market.
    public var isRestingTakeProfit: Bool { side == .sell && exitReason == .takeProfit && price.limitPrice != nil }
}
