import Foundation
import SokboCore

/// One open position as `GET /api/positions` serves it.
public struct PositionView: Sendable, Codable, Hashable {
    /// The stock.
    public var ticker: Ticker
    /// Shares held.
    public var quantity: Int
    /// Shares no sell offers yet.
    public var sellable: Int
    /// Average price paid per share, won.
    public var averageCost: Double
    /// When the first buy filled.
    public var openedAt: Date
    /// The rule that entered it (none: manual).
    public var rule: String?
    /// The headline that entered it.
    public var newsID: String?
    /// The last bid (else last price) seen, won.
    public var mark: Int?
    /// When it was seen.
    public var markedAt: Date?
    /// P&L at the mark, net of the costs of selling there, won.
    public var unrealisedPnL: Int?
    /// P&L of what was sold so far, less commission paid, won.
    public var realisedPnL: Int
    /// Commission paid so far, won.
    public var commission: Int
    /// Tax paid so far, won.
    public var tax: Int
    /// Whether an exit is being carried out.
    public var exiting: Bool
    /// Whether the stock is halted (VI or suspension) now.
    public var halted: Bool
    /// Why its exit waits, when it does.
    public var waiting: String?
    /// The rule's exits in force.
    public var exits: ExitPolicy?
}

/// Today's P&L, for `/api/status`.
public struct PnLToday: Sendable, Codable, Hashable {
    /// Closed trades' and partial sells' P&L, won.
    public var realised: Int
    /// Open positions at their marks, won.
    public var unrealised: Int
    /// Whether the daily loss limit halted entries.
    public var lossLimitHit: Bool
}

extension TradingEngine {
    /// Every open position, by stock code.
    public func positions() -> [PositionView] {
        book.positions.values.sorted { $0.ticker.code < $1.ticker.code }.map { position in
            let ticker = position.ticker
            let mark = marks[ticker]
            return PositionView(ticker: ticker, quantity: position.quantity, sellable: exitStates[ticker]?.sellable ?? position.quantity,
                                averageCost: position.averageCost, openedAt: position.openedAt, rule: position.rule, newsID: position.newsID,
                                mark: mark, markedAt: markedAt[ticker],
                                unrealisedPnL: mark.map { position.unrealisedPnL(markedAt: $0, costs: book.costs) },
                                realisedPnL: position.realisedPnL, commission: position.commission, tax: position.tax,
                                exiting: exitStates[ticker]?.isExiting ?? false, halted: haltedTickers.contains(ticker),
                                waiting: exitWaits[ticker], exits: trackers[ticker]?.policy)
        }
    }

    /// Today's P&L.
    public func pnl() -> PnLToday {
        let (realised, unrealised) = pnlToday()
        return PnLToday(realised: realised, unrealised: unrealised, lossLimitHit: lossLimitHit)
    }
}
