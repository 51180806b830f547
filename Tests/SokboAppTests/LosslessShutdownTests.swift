import Foundation
import HummingbirdTesting
import SokboApp
import SokboCore
import SokboTestSupport
import Storage
import Testing

/// The spine's promise: rows accepted into the buffer reach the database exactly once, through
/// concurrent writers, a 100 ms flusher and a graceful shutdown (what SIGTERM triggers).
@Suite struct LosslessShutdownTests {
    @Test(arguments: TestStores.available)
    func fiftyThousandRowsFromConcurrentWritersLandExactlyOnceAcrossShutdown(kind: String) async throws {
        // A quiet simulated feed, so the only news rows are the test's own.
        let sokbo = try await makeSokbo(kind, ["sokbo.simulator.news.per.second": "0.001"])
        let writers = 10, perWriter = 5_000
        try await sokbo.application.test(.live) { client in
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for n in 0..<perWriter {
                            await sokbo.buffer.append(sampleNews(w * perWriter + n))
                            if n % 500 == 0 { await Task.yield() }
                        }
                    }
                }
            }
            // The flusher has been running meanwhile; shutdown (on return) must write the rest.
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        #expect(await sokbo.buffer.count == 0)
        let store = try await TestStores.open(sokbo.settings.database)
        #expect(try await store.count(.news) == writers * perWriter)
        // Exactly once: the unique key makes duplicates impossible to store, so also check every id is there.
        var query = RowQuery(table: .news, orderBy: "id", descending: false, limit: 10_000)
        query.atLeast["id"] = .text(sampleNews(0).id)
        #expect(try await store.select(query).count == 10_000)
        try await store.close()
    }
}
