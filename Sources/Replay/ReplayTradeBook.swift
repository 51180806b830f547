import Foundation
import SokboCore

/// One round trip: an entry's fill and the exit that closed it.
public struct ReplayTrade: Sendable, Codable, Hashable {
    /// `YYYYMMDD`.
    public var day: String
    /// The rule that bought.
    public var rule: String
    /// The stock.
    public var ticker: String
    /// The headline's id.
    public var newsID: String
    /// The headline.
    public var headline: String
    /// Entry fill time, epoch ms.
    public var entryAt: Int64
    /// Entry price, won.
    public var entryPrice: Int
    /// Shares.
    public var quantity: Int
    /// Exit fill time, epoch ms.
    public var exitAt: Int64
    /// Exit price, won.
    public var exitPrice: Int
    /// Why it was sold: the engine's exit reason (`stop-loss`, `take-profit`, `trailing-stop`, `roi`, `time-limit`,
    /// `end-of-day`), or `end-of-replay` when nothing sold it by the session's end.
    public var exitReason: String
    /// Profit or loss net of commission on both sides and the sell tax, won.
    public var pnl: Int
    /// `pnl` in percent of the entry's value.
    public var returnPercent: Double
}

/// A stock that could not be replayed on a day, and why (never guessed).
public struct MissingData: Sendable, Codable, Hashable {
    /// `YYYYMMDD`.
    public var day: String
    /// The stock.
    public var ticker: String
    /// The reason.
    public var reason: String

    /// Creates a row.
    public init(day: String, ticker: String, reason: String) {
        self.day = day
        self.ticker = ticker
        self.reason = reason
    }
}

/// Figures of one rule (or of all): what the terminal table, the JSON and the report show.
public struct RuleFigures: Sendable, Codable, Hashable {
    /// The rule's name, or `total`.
    public var rule: String
    /// Round trips.
    public var trades: Int
    /// Share of trades with a positive net P&L, percent.
    public var winRatePercent: Double
    /// Mean net return per trade, percent.
    public var averageReturnPercent: Double
    /// Median net return per trade, percent.
    public var medianReturnPercent: Double
    /// Net P&L, won.
    public var totalPnl: Int
    /// Largest fall of cumulative net P&L from a previous high, won.
    public var maxDrawdown: Int
    /// Time with at least one of the trades' positions open, in percent of the replayed sessions (09:00–15:30 each day).
    public var exposurePercent: Double
    /// Trades by exit reason.
    public var exitReasons: [String: Int]
    /// Headlines the rule matched that did not trade, by reason (digits as `#`).
    public var skipped: [String: Int]
    /// Orders sent that never filled (expired at the close).
    public var unfilled: Int
}

/// A point of the equity curve: cumulative net P&L after a trade closed.
public struct EquityPoint: Sendable, Codable, Hashable {
    /// Epoch ms of the exit.
    public var at: Int64
    /// Cumulative net P&L, won.
    public var pnl: Int
    /// The rule of the trade.
    public var rule: String
}

/// Everything a replay found.
public struct ReplayResult: Sendable, Codable, Hashable {
    /// The fill model and period it ran with.
    public var latencyMs: Int
    /// Slippage ticks.
    public var slippageTicks: Int
    /// First and last day with data.
    public var firstDay: String?
    /// Last day.
    public var lastDay: String?
    /// Days replayed.
    public var days: Int
    /// Headlines evaluated.
    public var headlines: Int
    /// Lines that arrived earlier than one before them (replayed at the clock's time, never back in time).
    public var outOfOrder: Int
    /// One row per rule, by name.
    public var rules: [RuleFigures]
    /// All rules together.
    public var total: RuleFigures
    /// Every trade, in exit order.
    public var trades: [ReplayTrade]
    /// Stocks that could not be replayed.
    public var missing: [MissingData]
    /// Cumulative net P&L after each trade.
    public var equity: [EquityPoint]
    /// A label for a sweep variant (`supply-contract.budget=500000`), nil for a plain run.
    public var variant: String?
}

