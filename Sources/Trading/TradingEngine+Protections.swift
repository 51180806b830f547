import Foundation
import SokboCore

extension TradingEngine {
    /// A protection that acted, as published on the live events (`protection`).
    public struct ProtectionNotice: Sendable, Codable, Hashable {
        /// Which: `daily-loss-limit`.
        public var kind: String
        /// What happened, in words.
        public var detail: String
        /// Today's P&L (realised plus unrealised) when it acted, won.
        public var pnl: Int
        /// The limit, won.
        public var limit: Int
    }

    /// Today's P&L: closed trades, plus what the open positions made so far (partial sells' realised P&L
    /// and the unrealised P&L at their marks, net of the costs of selling there).
    func pnlToday() -> (realised: Int, unrealised: Int) {
        var realised = realisedToday
        var unrealised = 0
        for (ticker, position) in book.positions {
            realised += position.realisedPnL
            if let mark = marks[ticker] { unrealised += position.unrealisedPnL(markedAt: mark, costs: book.costs) }
        }
        return (realised, unrealised)
    }

    /// Halts entries once today's P&L reaches minus the daily loss limit; exits keep running.
    func checkLossLimit() {
        guard let limit = settings.dailyLossLimit, !lossLimitHit else { return }
        let (realised, unrealised) = pnlToday()
        guard realised + unrealised <= -limit else { return }
        lossLimitHit = true
        halted = true
        let notice = ProtectionNotice(kind: "daily-loss-limit",
                                      detail: "today's P&L \(realised + unrealised) KRW reached the daily loss limit; entries halted, exits keep running",
                                      pnl: realised + unrealised, limit: limit)
        logger.warning("daily loss limit reached: entries halted", metadata: ["pnl": "\(notice.pnl)", "limit": "\(limit)"])
        events?.publish(kind: .protection, payload: notice)
        events?.publish(kind: .trading, payload: ["halted": true])
    }

    /// On a new KST day, yesterday's closed trades and its loss limit no longer count (the kill switch the
    /// limit turned on stays on until a person resumes).
    func rollDay(at date: Date) {
        let day = KST.dayString(date)
        guard day != realisedDay else { return }
        realisedDay = day
        realisedToday = 0
        lossLimitHit = false
    }

    /// Why an entry into `ticker` is refused by a protection, if it is.
    func protectionRefusal(for ticker: Ticker) -> String? {
        rollDay(at: now())
        checkLossLimit()
        if lossLimitHit { return "the daily loss limit halted entries" }
        guard let maximum = settings.maxOpenPositions else { return nil }
        var open = Set(book.positions.keys)
        for order in orders.values where order.side == .buy && order.rule != nil && !order.state.isTerminal { open.insert(order.ticker) }
        if !open.contains(ticker), open.count >= maximum { return "\(open.count) positions open or being entered (max \(maximum))" }
        return nil
    }
}
