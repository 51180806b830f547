import Foundation

/// One execution: shares of a stock bought or sold at a price (Kiwoom `00` push, or a fill found by
/// reconciliation).
public struct Fill: Sendable, Hashable, Codable {
    /// The stock.
    public var ticker: Ticker
    /// Buy or sell.
    public var side: OrderSide
    /// Shares in this execution (not cumulative).
    public var quantity: Int
    /// Execution price in won.
    public var price: Int
    /// When it executed.
    public var at: Date
    /// The rule that entered the position (buys).
    public var rule: String?
    /// The headline that entered the position (buys).
    public var newsID: String?
    /// Why it was sold (sells).
    public var exitReason: ExitReason?

    /// Creates a fill.
    public init(ticker: Ticker, side: OrderSide, quantity: Int, price: Int, at: Date, rule: String? = nil,
                newsID: String? = nil, exitReason: ExitReason? = nil) {
        self.ticker = ticker
        self.side = side
        self.quantity = quantity
        self.price = price
        self.at = at
        self.rule = rule
        self.newsID = newsID
        self.exitReason = exitReason
    }
}

/// A stock held, from its first buy until it is flat again: quantity, average cost and what the round
/// trip has cost and earned so far. Money is in whole won.
public struct OpenPosition: Sendable, Hashable, Codable {
    /// The stock.
    public var ticker: Ticker
    /// Shares held.
    public var quantity: Int
    /// Average price paid per share held (commission excluded; it is charged as it is paid).
    public var averageCost: Double
    /// When the first buy of this round trip filled.
    public var openedAt: Date
    /// The rule that entered it.
    public var rule: String?
    /// The headline that entered it.
    public var newsID: String?
    /// Shares bought in this round trip, and what they cost.
    public var boughtQuantity: Int
    /// Won paid for them (price × quantity).
    public var boughtValue: Int
    /// Shares sold in this round trip, and what they brought.
    public var soldQuantity: Int
    /// Won received for them (price × quantity).
    public var soldValue: Int
    /// Commission paid on both sides so far.
    public var commission: Int
    /// Transaction tax paid on sells so far.
    public var tax: Int
    /// Realised P&L so far: sold value less the average cost of what was sold, less commission and tax.
    public var realisedPnL: Int

    /// Unrealised P&L marked at `price`, net of the costs of selling there (what a flatten now would add).
    public func unrealisedPnL(markedAt price: Int, costs: TradingCosts) -> Int {
        let value = Double(price * quantity)
        return Int((value - averageCost * Double(quantity)).rounded()) - costs.commission(on: value) - costs.tax(onSellOf: value)
    }
}

/// A round trip from the first buy to flat: what the trades list and the daily P&L are made of.
public struct Trade: Sendable, Hashable, Codable {
    /// The stock.
    public var ticker: Ticker
    /// The rule that entered it.
    public var rule: String?
    /// The headline that entered it.
    public var newsID: String?
    /// The first buy's fill time.
    public var openedAt: Date
    /// The last sell's fill time.
    public var closedAt: Date
    /// Shares bought (and sold).
    public var quantity: Int
    /// Average buy price.
    public var entryPrice: Double
    /// Average sell price.
    public var exitPrice: Double
    /// Why it was left (the last sell's reason).
    public var exitReason: ExitReason?
    /// Sold value less bought value.
    public var grossPnL: Int
    /// Commission on both sides.
    public var commission: Int
    /// Transaction tax.
    public var tax: Int
    /// `grossPnL - commission - tax`.
    public var netPnL: Int
    /// Net P&L as a percent of the bought value.
    public var returnPercent: Double { boughtValue > 0 ? Double(netPnL) * 100 / Double(boughtValue) : 0 }
    /// Won paid for the shares.
    public var boughtValue: Int { Int((entryPrice * Double(quantity)).rounded()) }

    /// Creates a trade.
    public init(ticker: Ticker, rule: String?, newsID: String?, openedAt: Date, closedAt: Date, quantity: Int, entryPrice: Double,
                exitPrice: Double, exitReason: ExitReason?, grossPnL: Int, commission: Int, tax: Int, netPnL: Int) {
        self.ticker = ticker
        self.rule = rule
        self.newsID = newsID
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.quantity = quantity
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.exitReason = exitReason
        self.grossPnL = grossPnL
        self.commission = commission
        self.tax = tax
        self.netPnL = netPnL
    }
}

