import Foundation
import Replay
import SokboCore
import Testing

@Suite("Replay driver: the live engine on a recorded day")
struct ReplayDriverTests {
    typealias F = ReplayFixtures

    @Test func sameInputsGiveByteIdenticalJSON() async throws {
        var lines: [RecordLine] = [.candles(F.candles()), .candles(F.candles(F.hynix))]
        for i in 0..<40 {
            let ticker = i % 2 == 0 ? F.samsung : F.hynix
            lines.append(.news(F.headline("n\(i)", "삼성전자 대규모 공급계약 체결 \(i)", tickers: [ticker], at: F.at("100000", plusMilliseconds: i * 61_000))))
        }
        let first = try ReplayOutput.json([try await F.run(lines, model: FillModel(latencyMilliseconds: 300, slippageTicks: 1))])
        let second = try ReplayOutput.json([try await F.run(lines, model: FillModel(latencyMilliseconds: 300, slippageTicks: 1))])
        #expect(first == second)
        let result = try await F.run(lines)
        // One buy per ticker per day (the live default), so two trades, both sold by the engine after the
        // rule's default 30 minutes held.
        #expect(result.total.trades == 2)
        #expect(result.total.exitReasons == ["time-limit": 2])
    }

    @Test func aFutureCandleDoesNotChangeTheDecision() async throws {
        // The headline comes at 10:00:30. The 10:00 minute then jumps 20 %: a replay that read that minute's
        // close (look-ahead) would see the stock up past the rule's 15 % ceiling and skip.
        let headline = RecordLine.news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030")))
        let calm = try await F.run([.candles(F.candles()), headline])
        let jump = try await F.run([.candles(F.candles(override: ["1000": (70_000, 84_000, 70_000, 84_000)])), headline])
        #expect(calm.total.trades == 1)
        #expect(jump.total.trades == 1)
        #expect(jump.total.skipped.isEmpty)
        #expect(jump.trades.first?.quantity == calm.trades.first?.quantity)
    }

    @Test func missingCandlesAreReportedPerStockAndTheTradeSkipped() async throws {
        let lines: [RecordLine] = [
            .candles(F.candles()),
            .news(F.headline("n1", "SK하이닉스 공급계약 체결", tickers: [F.hynix], at: F.at("100000"))),
            .news(F.headline("n2", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100500"))),
        ]
        let result = try await F.run(lines)
        #expect(result.missing == [MissingData(day: F.day, ticker: "000660", reason: "no recorded minute candles for 000660 on 20261102")])
        #expect(result.total.trades == 1)
        #expect(result.trades.map(\.ticker) == ["005930"])
        let reasons = result.total.skipped.keys.joined(separator: " | ")
        #expect(reasons.contains("no recorded minute candles for"), "\(reasons)")
    }

    @Test func entriesFillAfterLatencyAndSlippageOnTheConservativePath() async throws {
        // Headline at 10:00:30 in a calm 10:00 minute (ask 70,000, so the marketable limit is 70,000); with 300 ms
        // the order arrives inside the 10:00 minute, whose adverse extreme (70,100) comes first: above the limit,
        // so it fills where the path comes back through the limit, at 70,000, and one tick of slippage cannot
        // take it past its limit. In the next test of the same day, a market order pays the extreme plus a tick.
        let headline = RecordLine.news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030")))
        let result = try await F.run([.candles(F.candles()), headline], model: FillModel(latencyMilliseconds: 300, slippageTicks: 1),
                                     costs: .zero)
        let trade = try #require(result.trades.first)
        #expect(trade.entryPrice == 70_000)
        #expect(trade.entryAt == F.at("100030", plusMilliseconds: 300).epochMilliseconds)
        #expect(trade.quantity == 14)
        // Sold by the engine's time limit (30 minutes held, the default) on the first tick past 10:30:30.3, the
        // 10:30 minute's close at 10:30:59: the market sell arrives 300 ms later, inside the minute, so it starts
        // at the minute's low (69,900), less a tick.
        #expect(trade.exitPrice == 69_800)
        #expect(trade.exitReason == "time-limit")
        #expect(trade.exitAt == F.at("103059", plusMilliseconds: 300).epochMilliseconds)
        #expect(trade.pnl == (69_800 - 70_000) * 14)
    }

    @Test func theEnginesStopLossSellsAtTheTickThatCrossedIt() async throws {
        // Bought near 70,000 at 10:00; the 10:10 minute dips to 67,000 (its low comes 15 s in as a quote tick, bid
        // one tick below: about -4.4 %, past the default 3 % stop). The engine sells on that tick, not later: the
        // sell leaves at 10:10:15 and arrives 300 ms after, at the minute's low less a tick.
        let lines: [RecordLine] = [
            .candles(F.candles(override: ["1010": (70_000, 70_000, 67_000, 69_000)])),
            .news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030"))),
        ]
        let result = try await F.run(lines, model: FillModel(latencyMilliseconds: 300, slippageTicks: 1), costs: .zero)
        let trade = try #require(result.trades.first)
        #expect(result.trades.count == 1)
        #expect(trade.exitReason == "stop-loss")
        #expect(trade.exitAt == F.at("101015", plusMilliseconds: 300).epochMilliseconds)
        #expect(trade.exitPrice == 66_900)
        #expect(result.total.exitReasons == ["stop-loss": 1])
    }

    @Test func theEnginesTakeProfitIsItsExitReason() async throws {
        // The 10:20 minute's high (30 s in) reaches 78,000: past the default 10 % take-profit.
        let lines: [RecordLine] = [
            .candles(F.candles(override: ["1020": (70_000, 78_000, 70_000, 70_000)])),
            .news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030"))),
        ]
        let result = try await F.run(lines, costs: .zero)
        let trade = try #require(result.trades.first)
        #expect(trade.exitReason == "take-profit")
        #expect(trade.exitAt >= F.at("102030").epochMilliseconds)
        #expect(trade.exitAt < F.at("102100").epochMilliseconds)
    }
}
