import Foundation
import SokboCore

/// What the Telegram commands act on, implemented by the app with the same engine calls the HTTP API
/// makes. What the engine cannot do yet answers `notAvailable`, so the command says so.
public protocol AlertControl: Sendable {
    /// The state `/status` shows.
    func status() async -> AlertStatusSnapshot
    /// Positions held (`/positions`).
    func positions() async -> AlertControlAnswer<[Position]>
    /// Today's orders (`/pnl` and the daily summary).
    func todaysOrders() async -> [Order]
    /// Today's closed trades with their P&L: the hook the daily summary reads once trades exist.
    func closedTrades() async -> AlertControlAnswer<[AlertClosedTrade]>
    /// The kill switch (`/halt`, `/resume`), as `POST /api/trading/halt` and `/resume`.
    func setHalted(_ halted: Bool) async
    /// Sells every position (`/flatten`, after confirmation); the answer says what was sent.
    func flatten() async -> AlertControlAnswer<String>
    /// Sells one position (`/close <ticker>`); the answer says what was sent.
    func close(_ ticker: Ticker) async -> AlertControlAnswer<String>
}

/// An answer, or word that the engine cannot do it yet.
public enum AlertControlAnswer<Value: Sendable>: Sendable {
    /// The answer.
    case answer(Value)
    /// Not available (yet); the reason is shown.
    case notAvailable(String)
}

/// The state `/status` shows.
public struct AlertStatusSnapshot: Sendable, Hashable {
    /// `simulate`, `mock` or `live`.
    public var mode: String
    /// The kill switch.
    public var halted: Bool
    /// Today's orders by state.
    public var ordersByState: [String: Int]
    /// Orders awaiting reconciliation.
    public var openUnknown: Int
    /// KRW left of the daily budget.
    public var budgetLeft: Int
    /// The news socket is connected (nil: unknown).
    public var newsConnected: Bool?

    /// Creates a snapshot.
    public init(mode: String, halted: Bool, ordersByState: [String: Int], openUnknown: Int, budgetLeft: Int, newsConnected: Bool?) {
        self.mode = mode
        self.halted = halted
        self.ordersByState = ordersByState
        self.openUnknown = openUnknown
        self.budgetLeft = budgetLeft
        self.newsConnected = newsConnected
    }
}

/// A closed trade (entry and exit) with its P&L after costs.
public struct AlertClosedTrade: Sendable, Hashable {
    /// The stock.
    public var ticker: Ticker
    /// Shares.
    public var quantity: Int
    /// P&L in KRW after costs.
    public var profitLoss: Int
    /// Why it closed (target, stop, time, manual).
    public var reason: String

    /// Creates a closed trade.
    public init(ticker: Ticker, quantity: Int, profitLoss: Int, reason: String) {
        self.ticker = ticker
        self.quantity = quantity
        self.profitLoss = profitLoss
        self.reason = reason
    }
}
