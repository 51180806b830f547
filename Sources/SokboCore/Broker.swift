import Foundation

/// What the trading engine needs from a stock broker, in venue-neutral terms.
///
/// The one rule that matters for money: `submit` and `cancel` never resend on their own. A reply that
/// does not prove the outcome (timeout, disconnect, 5xx, rate limit after sending) is `.unknown`, and
/// the caller reconciles it through `openOrdersAndFills`.
public protocol Broker: BrokerFeeds {
    /// Price, limits, halt status, margin rate and book of one stock, fetched in one round trip.
    func snapshot(_ ticker: Ticker) async throws -> StockSnapshot
    /// What an entry needs to size a buy, at the least venue cost: the live book and the day's reference
    /// (limits, base price, margin rate, halt state). `price` may be the best ask rather than the last
    /// trade, and the day's open, high, low and volume may be absent.
    func entrySnapshot(_ ticker: Ticker) async throws -> EntrySnapshot
    /// Places an order once. Invalid input is refused before anything is sent (`.rejected`).
    func submit(_ order: OrderRequest) async -> OrderSubmission
    /// Cancels the unfilled remainder of an order once; same outcome rules as `submit`.
    func cancel(_ request: CancelRequest) async -> OrderSubmission
    /// The account's open (unfilled or partly filled) orders, for reconciliation.
    func openOrdersAndFills(_ ticker: Ticker?) async throws -> [BrokerOrder]
    /// Cash and positions.
    func account() async throws -> AccountSnapshot
    /// Candles of one stock between two instants, oldest first.
    func chart(_ ticker: Ticker, interval: CandleInterval, from: Date?, to: Date?) async throws -> [Candle]
}

extension Broker {
    /// The full snapshot, uncounted, for brokers with no cheaper entry path.
    public func entrySnapshot(_ ticker: Ticker) async throws -> EntrySnapshot {
        EntrySnapshot(snapshot: try await snapshot(ticker), queries: nil)
    }
}

/// Buy or sell.
public enum OrderSide: String, Sendable, Codable, Hashable {
    /// Buy.
    case buy
    /// Sell.
    case sell
}

/// The market an order is routed to.
public enum Exchange: String, Sendable, Codable, Hashable {
    /// Korea Exchange.
    case krx = "KRX"
    /// Nextrade.
    case nxt = "NXT"
    /// Smart order routing across both.
    case sor = "SOR"
}

/// Limit or market.
public enum OrderPrice: Sendable, Codable, Hashable {
    /// A limit price in won; must lie on the KRX tick grid and within the daily limits.
    case limit(Int)
    /// At the market.
    case market
}

/// An order as the engine asks for it.
public struct OrderRequest: Sendable, Codable, Hashable {
    /// The engine's own id, for matching the outcome and for reconciliation.
    public var clientOrderID: String
    /// The stock.
    public var ticker: Ticker
    /// Buy or sell.
    public var side: OrderSide
    /// Shares; must be positive.
    public var quantity: Int
    /// Limit price or market.
    public var price: OrderPrice
    /// Where to route it.
    public var exchange: Exchange

    /// Creates an order request.
    public init(clientOrderID: String, ticker: Ticker, side: OrderSide, quantity: Int, price: OrderPrice, exchange: Exchange = .krx) {
        self.clientOrderID = clientOrderID
        self.ticker = ticker
        self.side = side
        self.quantity = quantity
        self.price = price
        self.exchange = exchange
    }
}

/// A request to cancel the remainder of an order.
public struct CancelRequest: Sendable, Codable, Hashable {
    /// The broker's number of the order to cancel.
    public var brokerOrderNo: String
    /// The stock of that order.
    public var ticker: Ticker
    /// Shares to cancel; nil cancels the whole remainder.
    public var quantity: Int?
    /// The exchange of that order.
    public var exchange: Exchange

    /// Creates a cancel request.
    public init(brokerOrderNo: String, ticker: Ticker, quantity: Int? = nil, exchange: Exchange = .krx) {
        self.brokerOrderNo = brokerOrderNo
        self.ticker = ticker
        self.quantity = quantity
        self.exchange = exchange
    }
}

/// The outcome of sending an order or a cancel once.
public enum OrderSubmission: Sendable, Hashable {
    /// The broker accepted it and gave it this number.
    case accepted(brokerOrderNo: String)
    /// Definitely not placed: refused before sending, or rejected by the broker with no order number.
    case rejected(code: String, message: String)
    /// It may or may not have been placed (timeout, disconnect, 5xx or rate limit after sending).
    /// Reconcile it; never resend it blindly.
    case unknown(reason: String)
}

/// An order as the broker reports it (open orders and their fills).
public struct BrokerOrder: Sendable, Codable, Hashable {
    /// The broker's order number.
    public var brokerOrderNo: String
    /// The original order's number, for modifications and cancels.
    public var originalOrderNo: String?
    /// The stock.
    public var ticker: Ticker
    /// The stock's name.
    public var name: String
    /// Buy or sell; nil when the venue's text could not be read.
    public var side: OrderSide?
    /// Ordered shares.
    public var quantity: Int
    /// Limit price (0 for market orders).
    public var price: Int
    /// Shares still open.
    public var openQuantity: Int
    /// Shares filled so far.
    public var filledQuantity: Int
    /// Average or last fill price, when any.
    public var fillPrice: Int?
    /// The venue's status text (e.g. 접수, 체결).
    public var status: String
    /// The order time, `HHMMSS` KST.
    public var time: String

