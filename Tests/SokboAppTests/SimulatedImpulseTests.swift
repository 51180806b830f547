import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Simulate mode: a headline from the LS simulator lifts its stock in the Kiwoom simulator (the news impulse).
@Suite struct SimulatedImpulseTests {
    @Test func aSimulatedHeadlineMovesItsStock() async throws {
        let sokbo = try await makeSokbo("sqlite", ["sokbo.http.port": "0", "sokbo.simulator.news.per.second": "0.001"])
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { _ in
            #expect(venues.kiwoom.impulses("035720") == 0)
            await venues.ls.publish(title: "카카오, 신규 서비스 출시", tickers: [Ticker("035720")!])
            #expect(venues.kiwoom.impulses("035720") == 1)
            #expect(venues.kiwoom.impulses("005930") == 0)
        }
    }
}
