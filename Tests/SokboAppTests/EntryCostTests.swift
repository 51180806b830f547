import Foundation
import Kiwoom
import Logging
import ServiceLifecycle
import Simulator
import SokboCore
import SokboTestSupport
import Storage
import Testing
import Trading

/// What a headline costs at the venue, its entry deadline, and reconciliation's account reads: the engine
/// against the Kiwoom simulator with its limits on (about 1 request/s per api-id, burst 2), over loopback.
@Suite struct EntryCostTests {
    static let samsung = Ticker("005930")!

    /// The engine, its broker and record buffer, beside a running simulator.
    struct Harness {
        let simulator: KiwoomSimulator
        let broker: KiwoomBroker
        let engine: TradingEngine
        let records: RowBuffer

        /// The signals the engine recorded so far.
        func signals() async -> [SignalRecord] {
            let drained = await records.drain()
            return (drained[.signals] ?? []).compactMap(SignalRecord.init(row:))
        }
    }

    static func headline(_ n: Int, _ ticker: Ticker = samsung, receivedAt: Date = Date()) -> NewsItem {
        NewsItem(id: String(format: "20261126093000%010d", n), publishedAt: receivedAt, source: "25",
                 title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [ticker], bodySize: 512, category: nil, receivedAt: receivedAt)
    }