    /// Creates an order row.
    public init(brokerOrderNo: String, originalOrderNo: String?, ticker: Ticker, name: String, side: OrderSide?,
                quantity: Int, price: Int, openQuantity: Int, filledQuantity: Int, fillPrice: Int?, status: String, time: String) {
        self.brokerOrderNo = brokerOrderNo
        self.originalOrderNo = originalOrderNo
        self.ticker = ticker
        self.name = name
        self.side = side
        self.quantity = quantity
        self.price = price
        self.openQuantity = openQuantity
        self.filledQuantity = filledQuantity
        self.fillPrice = fillPrice
        self.status = status
        self.time = time
    }
}

/// Cash and positions of the account.
public struct AccountSnapshot: Sendable, Codable, Hashable {
    /// Cash deposit (예수금), won.
    public var cash: Int
    /// Cash available for new orders (주문가능금액), won.
    public var orderableCash: Int
    /// Total purchase amount of the positions, won.
    public var totalPurchase: Int
    /// Total valuation of the positions, won.
    public var totalValuation: Int
    /// Valuation profit or loss, won.
    public var profitLoss: Int
    /// Estimated total assets (추정예탁자산), won.
    public var estimatedAssets: Int
    /// One row per holding.
    public var positions: [Position]

    /// Creates an account snapshot.
    public init(cash: Int, orderableCash: Int, totalPurchase: Int, totalValuation: Int, profitLoss: Int,
                estimatedAssets: Int, positions: [Position]) {
        self.cash = cash
        self.orderableCash = orderableCash
        self.totalPurchase = totalPurchase
        self.totalValuation = totalValuation
        self.profitLoss = profitLoss
        self.estimatedAssets = estimatedAssets
        self.positions = positions
    }
}

/// A holding.
public struct Position: Sendable, Codable, Hashable {
    /// The stock.
    public var ticker: Ticker
    /// Its name.
    public var name: String
    /// Shares held.
    public var quantity: Int
    /// Shares that can be sold now.
    public var sellableQuantity: Int
    /// Average purchase price, won.
    public var averagePrice: Int
    /// Current price, won.
    public var currentPrice: Int
    /// Valuation profit or loss, won.
    public var profitLoss: Int

    /// Creates a position.
    public init(ticker: Ticker, name: String, quantity: Int, sellableQuantity: Int, averagePrice: Int, currentPrice: Int, profitLoss: Int) {
        self.ticker = ticker
        self.name = name
        self.quantity = quantity
        self.sellableQuantity = sellableQuantity
        self.averagePrice = averagePrice
        self.currentPrice = currentPrice
        self.profitLoss = profitLoss
    }
}

/// Candle width.
public enum CandleInterval: String, Sendable, Codable, Hashable {
    /// One trading day.
    case day
    /// One minute.
    case minute
}

/// One OHLCV candle.
public struct Candle: Sendable, Codable, Hashable {
    /// Start of the candle (day: KST midnight; minute: the venue's stamp).
    public var time: Date
    /// Open.
    public var open: Int
    /// High.
    public var high: Int
    /// Low.
    public var low: Int
    /// Close.
    public var close: Int
    /// Shares traded.
    public var volume: Int

    /// Creates a candle.
    public init(time: Date, open: Int, high: Int, low: Int, close: Int, volume: Int) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}

/// A broker failure in venue-neutral terms, so the API layer can map it without knowing the venue.
public struct BrokerError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable {
        /// The caller's input was refused (nothing was sent, or the venue said the input is wrong).
        case invalidInput
        /// The venue does not know the stock.
        case notFound
        /// The venue throttled us beyond our retries.
        case rateLimited
        /// Credentials or token refused.
        case authentication
        /// The venue failed, timed out or answered something unreadable.
        case unavailable
        /// The venue does not offer this operation here (e.g. on the mock host).
        case unsupported
    }

    /// The kind.
    public var kind: Kind
    /// The venue's specific code, when it gave one.
    public var code: String?
    /// A message safe to show (never a secret).
    public var message: String
    /// True when trying again later may succeed.
    public var isRetryable: Bool
    /// Set when the call was refused without being sent because the venue's request budget is spent
    /// for longer than the caller would wait: try again after this long.
    public var retryAfter: Duration?

    /// Creates an error.
    public init(_ kind: Kind, code: String? = nil, message: String, isRetryable: Bool = false, retryAfter: Duration? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.isRetryable = isRetryable
        self.retryAfter = retryAfter
    }

    /// `kind[code]: message`.
    public var description: String { "\(kind.rawValue)\(code.map { "[\($0)]" } ?? ""): \(message)" }
}