/// Takes a replay's trades from the engine (closing what it still holds) and sums them up.
struct ReplayTradeBook {
    let costs: TradingCosts
    private(set) var trades: [ReplayTrade] = []
    private var skips: [String: [String: Int]] = [:]
    private var unfilled: [String: Int] = [:]
    private var missing: [MissingData] = []
    private var days: [String] = []

    init(costs: TradingCosts) { self.costs = costs }

    var tradeCount: Int { trades.count }

    private struct Lot {
        var plan: PlanLog.Entry
        var ticker: Ticker
        var quantity: Int
        var price: Int
        var at: Date
    }

    /// Books one day: the engine's own closed trades (with its exit reasons), and what is still held by the
    /// fills (buys open lots first in, first out, sells consume them) closed at the flatten time by `closeout`
    /// with the reason `end-of-replay`.
    mutating func book(day: String, engineTrades: [TradeRecord], executions: [ReplayBroker.Execution], plans: [String: PlanLog.Entry], unfilled ids: [String],
                       skips signals: [SignalRecord], missing found: [(Ticker, String)], flattenAt: Date,
                       closeout: (Ticker, Date) -> FillModel.Fill?) {
        days.append(day)
        let headlines = Dictionary(plans.values.map { ($0.newsID, $0.headline) }, uniquingKeysWith: { first, _ in first })
        for record in engineTrades {
            let trade = record.trade
            trades.append(ReplayTrade(day: day, rule: trade.rule ?? "manual", ticker: trade.ticker.code, newsID: trade.newsID ?? "",
                                      headline: trade.newsID.flatMap { headlines[$0] } ?? "", entryAt: trade.openedAt.epochMilliseconds,
                                      entryPrice: Int(trade.entryPrice.rounded()), quantity: trade.quantity,
                                      exitAt: trade.closedAt.epochMilliseconds, exitPrice: Int(trade.exitPrice.rounded()),
                                      exitReason: trade.exitReason?.rawValue ?? "exit", pnl: trade.netPnL,
                                      returnPercent: Self.rounded(trade.returnPercent)))
        }
        var lots: [Ticker: [Lot]] = [:]
        for execution in executions {
            switch execution.side {
            case .buy:
                let plan = plans[execution.clientOrderID] ?? PlanLog.Entry(rule: "manual", newsID: "", headline: "")
                lots[execution.ticker, default: []].append(Lot(plan: plan, ticker: execution.ticker, quantity: execution.quantity, price: execution.price, at: execution.at))
            case .sell:
                var remaining = execution.quantity
                while remaining > 0, var lot = lots[execution.ticker]?.first {
                    // The engine booked this sell's trade; the lot only stops being held.
                    let taken = min(remaining, lot.quantity)
                    remaining -= taken
                    lot.quantity -= taken
                    if lot.quantity == 0 { lots[execution.ticker]?.removeFirst() } else { lots[execution.ticker]?[0] = lot }
                }
            }
        }
        for ticker in lots.keys.sorted() {
            for lot in lots[ticker] ?? [] {
                guard let fill = closeout(ticker, max(flattenAt, lot.at)) else { continue }
                close(day: day, lot: lot, quantity: lot.quantity, price: fill.price, at: fill.at, reason: "end-of-replay")
            }
        }
        for id in ids { unfilled[plans[id]?.rule ?? "manual", default: 0] += 1 }
        for signal in signals {
            skips[signal.rule ?? "-", default: [:]][Self.category(signal.reason), default: 0] += 1
        }
        missing += found.map { MissingData(day: day, ticker: $0.0.code, reason: $0.1) }
    }

    private mutating func close(day: String, lot: Lot, quantity: Int, price: Int, at: Date, reason: String) {
        let bought = Double(lot.price * quantity)
        let sold = Double(price * quantity)
        let pnl = Int(sold - bought) - costs.commission(on: bought) - costs.commission(on: sold) - costs.tax(onSellOf: sold)
        trades.append(ReplayTrade(day: day, rule: lot.plan.rule, ticker: lot.ticker.code, newsID: lot.plan.newsID, headline: lot.plan.headline,
                                  entryAt: lot.at.epochMilliseconds, entryPrice: lot.price, quantity: quantity, exitAt: at.epochMilliseconds,
                                  exitPrice: price, exitReason: reason, pnl: pnl, returnPercent: Self.rounded(Double(pnl) / bought * 100)))
    }

