import Foundation

/// The limits every order passes, news-driven or manual.
public struct RiskLimits: Sendable, Hashable, Codable {
    /// KRW all buys of a day may spend together.
    public var dailyBudget: Int
    /// KRW one order may spend.
    public var maxPerOrder: Int
    /// Orders a day may send.
    public var maxOrdersPerDay: Int
    /// Buys per ticker per day (1 by default).
    public var buysPerTickerPerDay: Int
    /// Seconds after an order before the same ticker may be ordered again.
    public var cooldownSeconds: Int

    /// Creates limits.
    public init(dailyBudget: Int = 10_000_000, maxPerOrder: Int = 2_000_000, maxOrdersPerDay: Int = 20,
                buysPerTickerPerDay: Int = 1, cooldownSeconds: Int = 300) {
        self.dailyBudget = dailyBudget
        self.maxPerOrder = maxPerOrder
        self.maxOrdersPerDay = maxOrdersPerDay
        self.buysPerTickerPerDay = buysPerTickerPerDay
        self.cooldownSeconds = cooldownSeconds
    }
}

/// What today's orders have used of the limits; rebuilt from the store at start-up so a restart
/// cannot lift a limit.
public struct RiskLedger: Sendable, Hashable {
    /// The KST day (`YYYYMMDD`) these figures are for.
    public private(set) var day: String
    /// KRW committed by today's buys (intent amounts; released only when an order is rejected).
    public private(set) var committed: Int = 0
    /// Orders sent or about to be sent today.
    public private(set) var orders: Int = 0
    /// Buys per ticker today.
    public private(set) var buysByTicker: [Ticker: Int] = [:]
    /// Last order time per ticker.
    public private(set) var lastOrderAt: [Ticker: Date] = [:]

    /// An empty ledger for the day of `date`.
    public init(day date: Date) { self.day = KST.dayString(date) }

    /// Records an order intent (before it is sent).
    public mutating func record(_ order: Order, amount: Int) {
        rollOver(to: order.createdAt)
        orders += 1
        lastOrderAt[order.ticker] = max(lastOrderAt[order.ticker] ?? .distantPast, order.createdAt)
        if order.side == .buy {
            committed += amount
            buysByTicker[order.ticker, default: 0] += 1
        }
    }

    /// Gives back a rejected buy's amount (it was never placed). An unknown outcome keeps it committed.
    public mutating func release(amount: Int) { committed = max(0, committed - amount) }

    /// Adds to the committed amount (a reservation made with `record(_:amount: 0)` once it is sized).
    public mutating func commit(amount: Int) { committed += amount }

    /// Takes back a reservation that never became an order (sizing or the snapshot said no).
    public mutating func unrecord(ticker: Ticker) {
        orders = max(0, orders - 1)
        if let buys = buysByTicker[ticker] { buysByTicker[ticker] = buys > 1 ? buys - 1 : nil }
        lastOrderAt[ticker] = nil
    }

    /// Resets the counters when the KST day changes.
    public mutating func rollOver(to date: Date) {
        let today = KST.dayString(date)
        if today != day { self = RiskLedger(day: date) }
    }

    /// What is left of the daily budget.
    public func budgetLeft(_ limits: RiskLimits) -> Int { max(0, limits.dailyBudget - committed) }

    /// Checks an order against the limits; nil when it may go, else the reason it may not.
    /// `amount` nil checks the count, ticker and cooldown limits only (before the order is sized).
    public func refusal(side: OrderSide, ticker: Ticker, amount: Int?, at now: Date, limits: RiskLimits) -> String? {
        var ledger = self
        ledger.rollOver(to: now)
        if ledger.orders >= limits.maxOrdersPerDay { return "daily order limit (\(limits.maxOrdersPerDay)) reached" }
        if let last = ledger.lastOrderAt[ticker], now.timeIntervalSince(last) < Double(limits.cooldownSeconds) {
            return "cooldown for \(ticker) (\(limits.cooldownSeconds) s) not over"
        }
        guard side == .buy else { return nil }
        if ledger.buysByTicker[ticker, default: 0] >= limits.buysPerTickerPerDay {
            return "already bought \(ticker) today (limit \(limits.buysPerTickerPerDay))"
        }
        guard let amount else { return nil }
        if amount > limits.maxPerOrder { return "amount \(amount) above the per-order maximum \(limits.maxPerOrder)" }
        if amount > ledger.budgetLeft(limits) { return "amount \(amount) above what is left of the daily budget (\(ledger.budgetLeft(limits)))" }
        return nil
    }
}
