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

/// The engine against the Kiwoom simulator over loopback, with a real SQLite store and journal file.
@Suite struct OrderJournalCompactionTests {
    /// The journal does not grow for ever: once it holds the threshold's lines and every order in it has reached
    /// the store, it is emptied; the orders are all in the store either way.
    @Test func theJournalIsEmptiedOnceEveryOrderInItIsStored() async throws {
        var logger = Logger(label: "journal-test")
        logger.logLevel = .warning
        let kiwoom = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [kiwoom], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let client = KiwoomClient(configuration: KiwoomConfiguration(
                baseURL: try await kiwoom.baseURL(), appKey: KiwoomConfiguration.simulatorAppKey,
                secretKey: KiwoomConfiguration.simulatorSecretKey))
            let directory = TestStores.temporaryDirectory()
            let store = try await TestStores.open(.sqlite(path: directory + "/sokbo.sqlite"))
            let journal = try FileOrderJournal(path: directory + "/journal/orders.jsonl")
            let engine = TradingEngine(
                settings: .init(limits: RiskLimits(dailyBudget: 100_000_000, maxOrdersPerDay: 100, cooldownSeconds: 0),
                                calendar: MarketCalendar(holidays: [], entryStart: 0, entryEnd: 86_400), journalCompactionLines: 3,
                                entryDeadline: .seconds(600)),
                rules: try RuleSet([Rule(name: "supply", anyKeywords: ["공급계약"], budget: 2_000_000)]),
                broker: KiwoomBroker(client: client, logger: logger), store: store, records: RowBuffer(capacity: 10_000),
                journal: journal, events: nil, logger: logger)
            var lines: [Int] = []
            for (n, listing) in KRXUniverse.listings.prefix(5).enumerated() {
                let news = NewsItem(id: String(format: "20261126093000%010d", n), publishedAt: Date(), source: "25",
                                    title: "\(listing.name), 공급계약 체결", tickers: [listing.ticker], bodySize: 512,
                                    category: nil, receivedAt: Date())
                let plan = try #require(await engine.evaluate(news))
                await engine.execute(plan)  // returns once the outcome is recorded
                lines.append(try journal.load().rows.count)
            }
            let stored = try await store.select(RowQuery(table: .orders, orderBy: "created_at")).compactMap(Order.init(row:))
            try await store.close()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()

            #expect(lines == [1, 2, 0, 1, 2], "emptied at its third line, every order in it being stored by then")
            #expect(stored.count == 5)
            #expect(stored.allSatisfy { $0.state == .accepted || $0.state == .filled }, "\(stored.map(\.state))")
            #expect(kiwoom.orderRequests == 5)
        }
    }
}
