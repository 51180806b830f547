import Foundation
import Kiwoom
import Simulator
import SokboCore
import Testing

/// An order the venue refused for its token ([8005]) was not placed (venue spec §5.3, §11-5): the client
/// re-issues the token and sends it exactly once more. Over loopback, with the simulator's rate limits on.
@Suite struct OrderTokenRefusalTests {
    @Test func anOrderRefusedForAnInvalidatedTokenIsSentOnceMoreWithANewTokenAndAccepted() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            let old = try await client.tokens.token()
            #expect(sim.requestCount("au10001") == 1)
            // The venue drops the token: the order's first send is answered [8005].
            sim.expireTokens()
            let outcome = await client.kt10000(stockCode: "005930", quantity: 3, price: nil)
            guard case .accepted(_, let number) = outcome else { Issue.record("expected accepted, got \(outcome)"); return }
            #expect(number.count == 7)
            #expect(sim.orderRequests == 2, "sent, refused with [8005], sent once more")
            #expect(sim.requestCount("au10001") == 2, "one re-issue between the two sends")
            #expect(sim.tokenIssuances == 2)
            #expect(try await client.tokens.token() != old)
            #expect(sim.position("005930") == 3, "placed once")
        }
    }

    @Test func aSecondTokenRefusalIsARejectionAndIsNotRetriedAgain() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            _ = try await client.tokens.token()
            sim.refuseTokens(count: 2, apiIDs: ["kt10000"])
            let outcome = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            guard case .rejected(let error) = outcome else { Issue.record("expected rejected, got \(outcome)"); return }
            #expect(error.code == "8005")
            #expect(sim.orderRequests == 2, "exactly one more send after the first refusal, none after the second")
            #expect(sim.requestCount("au10001") == 2, "one re-issue")
            #expect(sim.position("005930") == 0)
        }
    }
}
