import Foundation
import SokboCore

/// When the poller works: KST `[openHour, closeHour)`, Monday to Friday. Default 08:00–18:00, which covers the
/// pre-market, the 09:00–15:30 session and the after-hours window in which most exchange disclosures arrive
/// (filings run 07:30–19:00 and peak 15:00–17:00). Exchange holidays are not known here: on a holiday the poller
/// polls an empty day, which costs budget but no correctness.
public struct DARTMarketHours: Sendable, Hashable {
    /// First hour polled (KST).
    public var openHour: Int
    /// First hour not polled (KST).
    public var closeHour: Int
    /// Monday to Friday only (true for the real market; the simulator may run every day).
    public var weekdaysOnly: Bool

    /// Creates market hours.
    public init(openHour: Int = 8, closeHour: Int = 18, weekdaysOnly: Bool = true) {
        self.openHour = min(max(openHour, 0), 23)
        self.closeHour = min(max(closeHour, self.openHour + 1), 24)
        self.weekdaysOnly = weekdaysOnly
    }

    /// Whether `date` falls on a polled day inside the hours.
    public func isOpen(at date: Date) -> Bool {
        guard !weekdaysOnly || Self.isWeekday(date) else { return false }
        let seconds = KST.secondsIntoDay(date)
        return seconds >= openHour * 3600 && seconds < closeHour * 3600
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
            if open > date, !weekdaysOnly || Self.isWeekday(open) { return open }
            day = day.addingTimeInterval(86_400)
        }
        return day
    }

    /// Monday to Friday in KST.
    public static func isWeekday(_ date: Date) -> Bool {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 9 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let weekday = ((days + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday >= 1 && weekday <= 5
    }

    private func midnight(of date: Date) -> Date {
        date.addingTimeInterval(-TimeInterval(KST.secondsIntoDay(date)) - date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1))
    }
}
