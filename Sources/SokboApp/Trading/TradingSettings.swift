import Configuration
import Foundation
import SokboCore
import Trading

/// The engine's settings (scope `sokbo.trading`).
///
/// | key (env)                         | default            | meaning |
/// |-----------------------------------|--------------------|---------|
/// | `SOKBO_RULES_FILE`                | shipped defaults   | YAML rules (see rules.example.yaml) |
/// | `SOKBO_HOLIDAYS_FILE`             | shipped calendar   | KRX holidays, one YYYYMMDD per line |
/// | `SOKBO_TRADING_HOURS`             | `09:00-15:20` (`always` in simulate) | the KST window for new entries |
/// | `SOKBO_TRADING_HALTED`            | `false`            | start with the kill switch on |
/// | `SOKBO_DAILY_BUDGET`              | 10,000,000 (required in live) | KRW all buys of a day may spend |
/// | `SOKBO_MAX_PER_ORDER`             | 2,000,000          | KRW per order |
/// | `SOKBO_MAX_ORDERS_PER_DAY`        | 20                 | |
/// | `SOKBO_BUYS_PER_TICKER_PER_DAY`   | 1                  | |
/// | `SOKBO_COOLDOWN_SECONDS`          | 300                | per ticker |
/// | `SOKBO_ENTRY_DEADLINE_MS`         | 3000               | an entry's order leaves within this of its headline's receipt, or the entry is skipped |
/// | `SOKBO_FLATTEN_AT`                | `15:15` (`off` with `SOKBO_TRADING_HOURS=always`) | KST time every position of a rule that flattens at the close is sold (`off`: never) |
/// | `SOKBO_DAILY_LOSS_LIMIT`          | 5 % of the daily budget | KRW of realised + unrealised loss that halts entries for the day (`0`: off) |
/// | `SOKBO_MAX_OPEN_POSITIONS`        | 10                 | stocks held or being entered at once (`0`: no limit) |
/// | `SOKBO_COMMISSION_PERCENT`        | 0.015              | broker commission per side, percent (Kiwoom online, 2026) |
/// | `SOKBO_SELL_TAX_PERCENT`          | 0.20               | securities transaction tax on sells, percent (2026) |
public struct TradingSettings: Sendable {
    /// The rules in force.
    public var rules: RuleSet
    /// Trading days and the entry window.
    public var calendar: MarketCalendar
    /// Whether entries are allowed at any hour.
    public var alwaysOpen: Bool
    /// Whether trading starts halted.
    public var startHalted: Bool
    /// Risk limits.
    public var limits: RiskLimits
    /// The entry deadline.
    public var entryDeadline: Duration
    /// KST second of the day every flattening rule's positions are sold (nil: never).
    public var flattenAtSecondsKST: Int?
    /// KRW of loss that halts entries for the day (nil: off).
    public var dailyLossLimit: Int?
    /// Stocks held or being entered at once (nil: no limit).
    public var maxOpenPositions: Int?
    /// Commission and tax.
    public var costs: TradingCosts

    /// Reads the settings (the replay reads them too, so it trades with the live limits and rules).
    public init(reader: ConfigReader, mode: TradingMode) throws(SettingsError) {
        let config = reader.settingsScope("sokbo")
        if let path = config.string(forKey: "rules.file") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SettingsError(key: "sokbo.rules.file", message: "cannot read \(path)")
            }
            do { rules = try RuleFile.parse(text) } catch {
                throw SettingsError(key: "sokbo.rules.file", message: "\(path): \(error)")
            }
        } else {
            do { rules = try RuleFile.parse(RuleFile.defaultYAML) } catch {
                throw SettingsError(key: "sokbo.rules.file", message: "shipped defaults: \(error)")
            }
        }
        let holidays: String
        if let path = config.string(forKey: "holidays.file") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SettingsError(key: "sokbo.holidays.file", message: "cannot read \(path)")
            }
            holidays = text
        } else {
            holidays = Bundle.module.url(forResource: "krx-holidays", withExtension: "txt")
                .flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        }
        var calendar: MarketCalendar
        do { calendar = try MarketCalendar(holidayFile: holidays) } catch {
            throw SettingsError(key: "sokbo.holidays.file", message: "\(error)")
        }
        let hours = try config.parse("trading.hours", default: mode == .simulate ? "always" : "09:00-15:20") { Self.window($0) == nil ? nil : $0 }
        alwaysOpen = hours == "always"
        if let (start, end) = Self.window(hours), !alwaysOpen {
            calendar.entryStart = start
            calendar.entryEnd = end
        }
        self.calendar = calendar
        startHalted = try config.parse("trading.halted", default: false) { Bool($0.lowercased()) }
        let defaults = RiskLimits()
        let budgetSet = config.string(forKey: "daily.budget") != nil || config.int(forKey: "daily.budget") != nil
        if mode == .live, !budgetSet {
            throw SettingsError(key: "sokbo.daily.budget", message: "live trading needs an explicit SOKBO_DAILY_BUDGET")
        }
        let positive: (String) -> Int? = { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        limits = RiskLimits(
            dailyBudget: try config.parse("daily.budget", default: defaults.dailyBudget, positive),
            maxPerOrder: try config.parse("max.per.order", default: defaults.maxPerOrder, positive),
            maxOrdersPerDay: try config.parse("max.orders.per.day", default: defaults.maxOrdersPerDay, positive),
            buysPerTickerPerDay: try config.parse("buys.per.ticker.per.day", default: defaults.buysPerTickerPerDay, positive),
            cooldownSeconds: try config.parse("cooldown.seconds", default: defaults.cooldownSeconds) { Int($0).flatMap { $0 >= 0 ? $0 : nil } })
        let defaultDeadline = Int(TradingEngine.Settings.defaultEntryDeadline.components.seconds * 1000)
        entryDeadline = .milliseconds(try config.parse("entry.deadline.ms", default: defaultDeadline, positive))
        // A market open around the clock (simulate mode's default) has no close to flatten before.
        let flatten = try config.parse("flatten.at", default: alwaysOpen ? "off" : "15:15") { $0 == "off" || Self.seconds(Substring($0)) != nil ? $0 : nil }
        flattenAtSecondsKST = flatten == "off" ? nil : Self.seconds(Substring(flatten))
        let nonNegative: (String) -> Int? = { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        let lossLimit = try config.parse("daily.loss.limit", default: limits.dailyBudget / 20, nonNegative)
        dailyLossLimit = lossLimit == 0 ? nil : lossLimit
        let maxOpen = try config.parse("max.open.positions", default: 10, nonNegative)
        maxOpenPositions = maxOpen == 0 ? nil : maxOpen
        let percent: (String) -> Double? = { Double($0).flatMap { $0 >= 0 && $0 < 10 ? $0 : nil } }
        let defaultCosts = TradingCosts()
        costs = TradingCosts(commissionPercent: try config.parse("commission.percent", default: defaultCosts.commissionPercent, percent),
                             sellTaxPercent: try config.parse("sell.tax.percent", default: defaultCosts.sellTaxPercent, percent))
    }

    /// `HH:MM-HH:MM` → seconds since midnight; `always` → the whole day.
    static func window(_ text: String) -> (Int, Int)? {
        if text == "always" { return (0, 86_400) }
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = seconds(parts[0]), let end = seconds(parts[1]), start < end else { return nil }
        return (start, end)
    }

    private static func seconds(_ hhmm: Substring) -> Int? {
        let parts = hhmm.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m) else { return nil }
        return min(86_400, h * 3600 + m * 60)
    }
}
