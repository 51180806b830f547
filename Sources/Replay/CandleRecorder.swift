import Foundation
import SokboCore

/// Fetches what a replay needs of one stock and day from the venue: the minute candles (`ka10080`), the
/// day's base price from the daily candles (`ka10081`, the previous session's close) and the name and
/// margin rate from a snapshot. Every call carries the `.background` purpose, so the venue's pacing puts
/// it behind trading and lookups.
public struct CandleRecorder: Sendable {
    let broker: any Broker
    let now: @Sendable () -> Date

    /// A recorder over `broker`.
    public init(broker: any Broker, now: @escaping @Sendable () -> Date = { Date() }) {
        self.broker = broker
        self.now = now
    }

    /// One stock's day (the minutes of `session`, seconds after KST midnight: the regular session by default);
    /// the reference is nil (and reported by the replay) when it could not be read.
    public func record(_ ticker: Ticker, day: String, session: ClosedRange<Int> = ReplayConfiguration.regularSession) async throws -> DayCandles {
        guard let midnight = KST.date(yyyymmdd: day, hhmmss: "000000") else { throw RecordError("not a day: \(day)") }
        let open = midnight.addingTimeInterval(Double(session.lowerBound)), close = midnight.addingTimeInterval(Double(session.upperBound))
        return try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .background, deadline: nil)) {
            let minutes = try await broker.chart(ticker, interval: .minute, from: open, to: close)
            var reference: StockReference?
            if let daily = try? await broker.chart(ticker, interval: .day, from: midnight.addingTimeInterval(-14 * 86_400), to: midnight),
               let previous = daily.last(where: { $0.time < midnight }), let limits = KRXTick.dailyLimits(basePrice: previous.close),
               let snapshot = try? await broker.snapshot(ticker) {
                reference = StockReference(name: snapshot.name, basePrice: previous.close, upperLimit: limits.upper,
                                           lowerLimit: limits.lower, marginRatePercent: snapshot.marginRatePercent)
            }
            return DayCandles(day: day, ticker: ticker, reference: reference, candles: minutes.filter { KST.dayString($0.time) == day },
                              fetchedAt: now())
        }
    }
}
