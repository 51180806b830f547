import Foundation

/// What an order's status report says happened (Kiwoom `00` FID 913 주문상태).
public enum ExecutionStatus: String, Sendable, Codable, Hashable {
    /// 접수: the venue took the order (or a cancel/modify of it).
    case received
    /// 체결: shares executed (`BrokerExecution.executionQuantity` of them, this report alone).
    case filled
    /// 확인: a cancel or modify was confirmed (the original order's rest is gone or moved).
    case confirmed
    /// 취소: cancelled.
    case cancelled
    /// 거부: refused by the venue.
    case rejected
}

/// One order status report pushed by the venue (Kiwoom realtime `00` 주문체결), or rebuilt from its REST
/// fallbacks (`ka10075` open orders, `ka10076` fills). Quantities are the venue's: `openQuantity` is what
/// is still unfilled after this report, `cumulativeQuantity` what has filled in all.
public struct BrokerExecution: Sendable, Codable, Hashable {
    /// The broker's number of the order reported on (9203).
    public var brokerOrderNo: String
    /// For a cancel or modify, the order it applies to (904); nil or all zeros otherwise.
    public var originalOrderNo: String?
    /// The stock (9001).
    public var ticker: Ticker
    /// Buy or sell (907), nil when unreadable.
    public var side: OrderSide?
    /// What happened (913).
    public var status: ExecutionStatus
    /// Shares ordered (900).
    public var orderQuantity: Int
    /// The order's limit price, 0 for market (901).
    public var orderPrice: Int
    /// Shares still open after this report (902).
    public var openQuantity: Int
    /// Shares filled in all so far (`orderQuantity - openQuantity` for a live order; the venue's own count
    /// where it sends one).
    public var cumulativeQuantity: Int
    /// The execution's number (909), for a fill.
    public var executionID: String?
    /// This execution's price (910), for a fill.
    public var executionPrice: Int?
    /// This execution's shares (911), for a fill.
    public var executionQuantity: Int?
    /// The report's time, `HHMMSS` KST (908).
    public var time: String
    /// The venue's reason for a refusal (919).
    public var reason: String?

    /// Creates a report.
    public init(brokerOrderNo: String, originalOrderNo: String? = nil, ticker: Ticker, side: OrderSide?, status: ExecutionStatus,
                orderQuantity: Int, orderPrice: Int, openQuantity: Int, cumulativeQuantity: Int, executionID: String? = nil,
                executionPrice: Int? = nil, executionQuantity: Int? = nil, time: String, reason: String? = nil) {
        self.brokerOrderNo = brokerOrderNo
        self.originalOrderNo = originalOrderNo
        self.ticker = ticker
        self.side = side
        self.status = status
        self.orderQuantity = orderQuantity
        self.orderPrice = orderPrice
        self.openQuantity = openQuantity
        self.cumulativeQuantity = cumulativeQuantity
        self.executionID = executionID
        self.executionPrice = executionPrice
        self.executionQuantity = executionQuantity
        self.time = time
        self.reason = reason
    }
}

/// A holding as the venue pushes it after a fill (Kiwoom realtime `04` 잔고).
public struct BrokerHolding: Sendable, Codable, Hashable {
    /// The stock.
    public var ticker: Ticker
    /// Shares held (930).
    public var quantity: Int
    /// Average purchase price (931).
    public var averagePrice: Int
    /// Shares that can be ordered for sale now (933).
    public var sellableQuantity: Int

    /// Creates a holding report.
    public init(ticker: Ticker, quantity: Int, averagePrice: Int, sellableQuantity: Int) {
        self.ticker = ticker
        self.quantity = quantity
        self.averagePrice = averagePrice
        self.sellableQuantity = sellableQuantity
    }
}

/// One price update of a watched stock from the realtime feed (Kiwoom `0B`/`0D`): what exits decide on.
public struct QuoteTick: Sendable, Codable, Hashable {
    /// The stock.
    public var ticker: Ticker
    /// The last traded price.
    public var price: Int
    /// The best bid (what a sell gets now), when known.
    public var bestBid: Int?
    /// The best ask, when known.
    public var bestAsk: Int?
    /// When the venue stamped it (or when it arrived, if unstamped).
    public var at: Date
    /// When its frame was read off the socket, on this process's monotonic clock (nil when it came from a
    /// poll or a replay): the start of the tick-to-exit latency. Not part of the tick's value: neither
    /// encoded nor compared.
    public var received: ContinuousClock.Instant?

    /// Creates a tick.
    public init(ticker: Ticker, price: Int, bestBid: Int?, bestAsk: Int?, at: Date, received: ContinuousClock.Instant? = nil) {
        self.ticker = ticker
        self.price = price
        self.bestBid = bestBid
        self.bestAsk = bestAsk
        self.at = at
        self.received = received
    }

    private enum CodingKeys: String, CodingKey {
        case ticker, price, bestBid, bestAsk, at
    }

    /// Equal when the venue said the same thing (the local read instant aside).
    public static func == (lhs: QuoteTick, rhs: QuoteTick) -> Bool {
        lhs.ticker == rhs.ticker && lhs.price == rhs.price && lhs.bestBid == rhs.bestBid && lhs.bestAsk == rhs.bestAsk && lhs.at == rhs.at
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ticker)
        hasher.combine(price)
        hasher.combine(bestBid)
        hasher.combine(bestAsk)
        hasher.combine(at)
    }
}

/// Something the venue pushed, in venue-neutral terms.
public enum BrokerPush: Sendable, Hashable {
    /// An order status report (`00`).
    case execution(BrokerExecution)
    /// A holding after a fill (`04`).
    case holding(BrokerHolding)
    /// A price update of a watched stock (`0B`/`0D`).
    case quote(QuoteTick)
    /// A volatility interruption or trading halt began (`true`) or ended (`false`) (`1h`): exits wait.
    case halt(Ticker, Bool)
    /// The push feed connected (`true`) or went down (`false`): while down, orders and fills are polled
    /// over REST at the paced rate.
    case feed(connected: Bool)
}

/// What a broker pushes and what it polls for the position side of trading. Every requirement has a
/// default (no pushes, nothing watched, fills unsupported), so a broker without a realtime feed still
/// trades: the engine then polls open orders and the account over REST.
public protocol BrokerFeeds: Sendable {
    /// The venue's pushes, for one consumer (the engine). Finishes when the broker shuts down.
    func pushes() -> AsyncStream<BrokerPush>
    /// Adds or removes stocks from the live quote feed (positions' tickers are watched while held).
    func watch(_ tickers: Set<Ticker>) async
    /// Whether account pushes (`00`/`04`) are flowing now; when false the engine polls over REST.
    var accountFeedConnected: Bool { get }
    /// Today's fills (`ka10076`) where the venue answers it; throws `BrokerError` `.unsupported` otherwise.
    func fills(_ ticker: Ticker?) async throws -> [BrokerExecution]
}

extension BrokerFeeds {
    /// No pushes: a stream that ends at once.
    public func pushes() -> AsyncStream<BrokerPush> { AsyncStream { $0.finish() } }
    /// Nothing to watch.
    public func watch(_ tickers: Set<Ticker>) async {}
    /// No push feed.
    public var accountFeedConnected: Bool { false }
    /// Fills are not offered.
    public func fills(_ ticker: Ticker?) async throws -> [BrokerExecution] {
        throw BrokerError(.unsupported, message: "this broker does not report fills")
    }
}
