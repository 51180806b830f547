import Foundation
@testable import Kiwoom
import Simulator
import SokboCore
import Synchronization
import Testing

/// The request gate (`KiwoomConfiguration.requestGate`, the HA lease's deadline): a request it refuses never
/// reaches the venue — no token, no query, no order — and an order so refused is a rejection (not sent), never
/// an unknown outcome. Over loopback, with the simulator's rate limits on.
@Suite struct RequestGateTests {
    @Test func aClosedGateSendsNothingAndAnOrderItRefusesIsNotSent() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let open = Atomic<Bool>(true)
            var configuration = testConfiguration(url)
            configuration.requestGate = { _ in open.load(ordering: .relaxed) ? nil : "this node does not hold the lease" }
            let client = KiwoomClient(configuration: configuration)
            _ = try await client.ka10001(stockCode: "005930")
            #expect(sim.requestCount("ka10001") == 1)

            open.store(false, ordering: .relaxed)
            await #expect { try await client.ka10001(stockCode: "005930") } throws: { error in
                (error as? KiwoomError)?.code == "HA" && (error as? KiwoomError)?.isRetryable == false
            }
            let outcome = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            guard case .rejected(let error) = outcome else { Issue.record("expected rejected (not sent), got \(outcome)"); return }
            #expect(error.code == "HA")
            // The broker's callers see it as "not sent, venue unavailable", never as an unknown outcome.
            #expect(KiwoomBroker.submission(outcome) == .rejected(code: "HA", message: error.message))
            #expect(sim.requestCount("ka10001") == 1, "a refused query reached the venue")
            #expect(sim.orderRequests == 0, "a refused order reached the venue")
            #expect(sim.position("005930") == 0)
        }
    }

    /// A fresh client behind a closed gate does not even ask for a token.
    @Test func aClosedGateAsksForNoToken() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            var configuration = testConfiguration(url)
            configuration.requestGate = { _ in "standby" }
            let client = KiwoomClient(configuration: configuration)
            await #expect(throws: KiwoomError.self) { try await client.tokens.token() }
            #expect(sim.requestCount("au10001") == 0)
        }
    }
}
