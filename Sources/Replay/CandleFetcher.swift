import Foundation
import SokboCore
import Synchronization

/// Candles on demand: when a replay meets a stock whose day was not recorded, the day's minute candles
/// (`ka10080`) and reference are fetched through the broker (`CandleRecorder`: `.background` purpose, so the
/// client's pacing puts them behind trading and lookups, within the venue's query budget), stored for the next
/// replay, and used. A stock the venue cannot answer for stays missing and is reported as before, never guessed;
/// it is asked for once per fetcher.
public final class CandleFetcher: Sendable {
    private let recorder: CandleRecorder
    private let store: (any Store)?
    private let session: ClosedRange<Int>
    /// `day-ticker` keys already asked for that gave nothing.
    private let failed = Mutex<Set<String>>([])
    private let counts = Mutex<(fetched: Int, failed: Int)>((0, 0))

    /// A fetcher through `broker`, storing what it fetches in `store` (when given).
    public init(broker: any Broker, store: (any Store)?, session: ClosedRange<Int> = ReplayConfiguration.regularSession) {
        self.recorder = CandleRecorder(broker: broker)
        self.store = store
        self.session = session
    }

    /// Stocks fetched, and asks that gave nothing, so far.
    public var fetchedAndFailed: (fetched: Int, failed: Int) { counts.withLock { $0 } }

    /// One stock's day, fetched and stored; nil when the venue has none (or refused).
    public func candles(_ ticker: Ticker, day: String) async -> DayCandles? {
        let key = day + "-" + ticker.code
        guard !failed.withLock({ $0.contains(key) }) else { return nil }
        guard let fetched = try? await recorder.record(ticker, day: day, session: session), !fetched.candles.isEmpty else {
            failed.withLock { _ = $0.insert(key) }
            counts.withLock { $0.failed += 1 }
            return nil
        }
        counts.withLock { $0.fetched += 1 }
        // Stored for the next replay of the day (an existing row is kept: inserts skip natural-key duplicates).
        _ = try? await store?.insert([fetched.row], into: .candles)
        return fetched
    }
}