    /// A skip reason with its numbers masked, so reasons group.
    static func category(_ reason: String) -> String {
        var out = ""
        var lastWasDigit = false
        for character in reason {
            if character.isASCII, character.isNumber {
                if !lastWasDigit { out.append("#") }
                lastWasDigit = true
            } else {
                out.append(character)
                lastWasDigit = false
            }
        }
        return out
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    func result(configuration: ReplayConfiguration, headlines: Int, outOfOrder: Int) -> ReplayResult {
        let ordered = trades.enumerated().sorted { ($0.element.exitAt, $0.offset) < ($1.element.exitAt, $1.offset) }.map(\.element)
        let session = Double(days.count) * Double(configuration.session.upperBound - configuration.session.lowerBound)
        let names = Set(configuration.rules.rules.map(\.name)).union(ordered.map(\.rule)).union(skips.keys.filter { $0 != "-" })
        let rules = names.sorted().map { name in
            Self.figures(name, ordered.filter { $0.rule == name }, session: session, skipped: skips[name] ?? [:], unfilled: unfilled[name] ?? 0)
        }
        var allSkips: [String: Int] = [:]
        for (_, reasons) in skips { for (reason, count) in reasons { allSkips[reason, default: 0] += count } }
        let total = Self.figures("total", ordered, session: session, skipped: allSkips, unfilled: unfilled.values.reduce(0, +))
        var cumulative = 0
        let equity = ordered.map { trade -> EquityPoint in
            cumulative += trade.pnl
            return EquityPoint(at: trade.exitAt, pnl: cumulative, rule: trade.rule)
        }
        return ReplayResult(latencyMs: configuration.model.latencyMilliseconds, slippageTicks: configuration.model.slippageTicks,
                            firstDay: days.first, lastDay: days.last, days: days.count, headlines: headlines, outOfOrder: outOfOrder,
                            rules: rules, total: total, trades: ordered, missing: missing, equity: equity, variant: nil)
    }

    static func figures(_ name: String, _ trades: [ReplayTrade], session: Double, skipped: [String: Int], unfilled: Int) -> RuleFigures {
        let returns = trades.map(\.returnPercent).sorted()
        let median: Double
        if returns.isEmpty { median = 0 } else if returns.count % 2 == 1 { median = returns[returns.count / 2] } else {
            median = (returns[returns.count / 2 - 1] + returns[returns.count / 2]) / 2
        }
        var peak = 0, cumulative = 0, drawdown = 0
        for trade in trades {
            cumulative += trade.pnl
            peak = max(peak, cumulative)
            drawdown = max(drawdown, peak - cumulative)
        }
        // Time with at least one position open (overlapping trades count once), so it never passes 100 %.
        var held = 0.0
        var covered: (start: Int64, end: Int64)?
        for trade in trades.sorted(by: { ($0.entryAt, $0.exitAt) < ($1.entryAt, $1.exitAt) }) {
            if let current = covered, trade.entryAt <= current.end {
                covered = (current.start, max(current.end, trade.exitAt))
            } else {
                if let current = covered { held += Double(current.end - current.start) / 1000 }
                covered = (trade.entryAt, trade.exitAt)
            }
        }
        if let current = covered { held += Double(current.end - current.start) / 1000 }
        var reasons: [String: Int] = [:]
        for trade in trades { reasons[trade.exitReason, default: 0] += 1 }
        let wins = trades.filter { $0.pnl > 0 }.count
        return RuleFigures(rule: name, trades: trades.count,
                           winRatePercent: trades.isEmpty ? 0 : rounded(Double(wins) / Double(trades.count) * 100),
                           averageReturnPercent: trades.isEmpty ? 0 : rounded(returns.reduce(0, +) / Double(returns.count)),
                           medianReturnPercent: rounded(median), totalPnl: cumulative, maxDrawdown: drawdown,
                           exposurePercent: session > 0 ? rounded(held / session * 100) : 0, exitReasons: reasons, skipped: skipped,
                           unfilled: unfilled)
    }
}
