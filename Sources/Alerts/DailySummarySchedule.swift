import Foundation
import SokboCore

/// When the daily summary is due: once per KST day, when the time of day passes `secondsIntoDay` while
/// the process runs (a process started after it sends none that day). Pure: the caller passes the time.
public struct DailySummarySchedule: Sendable {
    /// Seconds after KST midnight (15:40 by default: after the 15:30 close and the closing auction).
    public let secondsIntoDay: Int
    private var lastDay: String?

    /// A schedule at `secondsIntoDay` KST.
    public init(secondsIntoDay: Int) {
        self.secondsIntoDay = secondsIntoDay
    }

    /// True once per day when the summary is due at `now`.
    public mutating func isDue(at now: Date) -> Bool {
        let day = KST.dayString(now)
        let past = KST.secondsIntoDay(now) >= secondsIntoDay
        guard let lastDay else {
            // First look: if today's time has already passed, today is done (no summary of a day half watched).
            self.lastDay = past ? day : "none"
            return false
        }
        guard day != lastDay, past else { return false }
        self.lastDay = day
        return true
    }
}
