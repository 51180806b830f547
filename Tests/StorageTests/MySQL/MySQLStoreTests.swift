#if MySQL
import Foundation
import SokboCore
import SokboTestSupport
import Testing
@testable import Storage

// Serialized, and in one suite with the outage test: stopping the server must not fail a neighbour.
@Suite("MySQLStore against a real MariaDB", .serialized, .enabled(if: MySQLTestServer.isConfigured))
struct MySQLStoreTests {
    @Test func migratingTwiceIsANoOp() async throws {
        let store = try await MySQLStore.open(settings: try MySQLTestServer.settings("migrate"),
                                              logger: MySQLTestServer.logger, createDatabase: true)
        let first = try await store.migrate()
        let second = try await store.migrate()
        let recorded = try await store.rawQuery("SELECT COUNT(*), MAX(version) FROM schema_migrations")
        let tables = try await store.rawQuery(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", [.text(store.settings.database)])
        let newsIndex = try await store.rawQuery(
            "SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE table_schema = ? AND table_name = 'news' AND index_name = 'idx_news_published_at'",
            [.text(store.settings.database)])
        await MySQLTestServer.dispose(store)

        #expect(first == Schema.version)
        #expect(second == Schema.version)
        #expect(recorded.first?.values == [.integer(Int64(Schema.version)), .integer(Int64(Schema.version))])
        #expect(tables.first?.values.first?.integer == Int64(Table.allCases.count + 1))
        #expect(newsIndex.first?.values.first?.integer == 1)
    }

    /// A database left at version 1 (VARCHAR(64) venue columns) is widened by version 2, gains `trades` in
    /// version 3 and `candles` in version 4, and keeps its rows.
    @Test func aVersionOneDatabaseIsWidenedAndKeepsItsRows() async throws {
        let store = try await MySQLStore.open(settings: try MySQLTestServer.settings("widen"),
                                              logger: MySQLTestServer.logger, createDatabase: true)
        _ = try await store.rawQuery(Migrations.bookkeeping(.mysql), onWriter: true)
        for statement in Migrations.statements(version: 1, dialect: .mysql) { _ = try await store.rawQuery(statement, onWriter: true) }
        // Version 1 as it shipped: these columns were VARCHAR(64).
        for (table, columns) in Migrations.widenedInVersion2 {
            for name in columns {
                let nullable = table.schema.columns.first { $0.name == name }?.nullable ?? false
                _ = try await store.rawQuery("ALTER TABLE \(table.rawValue) MODIFY \(name) VARCHAR(64)\(nullable ? " NULL" : " NOT NULL")", onWriter: true)
            }
        }
        _ = try await store.rawQuery("INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)", onWriter: true)
        let old = MySQLTestServer.newsRow(1)
        _ = try await store.insert([old], into: .news)

        let version = try await store.migrate()
        // Version 3 added the trades table to a database that had none, version 4 the candles table.
        let trades = try await store.count(.trades)
        let candles = try await store.count(.candles)
        let long = MySQLTestServer.newsRow(2, tickers: KRXUniverse.listings.prefix(20).map(\.ticker.code))
        _ = try await store.insert([long], into: .news)
        var query = RowQuery(table: .news, orderBy: "published_at", descending: false)
        query.limit = 10
        let rows = try await store.select(query)
        let types = try await store.rawQuery(
            "SELECT DATA_TYPE FROM information_schema.columns WHERE table_schema = ? AND table_name = 'news' AND column_name = 'tickers'",
            [.text(store.settings.database)])
        await MySQLTestServer.dispose(store)

        #expect(version == Schema.version)
        #expect(trades == 0)
        #expect(candles == 0)
        #expect(rows == [old, long])
        #expect(NewsItem(row: rows[1])?.tickers.count == 20)
        #expect(types.first?.values.first?.text == "mediumtext")
    }

    @Test func insertingTheSameRowsTwiceAddsNothing() async throws {
        let store = try await MySQLTestServer.openStore("insert")
        let rows = (0..<10_000).map { MySQLTestServer.newsRow($0) }
        let first = try await store.insert(rows, into: .news)
        let second = try await store.insert(rows, into: .news)
        let afterRetry = try await store.count(.news)
        let overlapping = (5_000..<15_000).map { MySQLTestServer.newsRow($0) }
        let third = try await store.insert(overlapping, into: .news)
        let total = try await store.count(.news)
        await MySQLTestServer.dispose(store)

        #expect(first == 10_000)
        #expect(second == 0)
        #expect(afterRetry == 10_000)
        #expect(third == 5_000)
        #expect(total == 15_000)
    }

    @Test func koreanTextAndFourByteEmojiRoundTripAsUTF8MB4() async throws {
        let store = try await MySQLTestServer.openStore("utf8")
        let title = "[특징주] 에코프로비엠 📈 급등 🚀 — 2차전지 𝄞 «수주» 한글 ㈜"
        let row = MySQLTestServer.newsRow(1, title: title)
        _ = try await store.insert([row], into: .news)
        var query = RowQuery(table: .news, orderBy: "published_at")
        query.equals["id"] = row.values[0]
        let selected = try await store.select(query)
        // The bytes the server holds: catches double encoding, which would round-trip unnoticed.
        let stored = try await store.rawQuery(
            "SELECT HEX(title), CHAR_LENGTH(title), CHARSET(title) FROM news WHERE id = ?", [row.values[0]])
        await MySQLTestServer.dispose(store)

        #expect(selected == [row])
        #expect(selected.first.flatMap(NewsItem.init(row:))?.title == title)
        let hex = title.utf8.map { String(format: "%02X", $0) }.joined()
        #expect(stored.first?.values == [.text(hex), .integer(Int64(title.unicodeScalars.count)), .text("utf8mb4")])
    }

    @Test func selectAppliesEveryFilterAndTheOrder() async throws {
        let store = try await MySQLTestServer.openStore("select")
        let base: Int64 = 1_764_115_200_000
        let rows = [
            MySQLTestServer.newsRow(1, source: "25", tickers: ["005930"], publishedAtMs: base + 1_000),
            MySQLTestServer.newsRow(2, source: "25", tickers: ["000660", "005930"], publishedAtMs: base + 2_000),
            MySQLTestServer.newsRow(3, source: "14", tickers: ["005930"], publishedAtMs: base + 3_000),
            MySQLTestServer.newsRow(4, source: "25", tickers: ["035420"], publishedAtMs: base + 4_000),
            MySQLTestServer.newsRow(5, source: "25", tickers: ["005930"], publishedAtMs: base + 5_000),
            MySQLTestServer.newsRow(6, source: "25", tickers: ["005930"], publishedAtMs: base + 6_000),
            MySQLTestServer.newsRow(7, source: "25", tickers: [], publishedAtMs: base + 7_000),
        ]
        _ = try await store.insert(rows, into: .news)
        var query = RowQuery(table: .news, orderBy: "published_at", descending: true, limit: 2)
        query.equals["source"] = .text("25")
        query.contains["tickers"] = "005930"
        query.atLeast["published_at"] = .integer(base + 2_000)
        query.atMost["published_at"] = .integer(base + 6_000)
        let newest = try await store.select(query)
        query.descending = false
        query.limit = 10
        let oldest = try await store.select(query)
        var none = RowQuery(table: .news, orderBy: "published_at")
        none.equals["source"] = .text("99")
        let empty = try await store.select(none)
        await MySQLTestServer.dispose(store)

        #expect(newest == [rows[5], rows[4]])
        #expect(oldest == [rows[1], rows[4], rows[5]])
        #expect(empty.isEmpty)
    }

    @Test func upsertReplacesTheRowWithTheSameKey() async throws {
        let store = try await MySQLTestServer.openStore("upsert")
        func order(state: String, brokerNo: SQLValue, updatedAt: Int64) -> Row {
            Row([.text("ord-20261126-0001"), .text("20261126090000000000000001"), .text("005930"), .text("buy"),
                 .integer(10), .null, .text(state), brokerNo, .text("{\"reason\":\"호재\"}"),
                 .integer(1_764_115_200_000), .integer(updatedAt)])
        }
        try await store.upsert(order(state: "sent", brokerNo: .null, updatedAt: 1_764_115_200_100), into: .orders)
        let accepted = order(state: "accepted", brokerNo: .text("0000123"), updatedAt: 1_764_115_200_900)
        try await store.upsert(accepted, into: .orders)
        let stored = try await store.select(RowQuery(table: .orders, orderBy: "created_at"))
        await MySQLTestServer.dispose(store)

        #expect(stored == [accepted])
    }

    @Test func aWrongPasswordFailsClearlyWithoutShowingIt() async throws {
        var settings = try MySQLTestServer.settings("auth")
        settings.password = "wrong-\(UUID().uuidString)"
        do {
            let store = try await MySQLStore.open(settings: settings, logger: MySQLTestServer.logger)
            try? await store.close()
            Issue.record("a wrong password was accepted")
        } catch let error as MySQLError {
            #expect(error.code == 1045)
            #expect(!error.isRetryable)
            #expect(!error.description.contains(settings.password))
            #expect(error.description.contains("***"))
        }
    }

    /// Both connections block in `SLEEP` at once; on a 2-core machine the cooperative pool has 2 threads, so
    /// had the calls run there, nothing else could run until they returned. Proven by order, not by timing:
    /// a second store sees both sleeps under way on the server, then cooperative work runs and finishes,
    /// and only then do the sleeps return.
    @Test func blockingCallsLeaveTheCooperativePoolFree() async throws {
        let store = try await MySQLTestServer.openStore("blocking")
        let observer = try await MySQLTestServer.openStore("blocking_observer")
        let returned = SleepsReturned()
        async let sleeps: [[Row]] = {
            async let onReader = store.rawQuery("SELECT SLEEP(8)")
            async let onWriter = store.rawQuery("SELECT SLEEP(8)", onWriter: true)
            let results = try await [onReader, onWriter]
            await returned.mark()
            return results
        }()
        let bothSleeping = try await eventually(timeout: .seconds(60)) {
            let rows = try await observer.rawQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(8)%'")
            return rows.first?.values.first?.integer == 2
        }
        #expect(bothSleeping, "both connections are in SLEEP on the server")
        // Work for the cooperative pool: many child tasks, each giving its thread up once.
        let finished = await withTaskGroup(of: Int.self) { group in
            for i in 0..<200 { group.addTask { await Task.yield(); return i } }
            return await group.reduce(0) { count, _ in count + 1 }
        }
        let sleepsAlreadyReturned = await returned.value
        let results = try await sleeps
        await MySQLTestServer.dispose(store)
        await MySQLTestServer.dispose(observer)

        #expect(finished == 200)
        #expect(!sleepsAlreadyReturned, "the cooperative work waited for the blocking calls to return")
        #expect(results == [[Row([.integer(0)])], [Row([.integer(0)])]])
    }
}

/// Set once the blocking calls have returned.
private actor SleepsReturned {
    private(set) var value = false
    func mark() { value = true }
}
#endif
