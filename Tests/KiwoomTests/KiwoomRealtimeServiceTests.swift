import Foundation
import Kiwoom
import Logging
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// The realtime feed against the simulator's WebSocket over real loopback sockets.
@Suite struct KiwoomRealtimeServiceTests {
    let samsung = Ticker("005930")!
    let hynix = Ticker("000660")!

    /// Runs a broker with a quote book and its realtime service (watching `watchlist`) beside the simulator.
    func withRealtime(_ configuration: KiwoomSimulatorConfiguration = .init(realtimeMarketStep: nil),
                      watchlist: [Ticker],
                      _ body: @Sendable @escaping (KiwoomSimulator, KiwoomBroker, KiwoomRealtimeService) async throws -> Void) async throws {
        try await withSimulator(configuration) { sim, url in
            var logger = Logger(label: "test.realtime")
            logger.logLevel = .critical
            let broker = KiwoomBroker(client: KiwoomClient(configuration: testConfiguration(url)), quotes: KiwoomQuoteBook(), logger: logger)
            let service = KiwoomRealtimeService(
                broker: broker,
                configuration: .init(webSocketURL: { try await sim.realtimeURL() },
                                     watchlist: watchlist, backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200)),
                logger: logger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            let settled1 = try await eventually {
                service.status().liveQuotes == watchlist.count && service.status().referencesRefreshed >= watchlist.count
            }
            #expect(settled1, "every watched stock gets a live quote and its day reference")
            try await body(sim, broker, service)
            task.cancel()
            _ = await task.result
        }
    }

    @Test func aWatchedStockIsAnsweredFromThePushesWithoutAnyRequest() async throws {
        try await withRealtime(watchlist: [samsung]) { sim, broker, service in
            #expect(await sim.realtimeLogins() == 1)
            #expect(await sim.realtimeRegistrations() == 1)
            let before = sim.totalRequests
            let live = try await broker.snapshot(samsung)
            #expect(live.source == .realtime)
            #expect(sim.totalRequests == before, "no REST request for a watched stock")
            // The subscription's REST seeding (ka10001 steps the simulated price) may still have its push in flight.
            let caughtUp = try await eventually {
                let live = try await broker.snapshot(samsung), book = sim.book("005930")
                return live.source == .realtime && live.price == sim.price("005930")
                    && live.book?.asks.first?.price == book.asks[0].price && live.book?.bids.first?.price == book.bids[0].price
            }
            #expect(caughtUp, "the live quote is the simulator's book")
            #expect(live.halted == false)
            #expect(live.marginRatePercent != nil)

            // A REST query moves the simulated market (ka10001 steps the price); the push follows.
            for _ in 0..<3 { _ = try await broker.client.ka10001(stockCode: "005930") }
            let moved = sim.price("005930")
            let settled2 = try await eventually { try await broker.snapshot(samsung).price == moved }
            #expect(settled2)
            #expect(try await broker.snapshot(samsung).book?.asks.first?.price == sim.book("005930").asks[0].price)

            // A stock that is not watched still takes the REST round trip.
            let rest = try await broker.snapshot(hynix)
            #expect(rest.source == .rest)
            #expect(service.status().itemsApplied > 0)
        }
    }

    @Test func aDroppedSocketReconnectsAndResubscribes() async throws {
        try await withRealtime(watchlist: [samsung, hynix]) { sim, broker, service in
            await sim.dropRealtimeConnections()
            // Once the client sees the close, every quote is dropped (KiwoomRealtimeFrameTests proves the book
            // part); meanwhile REST answers. Here: it reconnects, resubscribes and is live again. At least one
            // reconnect: on a starved machine an attempt past its connect deadline (10 s) may add one more, as the
            // deadline is what rescues an upgrade that hangs (a 60 s deadline was tried and left it hanging).
            let settled3 = try await eventually { await sim.realtimeLogins() >= 2 && service.status().liveQuotes == 2 }
            #expect(settled3)
            #expect(service.status().reconnects >= 1)
            #expect(try await broker.snapshot(samsung).source == .realtime)
            #expect(await sim.realtimeOpenConnections() == 1)
        }
    }

