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
    func closedTrades() async -> AlertControlAnswer<[Trade]>
    /// The kill switch (`/halt`, `/resume`), as `POST /api/trading/halt` and `/resume`.
    func setHalted(_ halted: Bool) async
    /// Sells every position (`/flatten`, after confirmation); the answer says what was sent.
    func flatten() async -> AlertControlAnswer<String>
    /// Sells one position (`/close <ticker>`); the answer says what was sent.
    func close(_ ticker: Ticker) async -> AlertControlAnswer<String>
}