    /// Runs `body` with an engine over a Kiwoom broker whose client is paced per api-id at half the simulator's
    /// rate (its clock starts at the reservation, the venue's at arrival: the margin absorbs a loaded machine's
    /// jitter, so no 429 is met and the counts are exactly the calls made), with an
    /// optional realtime feed for `watchlist`. The entry deadline is long unless a test is about it: on a
    /// machine loaded by the whole suite a cold snapshot may take seconds, and timings are never assertions.
    static func withEngine(entryDeadline: Duration = .seconds(120), watchlist: [Ticker] = [],
                           _ body: @Sendable (Harness) async throws -> Void) async throws {
        var logger = Logger(label: "entry-cost-test")
        logger.logLevel = .critical
        let simulator = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(realtimeMarketStep: nil), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [simulator], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let venue = KiwoomRateLimits.Bucket(perSecond: 0.5, burst: 2)
            let client = KiwoomClient(configuration: KiwoomConfiguration(
                baseURL: try await simulator.baseURL(), appKey: KiwoomConfiguration.simulatorAppKey,
                secretKey: KiwoomConfiguration.simulatorSecretKey,
                // The wait bound long (the entry deadline bounds an entry's): a loaded machine is slow, not wrong.
                rateLimits: KiwoomRateLimits(perAPIID: venue, maxWait: .seconds(120)),
                retryBaseDelay: .milliseconds(100)), logger: logger)
            let quotes = watchlist.isEmpty ? nil : KiwoomQuoteBook()
            let broker = KiwoomBroker(client: client, quotes: quotes, logger: logger)
            let directory = TestStores.temporaryDirectory()
            let store = try await TestStores.open(.sqlite(path: directory + "/sokbo.sqlite"))
            let records = RowBuffer(capacity: 10_000)
            let engine = TradingEngine(
                settings: .init(limits: RiskLimits(dailyBudget: 100_000_000, maxOrdersPerDay: 100, buysPerTickerPerDay: 100, cooldownSeconds: 0),
                                calendar: MarketCalendar(holidays: [], entryStart: 0, entryEnd: 86_400), entryDeadline: entryDeadline),
                rules: try RuleSet([Rule(name: "supply", anyKeywords: ["공급계약"], budget: 2_000_000)]),
                broker: broker, store: store, records: records, events: nil, logger: logger)
            var realtime: Task<Void, any Error>?
            // Torn down whatever the body did: an open SQLite connection must be closed before it goes away.
            var failure: (any Error)?
            do {
                if quotes != nil {
                    let service = KiwoomRealtimeService(
                        broker: broker,
                        configuration: .init(webSocketURL: { try await simulator.realtimeURL() }, watchlist: watchlist,
                                             backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200)),
                        logger: logger)
                    realtime = Task { try await service.run() }
                    let live = try await eventually {
                        service.status().liveQuotes == watchlist.count && broker.dayReferenceCount() == watchlist.count
                    }
                    try #require(live, "the realtime feed never covered the watchlist: \(service.status())")
                }
                try await body(Harness(simulator: simulator, broker: broker, engine: engine, records: records))
            } catch {
                failure = error
            }
            realtime?.cancel()
            _ = await realtime?.result
            try await store.close()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            if let failure { throw failure }
        }
    }

    @Test func anEntryOnTheRESTPathWithTheDaysReferenceHeldCostsOneQueryAndOneOrder() async throws {
        try await Self.withEngine { h in
            #expect(await h.broker.warmDayReferences([Self.samsung]) == 1)
            h.simulator.resetCounters()
            let plan = try #require(await h.engine.evaluate(Self.headline(1)))
            await h.engine.execute(plan)
            let order = try #require(await h.engine.todaysOrders().first)
            #expect(order.state == .accepted || order.state == .filled, "\(order)")
            #expect(h.simulator.requestCount("ka10004") == 1)
            #expect(h.simulator.orderRequests == 1)
            #expect(h.simulator.totalRequests == 2, "one query and one order, nothing else")
            let counters = await h.engine.status().counters
            #expect(counters.entrySnapshots == 1 && counters.entryQueries == 1)
        }
    }

    @Test func anEntryOnTheRealtimePathCostsNoQueryAndOneOrder() async throws {
        try await Self.withEngine(watchlist: [Self.samsung]) { h in
            h.simulator.resetCounters()
            let plan = try #require(await h.engine.evaluate(Self.headline(2)))
            await h.engine.execute(plan)
            let order = try #require(await h.engine.todaysOrders().first)
            #expect(order.state == .accepted || order.state == .filled, "\(order)")
            #expect(h.simulator.orderRequests == 1)
            #expect(h.simulator.totalRequests == 1, "the order alone")
            let counters = await h.engine.status().counters
            #expect(counters.entrySnapshots == 1 && counters.entryQueries == 0)
        }
    }

    /// The book is held at the venue past the deadline: the entry is skipped with that reason, counted and
    /// stored as a signal, and no order is sent, then or after the book comes back.
    @Test func anEntryWhoseBookIsNotBackByItsDeadlineIsSkippedAndNothingIsSent() async throws {
        try await Self.withEngine(entryDeadline: .milliseconds(300)) { h in
            #expect(await h.broker.warmDayReferences([Self.samsung]) == 1)
            h.simulator.holdNext("ka10004", upTo: .seconds(60))
            defer { h.simulator.releaseHeld() }
            let plan = try #require(await h.engine.evaluate(Self.headline(3)))
            await h.engine.execute(plan)
            #expect(h.simulator.requestCount("ka10004") == 1, "the book was asked for and held")
            h.simulator.releaseHeld()
            #expect(h.simulator.orderRequests == 0)
            #expect(await h.engine.todaysOrders().isEmpty)
            let counters = await h.engine.status().counters
            #expect(counters.deadlineSkipped == 1 && counters.skipped == 1 && counters.ordersSent == 0)
            let signals = await h.signals()
            #expect(signals.count == 1)
            #expect(signals.first?.decision == .skip && signals.first?.reason.hasPrefix("entry deadline") == true, "\(signals)")

            // A headline already older than its deadline when its plan starts asks the venue for nothing.
            let stale = try #require(await h.engine.evaluate(Self.headline(4, receivedAt: Date().addingTimeInterval(-10))))
            await h.engine.execute(stale)
            #expect(h.simulator.requestCount("ka10004") == 1)
            #expect(h.simulator.orderRequests == 0)
            #expect(await h.engine.status().counters.deadlineSkipped == 2)
        }
    }

    /// The venue answers the book 429 with a `Retry-After` far past the entry's deadline: the client pauses
    /// `ka10004` and refuses the retry unsent, and the entry is skipped for its deadline (counted, stored
    /// with that reason), not as a failed snapshot. No timing matters: the pause (600 s) is far past the
    /// deadline (120 s), and no order is sent.
    @Test func anEntryThePacingCannotServeInTimeIsSkippedForItsDeadline() async throws {
        try await Self.withEngine { h in
            #expect(await h.broker.warmDayReferences([Self.samsung]) == 1)
            h.simulator.resetCounters()
            h.simulator.inject(status: 429, count: 1, apiIDs: ["ka10004"], retryAfter: .seconds(600))
            let plan = try #require(await h.engine.evaluate(Self.headline(6)))
            await h.engine.execute(plan)
            #expect(h.simulator.requestCount("ka10004") == 1, "the book was asked for once, answered 429, not retried")
            #expect(h.simulator.orderRequests == 0)
            let counters = await h.engine.status().counters
            #expect(counters.deadlineSkipped == 1 && counters.skipped == 1 && counters.ordersSent == 0)
            let signals = await h.signals()
            #expect(signals.last?.reason.hasPrefix("entry deadline: no venue request slot") == true, "\(signals)")
        }
    }

    /// Reconciliation ticks read the account only while something is unsettled: none with nothing to settle;
    /// with an unknown order, the account and open orders until it is settled; none again afterwards.
    @Test func reconciliationReadsTheAccountOnlyWhileSomethingIsUnsettled() async throws {
        try await Self.withEngine { h in
            let accountCalls = { ["kt00018", "kt00001", "ka10075"].map { h.simulator.requestCount($0) } }
            for _ in 0..<5 { await h.engine.reconcile() }
            #expect(accountCalls() == [0, 0, 0], "nothing unsettled: no call")
            #expect(await h.engine.status().counters.accountReads == 0)

            // The order's request is answered 500 without being processed: its outcome is unknown.
            h.simulator.inject(status: 500, count: 1, apiIDs: ["kt10000"])
            let plan = try #require(await h.engine.evaluate(Self.headline(5)))
            await h.engine.execute(plan)
            let unknown = try #require(await h.engine.todaysOrders().first)
            #expect(unknown.state == .unknown)
            #expect(h.simulator.orderRequests == 1)

            // Settled as never placed after three reconciliation attempts, each reading the account and open orders.
            for _ in 0..<3 { await h.engine.reconcile() }
            let settled = try #require(await h.engine.order(unknown.id))
            #expect(settled.state == .rejected, "\(settled)")
            let afterSettling = accountCalls()
            #expect(afterSettling == [3, 3, 3], "\(afterSettling)")
            #expect(h.simulator.orderRequests == 1, "reconciliation never re-sends")

            for _ in 0..<5 { await h.engine.reconcile() }
            #expect(accountCalls() == afterSettling, "settled: no call again")
        }
    }

    /// Today's orders by state are counted from the orders: never negative, whichever way an order came in.
    @Test func orderCountsByStateNeverGoNegative() async throws {
        try await Self.withEngine { h in
            for n in 0..<2 {
                let plan = try #require(await h.engine.evaluate(Self.headline(10 + n, KRXUniverse.listings[n].ticker)))
                await h.engine.execute(plan)
            }
            _ = try await h.engine.placeManual(ticker: Self.samsung, side: .buy, quantity: 1, amount: nil, market: false, limitPrice: nil)
            let byState = await h.engine.status().counters.byState
            #expect(byState.values.allSatisfy { $0 >= 0 }, "\(byState)")
            #expect(byState[OrderState.intent.rawValue] == 0 && byState[OrderState.submitted.rawValue] == 0, "\(byState)")
            #expect((byState[OrderState.accepted.rawValue] ?? 0) + (byState[OrderState.filled.rawValue] ?? 0) == 3, "\(byState)")
        }
    }
}
