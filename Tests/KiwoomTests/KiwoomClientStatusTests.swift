import Foundation
import Kiwoom
import Simulator
import SokboCore
import Testing

/// The client's status over loopback against the simulator (its limits on): the token's times and refusals,
/// and each pacing bucket's use and 429s, as `/api/status` shows them.
@Suite struct KiwoomClientStatusTests {
    let samsung = Ticker("005930")!

    @Test func anOrderAQueryAnd429sAndATokenRefusalShowInTheStatus() async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url))
            let client = broker.client
            var status = await client.status()
            #expect(status.token.state == .none && status.buckets.map(\.bucket) == ["orders", "queries"])

            // One market buy: a token issued (expires_dt = issue + the simulator's 24 h), one kt10000 request used.
            let issuedAround = Date()
            let outcome = await broker.submit(OrderRequest(clientOrderID: "s1", ticker: samsung, side: .buy, quantity: 1, price: .market))
            guard case .accepted = outcome else { Issue.record("expected accepted, got \(outcome)"); return }
            status = await client.status()
            #expect(status.token.state == .valid && status.token.issued == 1 && status.token.refusals == 0)
            let issuedAt = try #require(status.token.issuedAt)
            let expiresAt = try #require(status.token.expiresAt)
            #expect(abs(issuedAt.timeIntervalSince(issuedAround)) < 60)
            // expires_dt has whole seconds: the venue's 24 h within a second.
            #expect(abs(expiresAt.timeIntervalSince(issuedAt) - 86_400) <= 1.5, "\(issuedAt) → \(expiresAt)")
            let order = try #require(status.buckets.first { $0.bucket == "kt10000" })
            #expect(order.kind == .apiID && order.used == 1 && order.limit == 1 && order.rateLimited == 0)
            #expect(status.buckets.first { $0.bucket == "orders" }?.used == 1)
            #expect(sim.requestCount("kt10000") == 1)

            // Two 429s on a query: each counted on its api-id's bucket; the query is retried and answered.
            sim.inject(status: 429, count: 2, apiIDs: ["ka10100"])
            _ = try await client.ka10100(stockCode: "000660")
            status = await client.status()
            let lookup = try #require(status.buckets.first { $0.bucket == "ka10100" })
            #expect(lookup.rateLimited == 2 && lookup.used == 3 && lookup.lastRateLimitedAt != nil)
            #expect(status.buckets.first { $0.bucket == "queries" }?.rateLimited == 0)
            #expect(sim.requestCount("ka10100") == 3)

            // The simulator's token edge: every token made invalid at once. The next query meets [8005]; the
            // refusal is recorded and a new token issued.
            sim.expireTokens()
            _ = try await client.ka10100(stockCode: "000660")
            status = await client.status()
            #expect(status.token.refusals == 1 && status.token.lastRefusal?.code == "8005")
            #expect(status.token.lastRefusal?.apiID == "ka10100")
            #expect(status.token.issued == 2 && status.token.state == .valid)
            #expect(try #require(status.token.issuedAt) >= issuedAt)
        }
    }
}
