import Foundation
import SokboCore

/// The key's daily request budget, shared by every DART call of this process (DART counts all 83 APIs
/// together per key per day). Days are KST days; DART's reset time is undocumented, midnight KST is assumed.
public actor DARTRequestBudget {
    /// A snapshot for status pages.
    public struct Snapshot: Sendable, Codable, Hashable {
        /// The KST day counted, `YYYYMMDD`.
        public var day: String
        /// Requests made today.
        public var used: Int
        /// Requests left today (0 while exhausted).
        public var left: Int
        /// Set after a `020`: nothing is sent before this instant.
        public var exhaustedUntil: Date?
    }

    /// Requests per KST day.
    public let dailyLimit: Int
    private var day = ""
    private var used = 0
    private var exhaustedUntil: Date?

    /// Creates a budget of `dailyLimit` requests per KST day.
    public init(dailyLimit: Int) {
        self.dailyLimit = dailyLimit
    }

    /// Takes one request from today's budget, or throws `limitExceeded` when the day is spent or a `020` is pending.
    public func take(at now: Date) throws(DARTError) {
        roll(to: now)
        if let until = exhaustedUntil, now < until {
            throw DARTError.limitExceeded(message: "local budget: waiting for the 00:00 KST reset")
        }
        guard used < dailyLimit else {
            exhaustedUntil = Self.nextReset(after: now)
            throw DARTError.limitExceeded(message: "local budget: \(dailyLimit) requests used today")
        }
        used += 1
    }

    /// Records a `020`: nothing more until the next 00:00 KST.
    public func markExhausted(at now: Date) {
        roll(to: now)
        exhaustedUntil = Self.nextReset(after: now)
    }

    /// When the budget is usable again, or nil when it is usable now.
    public func blockedUntil(at now: Date) -> Date? {
        roll(to: now)
        if let until = exhaustedUntil, now < until { return until }
        return used >= dailyLimit ? Self.nextReset(after: now) : nil
    }

    /// Requests made today.
    public func usedToday(at now: Date) -> Int {
        roll(to: now)
        return used
    }

    /// A snapshot.
    public func snapshot(at now: Date) -> Snapshot {
        roll(to: now)
        let blocked = exhaustedUntil.map { now < $0 } ?? false
        return Snapshot(day: day, used: used, left: blocked ? 0 : max(0, dailyLimit - used), exhaustedUntil: blocked ? exhaustedUntil : nil)
    }

    /// 00:00 KST after an instant.
    public static func nextReset(after now: Date) -> Date { KST.next(hour: 0, after: now) }

    private func roll(to now: Date) {
        let today = KST.dayString(now)
        guard today != day else { return }
        day = today
        used = 0
        if let until = exhaustedUntil, now >= until { exhaustedUntil = nil }
    }
}
