import AsyncHTTPClient
import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// `take-profit-resting` against the simulated venue: the entry fills, its take-profit rests at Kiwoom as a
/// limit sell, the market reaches it, and the venue's fill closes the trade as a take-profit, with no market
/// sell from Sokbo.
@Suite struct RestingTakeProfitAppTests {
    static let rules = """
        rules:
          - name: contract
            any: [공급계약]
            budget: 1000000
            order: market
            max-rise-percent: 30
            entry-timeout: 600
            stop-loss-percent: off
            trail-percent: off
            take-profit-percent: 5
            take-profit-resting: true
            max-hold-minutes: off
            flatten-at-close: false
        """

    @Test(.timeLimit(.minutes(5))) func theVenueFillsTheRestingTakeProfitAndTheTradeCloses() async throws {
        let rulesPath = TestStores.temporaryDirectory() + "/rules.yaml"
        try FileManager.default.createDirectory(atPath: (rulesPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Self.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        var settings = TradingEndToEndTests.quiet
        settings["sokbo.rules.file"] = rulesPath
        let sokbo = try await makeSokbo("sqlite", settings)
        let venues = try #require(sokbo.simulated)
        let samsung = Ticker("005930")!
        try await sokbo.withRunning { port in
            try await TradingEndToEndTests.waitForNewsConnection(sokbo, port: port)
            await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [samsung])
            var resting: Order?
            _ = try await eventually(timeout: .seconds(120)) {
                resting = await sokbo.engine.todaysOrders().first { $0.side == .sell && $0.state == .accepted }
                return resting != nil
            }
            let sell = try #require(resting, "no resting take-profit at the venue")
            let limit = try #require(sell.price.limitPrice, "the take-profit rests as a limit sell")
            let buy = try #require(await sokbo.engine.todaysOrders().first { $0.side == .buy })
            let cost = try #require(buy.averageFillPrice)
            #expect(sell.exitReason == .takeProfit)
            #expect(sell.quantity == buy.filledQuantity)
            #expect(TradingCosts().netReturnPercent(averageCost: cost, price: Double(limit)) >= 5)
            #expect(venues.kiwoom.requestCount("kt10000") == 1 && venues.kiwoom.requestCount("kt10001") == 1, "one buy, one sell: the resting one")
            venues.kiwoom.setPrice(code: samsung.code, price: KRXTick.up(from: limit, ticks: 5))
            let closed = try await eventually(timeout: .seconds(120)) {
                let trades = try await TradingAPITests.call(port, .GET, "/api/trades").json["items"] as? [[String: Any]]
                return trades?.first?["exitReason"] as? String == "take-profit"
            }
            #expect(closed, "the venue's fill closed the trade as a take-profit")
            #expect(await sokbo.engine.order(sell.id)?.averageFillPrice ?? 0 >= Double(limit), "a limit sell fills at or above its limit")
            #expect(await sokbo.engine.positions().isEmpty)
            #expect(await sokbo.engine.todaysOrders().filter { $0.side == .sell }.count == 1, "no sell but the resting one")
            #expect(venues.kiwoom.requestCount("kt10001") == 1)
        }
    }
}
