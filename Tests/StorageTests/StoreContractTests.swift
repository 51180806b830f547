import Foundation
import SokboCore
import Testing
@testable import Storage
import SokboTestSupport

/// What every store must do, run over SQLite and (under scripts/with-mariadb.sh) MariaDB.
@Suite struct StoreContractTests {
    @Test(arguments: TestStores.available)
    func migratingTwiceKeepsTheSchemaVersion(kind: String) async throws {
        let url = try await TestStores.freshURL(kind)
        let store = try await TestStores.open(url)
        #expect(try await store.migrate() == Schema.version)
        try await store.close()
        let again = try await TestStores.open(url)
        #expect(try await again.migrate() == Schema.version)
        try await again.close()
    }

    @Test(arguments: TestStores.available)
    func insertingTheSameRowsTwiceStoresThemOnce(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        let rows = (0..<2_345).map { sampleNews($0).row }
        #expect(try await store.insert(rows, into: .news) == 2_345)
        #expect(try await store.insert(rows, into: .news) == 0)
        #expect(try await store.insert(rows.prefix(10) + [sampleNews(99_999).row], into: .news) == 1)
        #expect(try await store.count(.news) == 2_346)
        try await store.close()
    }

    @Test(arguments: TestStores.available)
    func koreanTextAndEmojiRoundTrip(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        var item = sampleNews(7)
        item.title = "STX, ‘2차전지 핵심’ 수산화리튬 사업 박차…中 영정리튬과 MOU ㆍ 🚀"
        _ = try await store.insert([item.row], into: .news)
        let rows = try await store.select(RowQuery(table: .news, orderBy: "published_at"))
        #expect(rows.compactMap(NewsItem.init(row:)) == [item])
        try await store.close()
    }

    /// A value a column cannot hold fails the insert with an error that says the rows are at fault (never a
    /// silent cut or coercion: MySQL's `INSERT IGNORE` used to store such a null title as ''), and writes nothing.
    @Test(arguments: TestStores.available)
    func aValueTheColumnRefusesFailsTheBatchAsTheRowsFault(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        var bad = sampleNews(2).row.values
        bad[3] = .null
        var refusal: (any Error)?
        do {
            _ = try await store.insert([sampleNews(1).row, Row(bad), sampleNews(3).row], into: .news)
        } catch {
            refusal = error
        }
        let count = try await store.count(.news)
        try await store.close()
        let rejects = (refusal as? any RowRejectingError)?.rejectsRows
        #expect(rejects == true, "error: \(refusal.map { "\($0)" } ?? "none")")
        #expect(count == 0, "one transaction: nothing of the batch was written")
    }

    /// A frame packs up to 20 codes; venue fields and rule names have no documented bound: all come back whole.
    @Test(arguments: TestStores.available)
    func longVenueAndRuleValuesComeBackWhole(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        var item = sampleNews(1)
        item.tickers = KRXUniverse.listings.prefix(20).map(\.ticker)
        item.source = String(repeating: "S", count: 100)
        item.category = String(repeating: "9", count: 100)
        _ = try await store.insert([item.row], into: .news)
        // Two long rule names that differ only at the end: two signals, not one.
        let signal = SignalRecord(newsID: item.id, rule: String(repeating: "공급계약-", count: 30) + "A", ticker: item.tickers.first,
                                  decision: .buy, reason: "test", createdAt: Date(timeIntervalSince1970: 1_795_650_000))
        let sibling = SignalRecord(newsID: item.id, rule: String(repeating: "공급계약-", count: 30) + "B", ticker: item.tickers.first,
                                   decision: .skip, reason: "test", createdAt: Date(timeIntervalSince1970: 1_795_650_001))
        #expect(try await store.insert([signal.row, sibling.row], into: .signals) == 2)
        let news = try await store.select(RowQuery(table: .news, orderBy: "published_at")).compactMap(NewsItem.init(row:))
        let signals = try await store.select(RowQuery(table: .signals, orderBy: "created_at")).compactMap(SignalRecord.init(row:))
        #expect(news == [item])
        #expect(news.first?.tickers.count == 20)
        #expect(Set(signals.map(\.rule)) == [signal.rule, sibling.rule])
        #expect(signals.allSatisfy { $0.id.count <= 64 })
        try await store.close()
    }

