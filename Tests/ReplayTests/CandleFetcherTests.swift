import Foundation
import Kiwoom
import Logging
import Replay
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// Candles on demand: a recording without a stock's candles, replayed with a `CandleFetcher` over the live
/// `KiwoomBroker` against the Kiwoom simulator (its rate limits on): the day's `ka10080` candles are fetched,
/// stored and used; a stock the venue does not know stays missing and is reported.
@Suite("Replay fetches missing candles from the venue")
struct CandleFetcherTests {
    static func withSimulator<T: Sendable>(_ body: @Sendable (KiwoomBroker) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let simulator = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(seed: 5), logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await simulator.run()
                return nil
            }
            let url = try await simulator.baseURL()
            let broker = KiwoomBroker(configuration: KiwoomConfiguration(baseURL: url, appKey: KiwoomConfiguration.simulatorAppKey,
                                                                         secretKey: KiwoomConfiguration.simulatorSecretKey), logger: logger)
            do {
                let value = try await body(broker)
                group.cancelAll()
                while (try? await group.next()) != nil {}
                return value
            } catch {
                group.cancelAll()
                while (try? await group.next()) != nil {}
                throw error
            }
        }
    }

    @Test func aMissingStocksCandlesAreFetchedStoredAndUsed() async throws {
        let store = try await TestStores.fresh("sqlite")
        // A past weekday: the simulator serves its whole session.
        let day = ReplayFixtures.day
        let lines: [RecordLine] = [
            .news(ReplayFixtures.headline("n1", "삼성전자 공급계약 체결", tickers: [ReplayFixtures.samsung], at: ReplayFixtures.at("100030"))),
            // 011810 is in the LS simulator's universe, not the Kiwoom simulator's: the venue has nothing for it.
            .news(ReplayFixtures.headline("n2", "STX 공급계약 체결", tickers: [Ticker("011810")!], at: ReplayFixtures.at("100500"))),
        ]
        var without = ArrayRecordSource(lines)
        let plain = try await ReplayDriver(configuration: ReplayConfiguration(rules: ReplayFixtures.rules)).run(&without)
        #expect(plain.total.trades == 0)
        #expect(Set(plain.missing.map(\.ticker)) == ["005930", "011810"])

        let (result, counts) = try await Self.withSimulator { broker in
            let fetcher = CandleFetcher(broker: broker, store: store)
            var configuration = ReplayConfiguration(rules: ReplayFixtures.rules)
            configuration.fetchMissing = fetcher
            var source = ArrayRecordSource(lines)
            let result = try await ReplayDriver(configuration: configuration).run(&source)
            return (result, fetcher.fetchedAndFailed)
        }
        #expect(result.trades.map(\.ticker) == ["005930"], "Samsung traded on the fetched candles")
        #expect(result.missing.map(\.ticker) == ["011810"], "the stock the venue does not know is still reported")
        #expect(counts.fetched == 1 && counts.failed == 1)
        var query = RowQuery(table: .candles, orderBy: "id", descending: false, limit: 10)
        query.equals["day"] = .text(day)
        let stored = try await store.select(query).compactMap(DayCandles.init(row:))
        #expect(stored.map(\.ticker.code) == ["005930"], "the fetched day is stored for the next replay")
        #expect(stored.first?.candles.count == 390 && stored.first?.reference != nil)

        // The next replay of the day, from the database, needs no venue.
        var fromStore = try StoreRecordSource(store: store, from: day, to: day)
        var news = ArrayRecordSource(lines)
        var merged: [RecordLine] = []
        while let line = try await fromStore.next() { merged.append(line) }
        while let line = try await news.next() { merged.append(line) }
        var again = ArrayRecordSource(merged)
        let replayed = try await ReplayDriver(configuration: ReplayConfiguration(rules: ReplayFixtures.rules)).run(&again)
        #expect(replayed.trades == result.trades)
        try await store.close()
    }
}
