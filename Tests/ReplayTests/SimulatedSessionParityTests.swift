import Configuration
import Foundation
import Replay
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Backtest–live parity: a session traded in simulate mode (the real engine against the built-in simulator, its
/// limits on), recorded the way Sokbo records (the stored headlines, the candles fetched by `CandleRecorder`
/// through the live `KiwoomBroker`), then replayed with the same rules and zero latency: the same stocks enter
/// and exit in the same order for the same reasons, at prices within the documented fill model's tolerance.
@Suite("Parity: a simulate-mode session and its replay")
struct SimulatedSessionParityTests {
    /// Market orders and a one-minute time limit, every other exit off: each trade's exit is decided by the clock.
    static let rulesYAML = """
    rules:
      - name: supply-contract
        any: [공급계약, 단일판매]
        veto: [취소, 철회, 정정, 해지, 해제, 불성실]
        budget: 1000000
        order: market
        max-rise-percent: 30
        take-profit-percent: off
        stop-loss-percent: off
        trail-percent: off
        max-hold-minutes: 1
        flatten-at-close: false
    """

    static let stocks: [(Ticker, String)] = [(Ticker("005930")!, "삼성전자"), (Ticker("035720")!, "카카오"), (Ticker("055550")!, "신한지주")]

    /// Not across KST midnight: the session and its recording must be one KST day.
    static var notNearMidnight: Bool { KST.secondsIntoDay(Date()) < 23 * 3600 + 40 * 60 }

    @Test(.enabled(if: notNearMidnight)) func aReplayedSessionEntersAndExitsAsTheLiveOneDid() async throws {
        let directory = TestStores.temporaryDirectory()
        let rulesPath = directory + "/parity-rules.yaml"
        try Self.rulesYAML.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let url = try await TestStores.freshURL("sqlite")
        guard case .sqlite(let path) = url else { Issue.record("not SQLite"); return }
        let values: [String: String] = [
            "sokbo.data.dir": directory, "sokbo.api.token": "parity-token-0123456789", "sokbo.http.port": "0",
            "sokbo.database.url": "sqlite://\(path)", "sokbo.flush.interval.ms": "100", "sokbo.rules.file": rulesPath,
            // Only the test's own headlines, and no deadline or slot bound to trip on a loaded machine.
            "sokbo.simulator.news.per.second": "0.001", "sokbo.simulator.seed": "11", "sokbo.entry.deadline.ms": "600000",
            "kiwoom.max.wait.ms": "120000", "kiwoom.lookup.max.wait.ms": "60000",
        ]
        let reader = ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        })))
        let sokbo = try await buildApplication(reader: reader, logger: TestStores.logger)
        let live = try TradingSettings(reader: reader, mode: .simulate)
        let simulated = try #require(sokbo.simulated)
        let day = KST.dayString(Date())

        let (liveTrades, lines) = try await sokbo.withRunning { _ -> ([Trade], [RecordLine]) in
            let subscribed = try await eventually(timeout: .seconds(300)) { await simulated.ls.counters().subscriptionsAccepted > 0 }
            #expect(subscribed, "the news listener never subscribed")
            // Each headline once the previous entry holds its shares, so the positions overlap.
            for (index, (ticker, name)) in Self.stocks.enumerated() {
                await simulated.ls.publish(title: "\(name), \(index + 1)천억원 규모 단일판매 공급계약 체결", tickers: [ticker])
                let entered = try await eventually(timeout: .seconds(300)) {
                    if await sokbo.engine.positions().contains(where: { $0.ticker == ticker }) { return true }
                    return try await Self.trades(sokbo.store).contains { $0.ticker == ticker }
                }
                #expect(entered, "no entry into \(ticker)")
            }
            let closed = try await eventually(timeout: .seconds(600)) {
                guard await sokbo.engine.positions().isEmpty else { return false }
                return try await Self.trades(sokbo.store).count >= Self.stocks.count
            }
            #expect(closed, "the live trades did not all close")
            _ = await sokbo.flusher.flush()
            // Recorded as Sokbo records a day: the stored headlines, and the candles of every stock a rule touched,
            // fetched through the live broker (the simulator's minute bars are its walk's own prints).
            let recorder = CandleRecorder(broker: sokbo.broker)
            var lines: [RecordLine] = []
            for (ticker, _) in Self.stocks {
                lines.append(.candles(try await recorder.record(ticker, day: day, session: ReplayConfiguration.wholeDay)))
            }
            var query = RowQuery(table: .news, orderBy: "received_at", descending: false, limit: 10_000)
            query.atLeast["received_at"] = .integer(KST.date(yyyymmdd: day, hhmmss: "000000")!.epochMilliseconds)
            lines += try await sokbo.store.select(query).compactMap(NewsItem.init(row:)).map { .news($0) }
            return (try await Self.trades(sokbo.store), lines)
        }

        // The replay: the same rules, limits, protections and costs, simulate mode's always-open hours, the whole
        // day as the session, no latency, no slippage.
        var calendar = live.calendar
        calendar.entryStart = 0
        calendar.entryEnd = 86_400
        calendar.holidays = []
        var configuration = ReplayConfiguration(rules: live.rules, limits: live.limits, calendar: calendar, model: FillModel(),
                                                costs: live.costs, flattenAt: 86_399, dailyLossLimit: live.dailyLossLimit,
                                                maxOpenPositions: live.maxOpenPositions)
        configuration.session = ReplayConfiguration.wholeDay
        var source = ArrayRecordSource(lines)
        let replay = try await ReplayDriver(configuration: configuration).run(&source)
        #expect(replay.missing.isEmpty, "\(replay.missing)")

        let liveByEntry = liveTrades.sorted { $0.openedAt < $1.openedAt }
        let replayByEntry = replay.trades.sorted { $0.entryAt < $1.entryAt }
        #expect(liveByEntry.map(\.ticker.code) == replayByEntry.map(\.ticker), "entries: the same stocks in the same order")
        #expect(liveTrades.sorted { $0.closedAt < $1.closedAt }.map(\.ticker.code) == replay.trades.map(\.ticker),
                "exits: the same stocks in the same order")
        #expect(liveByEntry.map { $0.exitReason?.rawValue ?? "" } == replayByEntry.map(\.exitReason), "the same exit reasons")
        #expect(liveByEntry.map { $0.newsID ?? "" } == replayByEntry.map(\.newsID), "entered on the same headlines")

        // Prices within the fill model's tolerance: each replayed fill, and the live fill, lie within the range of the
        // recorded minute candles from a minute before the earlier of the two to the minute of the later, widened by
        // one tick (the live book's ask is a tick above the last print) plus the slippage ticks (0 here).
        let candles = Dictionary(uniqueKeysWithValues: lines.compactMap { line -> (String, [Candle])? in
            if case .candles(let recorded) = line { (recorded.ticker.code, recorded.candles) } else { nil }
        })
        for (live, replayed) in zip(liveByEntry, replayByEntry) where live.ticker.code == replayed.ticker {
            let bars = try #require(candles[replayed.ticker])
            for (liveAt, livePrice, replayAt, replayPrice, leg) in [
                (live.openedAt, live.entryPrice, Date(epochMilliseconds: replayed.entryAt), Double(replayed.entryPrice), "entry"),
                (live.closedAt, live.exitPrice, Date(epochMilliseconds: replayed.exitAt), Double(replayed.exitPrice), "exit"),
            ] {
                let from = min(liveAt, replayAt).addingTimeInterval(-60), to = max(liveAt, replayAt)
                let window = bars.filter { $0.time >= from.addingTimeInterval(-60) && $0.time <= to }
                let low = try #require(window.map(\.low).min(), "no candle around the \(leg) of \(replayed.ticker)")
                let high = try #require(window.map(\.high).max())
                let band = Double(KRXTick.down(from: low))...Double(KRXTick.up(from: high, ticks: 1))
                #expect(band.contains(replayPrice), "\(replayed.ticker) \(leg): replayed \(replayPrice) outside \(band)")
                #expect(band.contains(livePrice), "\(replayed.ticker) \(leg): live \(livePrice) outside \(band) — candles inconsistent with the ticks")
            }
        }
    }

    static func trades(_ store: any Store) async throws -> [Trade] {
        try await store.select(RowQuery(table: .trades, orderBy: "closed_at", descending: false, limit: 1_000))
            .compactMap(TradeRecord.init(row:)).map(\.trade)
    }
}
