import SokboCore

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
