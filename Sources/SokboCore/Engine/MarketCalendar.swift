import Foundation

/// KRX trading days and the window for new entries, in KST.
public struct MarketCalendar: Sendable, Hashable {
    /// Holidays as `YYYYMMDD` (KST), besides weekends.
    public var holidays: Set<String>
    /// First second (since KST midnight) new entries are allowed: 09:00 by default.
    public var entryStart: Int
    /// Last second new entries are allowed: 15:20 by default (the closing auction starts then).
    public var entryEnd: Int

    /// Creates a calendar.
    public init(holidays: Set<String>, entryStart: Int = 9 * 3600, entryEnd: Int = 15 * 3600 + 20 * 60) {
        self.holidays = holidays
        self.entryStart = entryStart
        self.entryEnd = entryEnd
    }

    /// Parses the holiday file: one `YYYYMMDD` per line, `#` comments, blank lines ignored.
    public init(holidayFile text: String) throws(RuleFileError) {
        var days: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?.trimmingSpaces() ?? ""
            if line.isEmpty { continue }
            guard line.count == 8, KST.date(yyyymmdd: line, hhmmss: "000000") != nil else {
                throw RuleFileError(line: index + 1, message: "expected a date as YYYYMMDD, got \(line)")
            }
            days.insert(line)
        }
        self.init(holidays: days)
    }

    /// True on weekdays that are not holidays.
    public func isTradingDay(_ date: Date) -> Bool {
        let weekday = KST.calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7 && !holidays.contains(KST.dayString(date))
    }

    /// True when a new entry may be sent at `date`.
    public func allowsEntry(at date: Date) -> Bool {
        guard isTradingDay(date) else { return false }
        let second = KST.secondsIntoDay(date)
        return second >= entryStart && second < entryEnd
    }
}
