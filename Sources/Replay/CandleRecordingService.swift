import Foundation
import Logging
import ServiceLifecycle
import SokboCore

/// When and how long recorded candles are kept (`SOKBO_RECORD_CANDLES_AT`, `SOKBO_RECORD_RETENTION_DAYS`).
public struct RecordingSettings: Sendable, Hashable {
    /// Seconds after KST midnight at which a trading day's candles are fetched; nil: never.
    public var at: Int?
    /// Candle rows of days older than this many days are deleted after each recording.
    public var retentionDays: Int

    /// Defaults: 16:00 KST (after the close and the after-hours single price session's start), 90 days.
    public init(at: Int? = 16 * 3600, retentionDays: Int = 90) {
        self.at = at
        self.retentionDays = retentionDays
    }
}

/// After each trading day's close, fetches the minute candles of every stock a rule touched that day (a stored
/// signal naming a rule and a stock) and stores them for replays; then deletes candles past the retention.
/// Every venue call is `.background`, so trading and lookups go first under the query budget.
public struct CandleRecordingService: Service {
    let recorder: CandleRecorder
    let store: any Store
    let calendar: MarketCalendar
    let settings: RecordingSettings
    let logger: Logger
    let now: @Sendable () -> Date

    /// A service recording through `broker` into `store`.
    public init(broker: any Broker, store: any Store, calendar: MarketCalendar, settings: RecordingSettings, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.recorder = CandleRecorder(broker: broker, now: now)
        self.store = store
        self.calendar = calendar
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    /// Until graceful shutdown: sleeps to each trading day's recording time, records, prunes.
    public func run() async throws {
        guard let at = settings.at else { return await waitForShutdown() }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let next = Self.nextRun(after: now(), at: at, calendar: calendar)
            do {
                let wait = Duration.milliseconds(Int64(max(0, next.timeIntervalSince(now())) * 1000))
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch { return }
            let outcome = await record(day: KST.dayString(next))
            logger.info("recorded candles for replays", metadata: ["day": "\(KST.dayString(next))", "stocks": "\(outcome.recorded)",
                                                                   "failed": "\(outcome.failed)"])
            await prune()
        }
    }

    /// The first recording instant strictly after `date`: `at` on a trading day.
    public static func nextRun(after date: Date, at: Int, calendar: MarketCalendar) -> Date {
        var day = date.addingTimeInterval(-Double(KST.secondsIntoDay(date)))
        while true {
            let candidate = day.addingTimeInterval(Double(at))
            if candidate > date, calendar.isTradingDay(candidate) { return candidate }
            day = day.addingTimeInterval(86_400)
        }
    }

    /// Records the day's touched stocks not recorded yet; returns how many were stored and how many failed.
    public func record(day: String) async -> (recorded: Int, failed: Int) {
        guard let midnight = KST.date(yyyymmdd: day, hhmmss: "000000") else { return (0, 0) }
        var signals = RowQuery(table: .signals, orderBy: "created_at", descending: false, limit: 1_000_000)
        signals.atLeast["created_at"] = .integer(midnight.epochMilliseconds)
        signals.atMost["created_at"] = .integer(midnight.addingTimeInterval(86_400).epochMilliseconds - 1)
        var existing = RowQuery(table: .candles, orderBy: "id", descending: false, limit: 1_000_000)
        existing.equals["day"] = .text(day)
        let touched: Set<Ticker>
        let done: Set<String>
        do {
            touched = Set(try await store.select(signals).compactMap(SignalRecord.init(row:)).filter { $0.rule != nil }.compactMap(\.ticker))
            done = Set(try await store.select(existing).map(\.key))
        } catch {
            logger.warning("cannot read the day's signals for candle recording", metadata: ["error": "\(error)"])
            return (0, 0)
        }
        var recorded = 0, failed = 0
        for ticker in touched.sorted() where !done.contains(day + "-" + ticker.code) {
            if Task.isCancelled { break }
            do {
                let candles = try await recorder.record(ticker, day: day)
                recorded += try await store.insert([candles.row], into: .candles)
            } catch {
                failed += 1
                logger.warning("cannot record candles; a replay will report the stock as missing",
                               metadata: ["ticker": "\(ticker)", "day": "\(day)", "error": "\(error)"])
            }
        }
        return (recorded, failed)
    }

    /// Deletes candles of days older than the retention.
    func prune() async {
        let cutoff = KST.dayString(now().addingTimeInterval(-Double(settings.retentionDays) * 86_400))
        do {
            let deleted = try await store.deleteRows(.candles, where: "day", below: .text(cutoff))
            if deleted > 0 { logger.info("deleted candles past the retention", metadata: ["rows": "\(deleted)", "before": "\(cutoff)"]) }
        } catch {
            logger.warning("cannot delete candles past the retention", metadata: ["error": "\(error)"])
        }
    }

    private func waitForShutdown() async {
        try? await gracefulShutdown()
    }
}
