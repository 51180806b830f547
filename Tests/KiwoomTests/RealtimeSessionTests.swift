import Foundation
import Kiwoom
import Logging
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// The realtime feed's session edges against the simulator's WebSocket over loopback, with the simulator's
/// rate limits on: frames with unreadable items (§8.5).
@Suite struct RealtimeSessionTests {
    let samsung = Ticker("005930")!

    /// A realtime service watching `watchlist` with a quick back-off (50–200 ms).
    func makeService(_ sim: KiwoomSimulator, url: String, watchlist: [Ticker]) -> KiwoomRealtimeService {
        var logger = Logger(label: "test.realtime")
        logger.logLevel = .critical
        let broker = KiwoomBroker(client: KiwoomClient(configuration: testConfiguration(url)), quotes: KiwoomQuoteBook(), logger: logger)
        return KiwoomRealtimeService(
            broker: broker,
            configuration: .init(webSocketURL: { try await sim.realtimeURL() }, watchlist: watchlist,
                                 backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200)),
            logger: logger)
    }

    @Test func aFrameWithBadItemsKeepsItsGoodOnesAndCountsTheRest() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration(realtimeMarketStep: nil)) { sim, url in
            let service = makeService(sim, url: url, watchlist: [samsung])
            let task = Task { try await service.run() }
            defer { task.cancel() }
            #expect(try await eventually { service.status().liveQuotes == 1 })
            let price = try #require(sim.price("005930")) + 100
            let frame = #"{"trnm":"REAL","data":[{"type":"0B","values":{"10":"+1"}},"#
                + #"{"type":"0B","name":"주식체결","item":"005930","values":{"20":"093000","10":"+\#(price)","15":"+1"}},"#
                + #"{"type":"0B","name":"주식체결","item":"000660","values":{"20":"093000","10":171000}}]}"#
            await sim.sendRealtime(frame)
            let counted = try await eventually { service.status().malformedItems == 2 }
            #expect(counted, "status \(service.status())")
            #expect(service.status().malformedFrames == 0)
            #expect(service.quotes.quote(samsung)?.lastPrice == price, "the good item of the frame was applied")
            task.cancel()
            _ = await task.result
        }
    }
}
