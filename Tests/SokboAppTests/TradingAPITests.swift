import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Rules, manual orders and name resolution through the HTTP API and the simulator.
@Suite struct TradingAPITests {
    static func call(_ port: Int, _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json")
        async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    @Test func aBadRulesFileIsRefusedWithTheLineAndTheOldRulesStay() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            let before = try await Self.call(port, .GET, "/api/rules")
            let rulesBefore = await sokbo.engine.currentRules().rules
            let bad = try await Self.call(port, .PUT, "/api/rules", body: "rules:\n  - name: x\n    any: [공급계약]\n    budget: -1\n",
                                          contentType: "application/yaml")
            #expect(bad.status == 422)
            let error = bad.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid_rules")
            #expect((error?["message"] as? String)?.hasPrefix("line 4:") == true)
            let after = try await Self.call(port, .GET, "/api/rules")
            #expect(before.status == 200 && after.status == 200)
            #expect(await sokbo.engine.currentRules().rules == rulesBefore, "the old rules stay in force")
            let good = try await Self.call(port, .PUT, "/api/rules", body: "rules:\n  - name: only\n    any: [신약]\n    budget: 500000\n",
                                           contentType: "application/yaml")
            #expect(good.status == 200)
            #expect(await sokbo.engine.currentRules().rules.map(\.name) == ["only"])
        }
    }

    @Test func aManualOrderPassesTheSameChecksAndReachesTheBroker() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            let invalid = try await Self.call(port, .POST, "/api/orders", body: #"{"ticker":"005930","side":"buy","quantity":1,"amount":5}"#)
            #expect(invalid.status == 422)
            let offGrid = try await Self.call(port, .POST, "/api/orders", body: #"{"ticker":"005930","side":"buy","quantity":1,"price":70001}"#)
            #expect(offGrid.status == 422)
            // Found by the API fuzzer: an unknown stock was answered 503 as if the broker were down.
            let unknown = try await Self.call(port, .POST, "/api/orders", body: #"{"ticker":"AMMU7X","side":"sell","amount":12176541}"#)
            #expect(unknown.status == 422)
            #expect(venues.kiwoom.orderRequests == 0, "invalid orders never reach the broker")
            let placed = try await Self.call(port, .POST, "/api/orders", body: #"{"ticker":"005930","side":"buy","quantity":3}"#)
            #expect(placed.status == 201)
            #expect(placed.json["quantity"] as? Int == 3)
            #expect((placed.json["price"] as? [String: Any])?["type"] as? String == "limit")
            #expect((placed.json["price"] as? [String: Any])?["value"] is Int)
            #expect(venues.kiwoom.orderRequests == 1)
            // One buy per ticker per day applies to manual orders too.
            let again = try await Self.call(port, .POST, "/api/orders", body: #"{"ticker":"005930","side":"buy","quantity":1}"#)
            #expect(again.status == 409)
            #expect(venues.kiwoom.orderRequests == 1)
        }
    }

    /// Waits until the DART service runs (its company map loaded).
    static func waitForDART(_ port: Int) async throws {
        let loaded = try await eventually {
            let status = try await Self.call(port, .GET, "/api/status")
            return ((status.json["dart"] as? [String: Any])?["state"] as? String) == "running"
        }
        try #require(loaded, "the DART service never ran")
    }

    @Test func aHeadlineWithoutCodesIsResolvedByCompanyName() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            try await TradingEndToEndTests.waitForNewsConnection(sokbo, port: port)
            try await Self.waitForDART(port)
            await venues.ls.publish(title: "SK하이닉스, 북미 고객사와 5천억 규모 공급계약 체결", tickers: [])
            #expect(try await eventually { await sokbo.engine.todaysOrders().contains { $0.ticker.code == "000660" } })
        }
    }

    /// One headline, one order, whatever stock it resolves to: the same news id resolving to another stock
    /// (the DART map loaded meanwhile, say) is refused, while another headline for that stock is not.
    @Test func aHeadlineThatResolvesToAnotherStockOnReplayIsNotOrderedTwice() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { _ in
            func news(_ id: String, _ code: String) -> NewsItem {
                NewsItem(id: id, publishedAt: Date(), source: "25", title: "삼성전자·SK하이닉스 2조원 규모 공급계약 체결",
                         tickers: [Ticker(code)!], bodySize: 512, category: "99", receivedAt: Date())
            }
            let first = await sokbo.engine.evaluate(news("20261126093000000000000001", "005930"))
            #expect(first?.ticker.code == "005930")
            #expect(await sokbo.engine.evaluate(news("20261126093000000000000001", "000660")) == nil)
            #expect(await sokbo.engine.evaluate(news("20261126093000000000000002", "000660"))?.ticker.code == "000660")
        }
    }

    /// A frame with several codes buys one stock: the company the title names first, whatever the order of
    /// the codes; with no code's company named, the frame's first code. The signal says which and why.
    @Test(arguments: [
        ("삼성전자, SK하이닉스에 2조원 규모 HBM 공급계약 체결", "005930", "names first (삼성전자)"),
        ("반도체 장비 2조원 규모 공급계약 체결", "000660", "none named in the title"),
    ])
    func aHeadlineWithSeveralCodesBuysTheCompanyItNamesFirst(title: String, expected: String, note: String) async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            try await TradingEndToEndTests.waitForNewsConnection(sokbo, port: port)
            try await Self.waitForDART(port)
            // The codes in the opposite order to the names: SK하이닉스's code first.
            await venues.ls.publish(title: title, tickers: [Ticker("000660")!, Ticker("005930")!])
            let ordered = try await eventually { await !sokbo.engine.todaysOrders().isEmpty }
            try #require(ordered)
            let orders = await sokbo.engine.todaysOrders()
            #expect(orders.map(\.ticker.code) == [expected], "one order, for the subject")
            // Signals reach the database with the next flush.
            var reasons: [String] = []
            let explained = try await eventually {
                let signals = try await Self.call(port, .GET, "/api/signals")
                reasons = (signals.json["items"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
                return reasons.contains { $0.contains("\(expected): ") && $0.contains(note) }
            }
            #expect(explained, "signals: \(reasons)")
        }
    }
}
