import Foundation
import Kiwoom
import Simulator
import SokboCore
import Testing

/// The token's renewal against the simulator over loopback, with the simulator's rate limits on: the venue
/// hands back the same token until it expires (venue spec §5.3, §10), and a 429 on `au10001` is retried.
@Suite struct TokenRenewalTests {
    @Test func insideTheRenewalMarginCallsDoNotAskForATokenEachTime() async throws {
        // Every token the simulator issues expires in 300 s: inside the client's 600 s margin from the start.
        try await withSimulator(KiwoomSimulatorConfiguration(tokenLifetime: .seconds(300))) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            _ = try await client.ka10001(stockCode: "005930")
            _ = try await client.ka10004(stockCode: "005930")
            _ = try await client.ka10100(stockCode: "005930")
            _ = try await client.kt00011(stockCode: "005930")
            _ = try await client.kt00001()
            _ = try await client.kt00018()
            // The first issue, then one renewal answered with the same token, kept until its expires_dt.
            #expect(sim.requestCount("au10001") == 2)
            #expect(sim.tokenIssuances == 1)
        }
    }

    @Test func a429OnTheTokenCallIsRetriedAndTheOrderGoesThrough() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            sim.inject(status: 429, count: 2, apiIDs: ["au10001"])
            let outcome = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            guard case .accepted = outcome else { Issue.record("expected accepted, got \(outcome)"); return }
            #expect(sim.requestCount("au10001") == 3, "two 429s, then the token")
            #expect(sim.orderRequests == 1)
            #expect(sim.position("005930") == 1)
        }
    }
}
