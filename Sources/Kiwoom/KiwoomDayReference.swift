import Foundation
import SokboCore

/// What Kiwoom says about a stock that changes at most once a trading day: name, base price and price
/// limits (`ka10001`), margin rate (`kt00011`, or the `증거금NN%` of `ka10100`'s `state`) and the halt
/// designation (`거래정지` in that `state`). Read once per stock per trading day and reused by every
/// snapshot of that day, so an entry costs only its order book.
struct KiwoomDayReference: Sendable {
    /// The stock.
    var ticker: Ticker
    /// The trading day it belongs to (`session(of:dayStart:)`).
    var session: String
    /// The Korean name.
    var name: String
    /// The base price (기준가), won.
    var basePrice: Int
    /// The day's limit prices.
    var limits: DailyLimits
    /// The halt designation; nil when `ka10100` could not be read.
    var halted: Bool?
    /// The margin rate in percent; nil when neither `kt00011` nor `ka10100` gave it.
    var marginRatePercent: Int?

    /// A reference missing the halt state or the margin rate is used for the snapshot that read it, never
    /// kept: the next snapshot asks again rather than trading a whole day on an unknown.
    var isComplete: Bool { halted != nil && marginRatePercent != nil }

    /// The parts a snapshot built on it lacks.
    var missing: Set<StockSnapshot.Part> {
        var parts = Set<StockSnapshot.Part>()
        if halted == nil { parts.insert(.haltStatus) }
        if marginRatePercent == nil { parts.insert(.marginRate) }
        return parts
    }

    /// The trading day an instant belongs to: the KST date of `date − dayStart`. A reference read before
    /// `dayStart` KST belongs to the previous day and is read again once the new day has started.
    static func session(of date: Date, dayStart: Duration) -> String {
        KST.dayString(date.addingTimeInterval(-dayStart.seconds))
    }
}
