import Foundation
import SokboCore

/// When the poller works: KST `[openHour, closeHour)` on weekdays, and on weekends the same hours at a slow cadence.
///
/// Default 08:00–20:00: filings run 07:30 – ≈19:00 KST (dart.md §3.4, observed on 2022-01-03), so the close leaves an
/// hour after the evening tail; what arrives before 08:00 or after 20:00 is read by the next day's first poll, which
/// sweeps every day since the last one read in full (`DARTPoller`). dart.md gives no weekend figures (its samples are
/// business days), so weekends are polled every 15 minutes by default: cheap (48 requests of a 16,000 share) and
/// the Monday sweep reads anything in between. Exchange holidays are not known here: on a holiday the poller polls
/// an empty day, which costs budget but no correctness.
public struct DARTMarketHours: Sendable, Hashable, CustomStringConvertible {
    /// How Saturdays and Sundays (KST) are polled.
    public enum Weekends: Sendable, Hashable {
        /// Not polled; the first weekday poll sweeps them.
        case skipped
        /// Polled during the hours, at most once per interval.
        case slow(every: Duration)
        /// Polled like a weekday.
        case likeWeekdays
    }

    /// First hour polled (KST).
    public var openHour: Int
    /// First hour not polled (KST).
    public var closeHour: Int
    /// How weekends are polled.
    public var weekends: Weekends

    /// The live venue's schedule: weekdays 08:00–20:00 KST, weekends every 15 minutes in the same hours.
    public static let venue = DARTMarketHours()

    /// Around the clock, every day at full cadence (an explicit override; the real venue files no such hours).
    public static let always = DARTMarketHours(openHour: 0, closeHour: 24, weekends: .likeWeekdays)

    /// The default weekend cadence.
    public static let defaultWeekendInterval: Duration = .seconds(900)

    /// Creates market hours.
    public init(openHour: Int = 8, closeHour: Int = 20, weekends: Weekends = .slow(every: DARTMarketHours.defaultWeekendInterval)) {
        self.openHour = min(max(openHour, 0), 23)
        self.closeHour = min(max(closeHour, self.openHour + 1), 24)
        self.weekends = weekends
    }

    /// Whether `date` falls on a polled day inside the hours.
    public func isOpen(at date: Date) -> Bool {
        guard polls(on: date) else { return false }
        let seconds = KST.secondsIntoDay(date)
        return seconds >= openHour * 3600 && seconds < closeHour * 3600
    }

    /// The shortest pause between polls on the day of `date` beyond the budget's own pacing (weekends when slow).
    public func minimumInterval(at date: Date) -> Duration? {
        guard !Self.isWeekday(date), case .slow(let every) = weekends else { return nil }
        return every
    }

    /// The close of the session `date` is in (or of today when closed).
    public func close(on date: Date) -> Date {
        midnight(of: date).addingTimeInterval(TimeInterval(closeHour * 3600))
    }

    /// The next opening strictly after `date` (or `date` itself when open).
    public func nextOpen(after date: Date) -> Date {
        if isOpen(at: date) { return date }
        var day = midnight(of: date)
        for _ in 0..<8 {
            let open = day.addingTimeInterval(TimeInterval(openHour * 3600))
            if open > date, polls(on: open) { return open }
            day = day.addingTimeInterval(86_400)
        }
        return day
    }

    /// `08-20 KST, weekends every 900 s`.
    public var description: String {
        let days = switch weekends {
        case .skipped: "weekdays only"
        case .slow(let every): "weekends every \(every.components.seconds) s"
        case .likeWeekdays: "every day"
        }
        return "\(openHour)-\(closeHour) KST, \(days)"
    }

    /// Monday to Friday in KST.
    public static func isWeekday(_ date: Date) -> Bool {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 9 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let weekday = ((days + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday >= 1 && weekday <= 5
    }

    private func polls(on date: Date) -> Bool {
        if case .skipped = weekends { return Self.isWeekday(date) }
        return true
    }

    private func midnight(of date: Date) -> Date {
        date.addingTimeInterval(-TimeInterval(KST.secondsIntoDay(date)) - date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1))
    }
}