    @Test(arguments: TestStores.available)
    func selectFiltersByTickerTimeAndLimit(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        let items = (0..<30).map { sampleNews($0) }
        _ = try await store.insert(items.map(\.row), into: .news)
        var query = RowQuery(table: .news, orderBy: "published_at", limit: 5)
        query.contains["tickers"] = "005930"
        query.atLeast["published_at"] = .integer(items[10].publishedAt.epochMilliseconds)
        let found = try await store.select(query).compactMap(NewsItem.init(row:))
        let expected = items.filter { !$0.tickers.isEmpty && $0.publishedAt >= items[10].publishedAt }
            .sorted { $0.publishedAt > $1.publishedAt }.prefix(5)
        #expect(found == Array(expected))
        try await store.close()
    }

    @Test(arguments: TestStores.available)
    func upsertReplacesAnOrderByKey(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        func order(_ state: String) -> Row {
            Row([.text("o-1"), .text("n-1"), .text("005930"), .text("buy"), .integer(10), .integer(70_100), .text(state),
                 .null, .text("{}"), .integer(1), .integer(2)])
        }
        try await store.upsert(order("submitted"), into: .orders)
        try await store.upsert(order("accepted"), into: .orders)
        let rows = try await store.select(RowQuery(table: .orders, orderBy: "created_at"))
        #expect(rows.count == 1)
        #expect(rows.first?.values[6] == .text("accepted"))
        try await store.close()
    }

    /// A closed trade round-trips through `trades`, once however often it is written (a restart replays it),
    /// and reads back by close time.
    @Test(arguments: TestStores.available)
    func aTradeIsStoredOnceAndReadBackByCloseTime(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        let at = Date(timeIntervalSince1970: 1_795_650_000)
        let trade = TradeRecord(id: "t-x-005930-1795650000000-stop-loss", trade: Trade(
            ticker: Ticker("005930")!, rule: "supply-contract-with-a-rather-long-rule-name-beyond-sixty-four-characters-on-purpose",
            newsID: "202611260840001234567890", openedAt: at, closedAt: at.addingTimeInterval(90), quantity: 100,
            entryPrice: 10_000, exitPrice: 9_612.5, exitReason: .stopLoss, grossPnL: -38_750, commission: 294, tax: 1_922,
            netPnL: -40_966))
        #expect(try await store.insert([trade.row], into: .trades) == 1)
        #expect(try await store.insert([trade.row], into: .trades) == 0)
        var query = RowQuery(table: .trades, orderBy: "closed_at")
        query.atLeast["closed_at"] = .integer(at.epochMilliseconds)
        let read = try await store.select(query).compactMap(TradeRecord.init(row:))
        try await store.close()
        #expect(read == [trade])
    }

    /// A SQLite database left at version 3 (the engine's `trades`, no `candles`) gains `candles` in version 4 and
    /// keeps its trades; MySQLStoreTests runs the same from version 1 on MariaDB.
    @Test func aVersionThreeDatabaseGainsCandlesAndKeepsItsTrades() async throws {
        let store = try await SQLiteStore.open(path: TestStores.temporaryDirectory() + "/v3.sqlite", logger: TestStores.logger)
        _ = try await store.rawQuery(Migrations.bookkeeping(.sqlite))
        for version in 1...3 {
            for statement in Migrations.statements(version: version, dialect: .sqlite) { _ = try await store.rawQuery(statement) }
            _ = try await store.rawQuery("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", [.integer(Int64(version))])
        }
        let at = Date(timeIntervalSince1970: 1_795_650_000)
        let trade = TradeRecord(id: "t-v3", trade: Trade(
            ticker: Ticker("005930")!, rule: "supply-contract", newsID: "n1", openedAt: at, closedAt: at.addingTimeInterval(60),
            quantity: 1, entryPrice: 10_000, exitPrice: 10_100, exitReason: .takeProfit, grossPnL: 100, commission: 3, tax: 20, netPnL: 77))
        #expect(try await store.insert([trade.row], into: .trades) == 1)
        let candlesBefore = try await store.rawQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'candles'")

        let version = try await store.migrate()
        let trades = try await store.count(.trades)
        let candles = try await store.count(.candles)
        try await store.close()

        #expect(candlesBefore.first?.values == [.integer(0)])
        #expect(version == 4)
        #expect(trades == 1)
        #expect(candles == 0)
    }
}