/// Every position, kept by applying fills one at a time: the arithmetic behind `/api/positions`,
/// `/api/trades` and the P&L, with no I/O.
public struct PositionBook: Sendable, Hashable {
    /// What applying a fill did.
    public struct Outcome: Sendable, Hashable {
        /// The round trip it closed, if the position is flat now.
        public var closedTrade: Trade?
        /// Shares of a sell beyond what was held, which were not applied (an oversell must never
        /// happen; this reports one instead of holding negative shares).
        public var unheldSellQuantity: Int
    }

    /// Open positions by stock.
    public private(set) var positions: [Ticker: OpenPosition] = [:]
    /// The cost model.
    public let costs: TradingCosts

    /// An empty book.
    public init(costs: TradingCosts = TradingCosts()) { self.costs = costs }

    /// The broker's quantity wins (the start-up check against the account): sets what is held, at
    /// `averageCost` when given; 0 removes the position without a trade (nothing is known of its sale).
    public mutating func override(_ ticker: Ticker, quantity: Int, averageCost: Double?, at: Date) {
        guard quantity > 0 else {
            positions[ticker] = nil
            return
        }
        var position = positions[ticker] ?? OpenPosition(
            ticker: ticker, quantity: 0, averageCost: averageCost ?? 0, openedAt: at, rule: nil, newsID: nil,
            boughtQuantity: 0, boughtValue: 0, soldQuantity: 0, soldValue: 0, commission: 0, tax: 0, realisedPnL: 0)
        if let averageCost, averageCost > 0 { position.averageCost = averageCost }
        // What the book did not see bought counts as bought at the average cost, so a later trade's entry
        // price and P&L stay consistent with the shares sold; shares the broker no longer holds leave the
        // round trip the same way.
        let unseen = quantity - position.quantity
        position.boughtQuantity = max(0, position.boughtQuantity + unseen)
        position.boughtValue = max(0, position.boughtValue + Int((position.averageCost * Double(unseen)).rounded()))
        position.quantity = quantity
        positions[ticker] = position
    }

    /// Applies one fill.
    public mutating func apply(_ fill: Fill) -> Outcome {
        guard fill.quantity > 0, fill.price > 0 else { return Outcome(closedTrade: nil, unheldSellQuantity: 0) }
        let value = fill.price * fill.quantity
        let commission = costs.commission(on: Double(value))
        switch fill.side {
        case .buy:
            var position = positions[fill.ticker] ?? OpenPosition(
                ticker: fill.ticker, quantity: 0, averageCost: 0, openedAt: fill.at, rule: fill.rule, newsID: fill.newsID,
                boughtQuantity: 0, boughtValue: 0, soldQuantity: 0, soldValue: 0, commission: 0, tax: 0, realisedPnL: 0)
            let heldCost = position.averageCost * Double(position.quantity)
            position.quantity += fill.quantity
            position.averageCost = (heldCost + Double(value)) / Double(position.quantity)
            position.boughtQuantity += fill.quantity
            position.boughtValue += value
            position.commission += commission
            position.realisedPnL -= commission
            positions[fill.ticker] = position
            return Outcome(closedTrade: nil, unheldSellQuantity: 0)
        case .sell:
            guard var position = positions[fill.ticker], position.quantity > 0 else {
                return Outcome(closedTrade: nil, unheldSellQuantity: fill.quantity)
            }
            let quantity = min(fill.quantity, position.quantity)
            let soldValue = fill.price * quantity
            let fee = costs.commission(on: Double(soldValue))
            let tax = costs.tax(onSellOf: Double(soldValue))
            position.realisedPnL += Int((Double(soldValue) - position.averageCost * Double(quantity)).rounded()) - fee - tax
            position.quantity -= quantity
            position.soldQuantity += quantity
            position.soldValue += soldValue
            position.commission += fee
            position.tax += tax
            var trade: Trade?
            if position.quantity == 0 {
                positions[fill.ticker] = nil
                let gross = position.soldValue - position.boughtValue
                trade = Trade(ticker: position.ticker, rule: position.rule, newsID: position.newsID, openedAt: position.openedAt,
                              closedAt: fill.at, quantity: position.boughtQuantity,
                              entryPrice: Double(position.boughtValue) / Double(position.boughtQuantity),
                              exitPrice: Double(position.soldValue) / Double(position.soldQuantity), exitReason: fill.exitReason,
                              grossPnL: gross, commission: position.commission, tax: position.tax,
                              netPnL: gross - position.commission - position.tax)
            } else {
                positions[fill.ticker] = position
            }
            return Outcome(closedTrade: trade, unheldSellQuantity: fill.quantity - quantity)
        }
    }
}