    @Test func pingsAreEchoedUnchanged() async throws {
        try await withRealtime(.init(realtimePingInterval: .milliseconds(50), realtimeMarketStep: nil), watchlist: [samsung]) { sim, _, service in
            let settled4 = try await eventually { await sim.realtimePingsEchoed() >= 3 }
            #expect(settled4)
            #expect(service.status().pingsEchoed >= 3)
            #expect(service.status().malformedFrames == 0)
        }
    }

    @Test func aRefusedTokenAtLoginIsReissuedOnce() async throws {
        try await withRealtime(watchlist: [samsung]) { sim, broker, service in
            #expect(sim.tokenIssuances == 1)
            sim.expireTokens()
            await sim.dropRealtimeConnections()
            // The next LOGIN is refused with [8005]; the client drops its token and the following attempt gets a new one.
            // At least two LOGINs: on a starved machine a connect deadline may add one more, which must not re-issue.
            // The quote comes back once the reference is re-read over REST, paced at the venue's 1/s per api-id
            // behind any other request: an event to wait for, with room for a starved machine.
            let settled5 = try await eventually(timeout: .seconds(60)) { await sim.realtimeLogins() >= 2 && service.status().liveQuotes == 1 }
            let logins = await sim.realtimeLogins()
            #expect(settled5, "logins \(logins), status \(service.status())")
            #expect(service.status().loginRefusals == 1)
            #expect(sim.tokenIssuances == 2)
            #expect(try await broker.snapshot(samsung).source == .realtime)
        }
    }

    /// A day-reference refresh that fails (a 500, a timeout, a refused slot on a busy moment) is retried after
    /// the back-off, not at the next refresh interval (nine minutes by default). Found by the suite under load.
    @Test func aFailedReferenceRefreshIsRetriedWithoutWaitingForTheNextInterval() async throws {
        try await withSimulator(.init(realtimeMarketStep: nil)) { sim, url in
            var logger = Logger(label: "test.realtime")
            logger.logLevel = .critical
            // No retry inside the client: the venue's one 500 fails the first refresh outright.
            let broker = KiwoomBroker(client: KiwoomClient(configuration: testConfiguration(url, retries: 0)), quotes: KiwoomQuoteBook(), logger: logger)
            sim.inject(status: 500, count: 1, apiIDs: ["ka10001"])
            let service = KiwoomRealtimeService(
                broker: broker,
                configuration: .init(webSocketURL: { try await sim.realtimeURL() }, watchlist: [samsung],
                                     backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200)),
                logger: logger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            let refreshed = try await eventually { service.status().referencesRefreshed >= 1 && service.status().liveQuotes == 1 }
            #expect(refreshed, "status \(service.status())")
            #expect(sim.requestCount("ka10001") >= 2, "the first refresh met the 500 and a later one was sent")
            #expect(service.status().reconnects == 0, "retried on the same subscription")
            task.cancel()
            _ = await task.result
        }
    }

    @Test func theMarketsOwnMotionIsPushed() async throws {
        try await withRealtime(.init(realtimeMarketStep: .milliseconds(20)), watchlist: [samsung]) { sim, broker, _ in
            let pushedBefore = await sim.realtimeItemsPushed()
            let settled6 = try await eventually { await sim.realtimeItemsPushed() > pushedBefore + 10 }
            #expect(settled6)
            // Whatever the last step was, the live quote catches up with the simulator within moments.
            let settled7 = try await eventually {
                let live = try await broker.snapshot(samsung)
                return live.source == .realtime && live.book?.asks.first?.price == sim.book("005930").asks[0].price
            }
            #expect(settled7)
        }
    }
}
