import AsyncHTTPClient
import Foundation
import SokboApp
import SokboTestSupport
import Testing

/// HTTP lookups do not queue for the venue's request budget: past their bound Sokbo answers 429.
@Suite struct LookupPacingTests {
    @Test func aStockLookupUnderASpentBudgetIsAnswered429WithRetryAfter() async throws {
        // Each api-id allows one request every 100 s: the first lookup spends the budget of its four queries.
        // Its bound (10 s) is far above what a lookup with a free slot takes, also on a loaded machine where
        // the token request and scheduling alone can take seconds, and far below the next slot.
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet.merging([
            "kiwoom.api.id.per.second": "0.01", "kiwoom.realtime.watchlist": "none", "kiwoom.lookup.max.wait.ms": "10000",
        ]) { _, new in new })
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            func get(_ path: String) async throws -> HTTPClientResponse {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
                return try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            }
            let first = try await get("/api/stocks/005930")
            #expect(first.status.code == 200)
            let before = venues.kiwoom.requestCount("ka10001")
            let second = try await get("/api/stocks/000660")
            #expect(second.status.code == 429)
            let retryAfter = second.headers.first(name: "Retry-After").flatMap { Int($0) }
            #expect((retryAfter ?? 0) > 10, "a slot is further away than the 10 s lookup bound: \(String(describing: retryAfter))")
            let body = try await second.body.collect(upTo: 1 << 16)
            let error = (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "rate_limited")
            #expect(venues.kiwoom.requestCount("ka10001") == before, "the refused lookup sent nothing")
            #expect(venues.kiwoom.rateLimitedReplies == 0)
        }
    }
}
