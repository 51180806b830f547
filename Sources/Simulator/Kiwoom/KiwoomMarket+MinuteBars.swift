import Foundation
import SokboCore

/// Today's minute bars as the market's own walk printed them: what `ka10080` serves for today, so a
/// session traded against the simulator can be recorded and replayed against the prices it traded at.
struct MinuteBar: Sendable, Hashable {
    /// The minute's start.
    let minute: Date
    var open: Int
    var high: Int
    var low: Int
    var close: Int
    var volume: Int
}

extension KiwoomMarket {
    /// Adds a print of `price` at `now` to the stock's bar of that minute (a new bar when the minute is new);
    /// bars of earlier KST days are dropped, so a stock keeps at most one day of bars.
    mutating func recordPrint(_ code: String, price: Int, volume: Int, at now: Date) {
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        var bars = minuteBars[code] ?? []
        if let first = bars.first, KST.dayString(first.minute) != KST.dayString(minute) { bars = [] }
        if var last = bars.last, last.minute == minute {
            last.high = max(last.high, price)
            last.low = min(last.low, price)
            last.close = price
            last.volume += volume
            bars[bars.count - 1] = last
        } else {
            bars.append(MinuteBar(minute: minute, open: price, high: price, low: price, close: price, volume: volume))
        }
        minuteBars[code] = bars
    }

    /// Today's bars of a stock, oldest first (empty before its first print today).
    func todaysBars(_ code: String, today: Date) -> [MinuteBar] {
        guard let bars = minuteBars[code], let first = bars.first, KST.dayString(first.minute) == KST.dayString(today) else { return [] }
        return bars
    }
}
