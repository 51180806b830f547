import Foundation
import Kiwoom
import Logging
import Simulator
import SokboCore
import SokboTestSupport
import Synchronization
import Testing

/// The realtime feed's session edges against the simulator's WebSocket over loopback, with the simulator's
/// rate limits on: `R10001` evictions (§8.3, §11 client 14) and frames with unreadable items (§8.5).
@Suite struct RealtimeSessionTests {
    let samsung = Ticker("005930")!

    /// A realtime service watching `watchlist` with a quick ordinary back-off (50–200 ms) and `evictionBackoff`.
    func makeService(_ sim: KiwoomSimulator, url: String, watchlist: [Ticker], evictionBackoff: Duration) -> KiwoomRealtimeService {
        var logger = Logger(label: "test.realtime")
        logger.logLevel = .critical
        let broker = KiwoomBroker(client: KiwoomClient(configuration: testConfiguration(url)), quotes: KiwoomQuoteBook(), logger: logger)
        return KiwoomRealtimeService(
            broker: broker,
            configuration: .init(webSocketURL: { try await sim.realtimeURL() }, watchlist: watchlist,
                                 backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200), evictionBackoff: evictionBackoff),
            logger: logger)
    }

    /// The day reference was read and every item the simulator pushed (one socket) was applied.
    static func referenceReadAndPushesApplied(_ sim: KiwoomSimulator, _ service: KiwoomRealtimeService) async -> Bool {
        let pushed = await sim.realtimeItemsPushed()
        let status = service.status()
        return status.referencesRefreshed >= 1 && status.itemsApplied == pushed
    }

    @Test func r10001IsNotACleanCloseTheClientStaysAwayAndStatusShowsIt() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration(realtimeMarketStep: nil)) { sim, url in
            let service = makeService(sim, url: url, watchlist: [samsung], evictionBackoff: .seconds(600))
            let task = Task { try await service.run() }
            defer { task.cancel() }
            let subscribed = try await eventually { service.status().state == "subscribed" && service.status().liveQuotes == 1 }
            #expect(subscribed)
            #expect(await sim.realtimeLogins() == 1)

            await sim.evictRealtimeSessions()
            let evicted = try await eventually { service.status().state == "evicted" }
            let status = service.status()
            #expect(evicted, "status \(status)")
            #expect(status.evictions == 1)
            #expect(status.lastError?.contains("R10001") == true)
            #expect((status.evictedUntil?.timeIntervalSinceNow ?? 0) > 500, "the configured back-off, not the ordinary one")
            #expect(status.liveQuotes == 0)
            // The ordinary back-off here is 50–200 ms: a client taking R10001 for a clean close would have
            // logged in again (evicting the other session) well within these 2 s.
            let reconnected = try await eventually(timeout: .seconds(2)) { await sim.realtimeLogins() > 1 }
            #expect(!reconnected)
            #expect(service.status().state == "evicted")
            task.cancel()
            _ = await task.result
        }
    }

    /// With two nodes the request gate (the lease) also guards the realtime login: a node that lost the lease
    /// never logs in again, whether its socket dropped (the ordinary back-off) or it was evicted (`R10001`, after
    /// its long back-off), so a woken old active cannot evict the new one's session. Each attempt is refused at the
    /// gate before any socket opens; with the gate open again (the lease won anew) it logs in.
    @Test func aNodeWhoseGateIsClosedNeverLogsInAgainAfterADropOrAnEviction() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration(realtimeMarketStep: nil)) { sim, url in
            let open = Atomic<Bool>(true)
            let refusedLogins = Atomic<Int>(0)
            var configuration = testConfiguration(url)
            configuration.requestGate = { apiID in
                guard !open.load(ordering: .relaxed) else { return nil }
                if apiID == "LOGIN" { refusedLogins.add(1, ordering: .relaxed) }
                return "this node does not hold the lease"
            }
            var logger = Logger(label: "test.realtime")
            logger.logLevel = .critical
            let broker = KiwoomBroker(client: KiwoomClient(configuration: configuration), quotes: KiwoomQuoteBook(), logger: logger)
            let service = KiwoomRealtimeService(
                broker: broker,
                configuration: .init(webSocketURL: { try await sim.realtimeURL() }, watchlist: [samsung],
                                     backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200), evictionBackoff: .milliseconds(300)),
                logger: logger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            #expect(try await eventually { service.status().state == "subscribed" })
            #expect(await sim.realtimeLogins() == 1)

            // The lease is lost; the socket drops: every reconnect is refused at the gate, none reaches the venue.
            open.store(false, ordering: .relaxed)
            await sim.dropRealtimeConnections()
            let refusedAfterDrop = try await eventually { refusedLogins.load(ordering: .relaxed) >= 3 }
            #expect(refusedAfterDrop, "the reconnect never reached the gate: \(service.status())")
            #expect(service.status().lastError?.contains("no login") == true, "\(service.status())")
            #expect(await sim.realtimeLogins() == 1, "a node without the lease logged in again")

            // Won anew: it logs in; evicted (R10001) and the lease lost again: after its back-off, still no login.
            open.store(true, ordering: .relaxed)
            #expect(try await eventually { service.status().state == "subscribed" })
            #expect(await sim.realtimeLogins() == 2)
            open.store(false, ordering: .relaxed)
            let before = refusedLogins.load(ordering: .relaxed)
            await sim.evictRealtimeSessions()
            #expect(try await eventually { service.status().state == "evicted" })
            let refusedAfterEviction = try await eventually { refusedLogins.load(ordering: .relaxed) >= before + 2 }
            #expect(refusedAfterEviction, "the reconnect after the eviction never reached the gate: \(service.status())")
            #expect(await sim.realtimeLogins() == 2, "a node without the lease logged in again after an eviction")
            task.cancel()
            _ = await task.result
        }
    }

    @Test func twoSessionsOnOneAppkeyDoNotEvictEachOtherInALoop() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration(realtimeMarketStep: nil)) { sim, url in
            let first = makeService(sim, url: url, watchlist: [samsung], evictionBackoff: .seconds(600))
            let firstTask = Task { try await first.run() }
            defer { firstTask.cancel() }
            #expect(try await eventually { first.status().state == "subscribed" })
            // A second process with the same appkey logs in: the venue (and the simulator) closes the first with R10001.
            let second = makeService(sim, url: url, watchlist: [samsung], evictionBackoff: .seconds(600))
            let secondTask = Task { try await second.run() }
            defer { secondTask.cancel() }
            #expect(try await eventually { first.status().state == "evicted" && second.status().state == "subscribed" })
            // Without the eviction back-off the first would log in again within 200 ms, evict the second, and so on.
            let looping = try await eventually(timeout: .seconds(2)) { await sim.realtimeLogins() > 2 }
            #expect(!looping)
            #expect(await sim.realtimeEvictions() == 1)
            #expect(second.status().state == "subscribed" && second.status().evictions == 0)
            firstTask.cancel()
            secondTask.cancel()
            _ = await firstTask.result
            _ = await secondTask.result
        }
    }

    @Test func aFrameWithBadItemsKeepsItsGoodOnesAndCountsTheRest() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration(realtimeMarketStep: nil)) { sim, url in
            let service = makeService(sim, url: url, watchlist: [samsung], evictionBackoff: .seconds(600))
            let task = Task { try await service.run() }
            defer { task.cancel() }
            #expect(try await eventually { service.status().liveQuotes == 1 })
            // The day-reference read (ka10001 steps the simulated price) makes a push of its own: counted before the
            // test's frame only once it is applied, an event to wait on (on a loaded machine it came after).
            let quiet = try await eventually { await Self.referenceReadAndPushesApplied(sim, service) }
            #expect(quiet, "the day reference was read and its push applied")
            let price = try #require(sim.price("005930")) + 100
            let appliedBefore = service.status().itemsApplied
            let frame = #"{"trnm":"REAL","data":[{"type":"0B","values":{"10":"+1"}},"#
                + #"{"type":"0B","name":"주식체결","item":"005930","values":{"20":"093000","10":"+\#(price)","15":"+1"}},"#
                + #"{"type":"0B","name":"주식체결","item":"000660","values":{"20":"093000","10":171000}}]}"#
            await sim.sendRealtime(frame)
            let counted = try await eventually { service.status().malformedItems == 2 }
            #expect(counted, "status \(service.status())")
            #expect(service.status().malformedFrames == 0)
            // Exactly the one good item was applied. (Its price is not compared afterwards: on a loaded machine the
            // session may reconnect, which clears the book and seeds it from REST, legitimately.)
            #expect(service.status().itemsApplied == appliedBefore + 1, "the good item of the frame was applied")
            task.cancel()
            _ = await task.result
        }
    }
}
