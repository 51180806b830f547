import Foundation
import Replay
import SokboCore
import Testing

/// The live protections in a replay: the engine's own code applies `SOKBO_MAX_OPEN_POSITIONS` and
/// `SOKBO_DAILY_LOSS_LIMIT`, passed through the replay's configuration.
@Suite("Replay applies the live protections")
struct ReplayProtectionsTests {
    typealias F = ReplayFixtures

    static func run(_ lines: [RecordLine], maxOpenPositions: Int? = nil, dailyLossLimit: Int? = nil) async throws -> ReplayResult {
        var source = ArrayRecordSource(lines)
        let configuration = ReplayConfiguration(rules: F.rules, model: FillModel(), dailyLossLimit: dailyLossLimit,
                                                maxOpenPositions: maxOpenPositions)
        return try await ReplayDriver(configuration: configuration).run(&source)
    }

    /// Samsung at 10:00:30 and SK Hynix at 10:05 (each held 30 minutes, the rule's default), SK Hynix again at 10:40.
    static let lines: [RecordLine] = [
        .candles(F.candles()), .candles(F.candles(F.hynix)),
        .news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030"))),
        .news(F.headline("n2", "SK하이닉스 공급계약 체결", tickers: [F.hynix], at: F.at("100500"))),
        .news(F.headline("n3", "SK하이닉스 추가 공급계약 체결", tickers: [F.hynix], at: F.at("104000"))),
    ]

    @Test func aMaximumOfOneOpenPositionSkipsTheSecondStockUntilTheFirstIsSold() async throws {
        let free = try await Self.run(Self.lines)
        // Without the limit: Samsung and SK Hynix both enter on their first headline (one buy per stock a day).
        #expect(free.trades.map(\.newsID) == ["n1", "n2"])
        let one = try await Self.run(Self.lines, maxOpenPositions: 1)
        // With one: SK Hynix's first headline comes while Samsung is held and is skipped; its second, after
        // Samsung's time limit sold it, enters.
        #expect(one.trades.map(\.newsID) == ["n1", "n3"])
        #expect(one.trades.map(\.ticker) == ["005930", "000660"])
        let reasons = one.total.skipped.keys.joined(separator: " | ")
        #expect(reasons.contains("positions open or being entered (max #)"), "\(reasons)")
        #expect(one.total.skipped.values.reduce(0, +) == 1)
    }

    @Test func theDailyLossLimitHaltsEntriesForTheDay() async throws {
        // A loss limit of 1 won: Samsung's position is marked below its cost (bid under the ask, the costs of
        // selling) from its first tick, so the engine's limit turns its kill switch on (as live: entries halted,
        // the exit still runs) and the later headlines find trading halted.
        let limited = try await Self.run(Self.lines, dailyLossLimit: 1)
        #expect(limited.trades.map(\.newsID) == ["n1"])
        #expect(limited.trades.first?.exitReason == "time-limit", "the exit kept running")
        #expect(limited.total.skipped == ["trading is halted (kill switch)": 2])
        let loose = try await Self.run(Self.lines, dailyLossLimit: 10_000_000)
        #expect(loose.trades.map(\.newsID) == ["n1", "n2"])
    }
}
