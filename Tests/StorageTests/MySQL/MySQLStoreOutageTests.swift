#if MySQL
import Foundation
import ServiceLifecycle
import ServiceLifecycleTestKit
import SokboCore
import Testing
@testable import Storage
import SokboTestSupport

// Stopping the shared server would break every other test using it at that moment, so this test
// runs only in its own `swift test` invocation (scripts/test.sh sets SOKBO_TEST_MYSQL_OUTAGE=1 there).
extension MySQLStoreTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_OUTAGE"] == "1"
                   && ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_STOP_CMD"] != nil
                   && ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_START_CMD"] != nil))
    func aTenSecondOutageLosesAndDuplicatesNothing() async throws {
        let store = try await MySQLTestServer.openStore("outage")
        let buffer = RowBuffer()
        let spillPath = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-spill-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: spillPath) }
        let spill = try await SpillFile(path: spillPath)
        let flusher = FlushService(buffer: buffer, store: store, spill: spill, interval: .milliseconds(100),
                                   maximumBackoff: .seconds(1), logger: MySQLTestServer.logger)
        var serverStopped = false
        do {
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await flusher.run() }
                    // A feed writing about 2,000 headlines a second, never waiting on the database.
                    let writer = Task {
                        var appended = 0
                        while !Task.isCancelled {
                            await buffer.append(contentsOf: (appended..<appended + 20).map { MySQLTestServer.newsRow($0) }, to: .news)
                            appended += 20
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                        return appended
                    }
                    defer { writer.cancel() }
                    try await Task.sleep(for: .seconds(2))
                    let beforeOutage = try await store.count(.news)

                    #expect(try await MySQLTestServer.runCommand(from: "SOKBO_TEST_MYSQL_STOP_CMD") == 0)
                    serverStopped = true
                    let stoppedAt = ContinuousClock.now
                    // A direct call fails with a clear, retryable error instead of hanging.
                    await #expect {
                        try await store.count(.news)
                    } throws: { error in
                        (error as? MySQLError)?.isRetryable == true
                    }
                    var duringOutage = await flusher.status()
                    while duringOutage.consecutiveFailures == 0 || duringOutage.lastError == nil,
                          ContinuousClock.now < stoppedAt + .seconds(9) {
                        try await Task.sleep(for: .milliseconds(100))
                        duringOutage = await flusher.status()
                    }
                    let pendingDuringOutage = await buffer.count
                    try await Task.sleep(until: stoppedAt + .seconds(10))

                    #expect(try await MySQLTestServer.runCommand(from: "SOKBO_TEST_MYSQL_START_CMD") == 0)
                    serverStopped = false
                    try await Task.sleep(for: .seconds(2))
                    writer.cancel()
                    let appended = await writer.value

                    // Drain: bounded generously, polled.
                    var stored = -1
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        let pending = await buffer.count
                        let spilled = await spill.rowCount
                        stored = (try? await store.count(.news)) ?? -1
                        if pending == 0, spilled == 0, stored == appended { break }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    let ids = try await store.rawQuery("SELECT COUNT(DISTINCT id), MIN(id), MAX(id) FROM news")
                    let recovered = await flusher.status()
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()

                    #expect(beforeOutage > 0)
                    #expect(duringOutage.consecutiveFailures > 0)
                    #expect(duringOutage.lastError?.error != nil)
                    #expect(pendingDuringOutage > 0)
                    #expect(stored == appended, "stored \(stored) of \(appended) appended rows")
                    #expect(ids.first?.values == [
                        .integer(Int64(appended)),
                        MySQLTestServer.newsRow(0).values[0],
                        MySQLTestServer.newsRow(appended - 1).values[0],
                    ])
                    #expect(recovered.consecutiveFailures == 0)
                }
            }
        } catch {
            if serverStopped { _ = try? await MySQLTestServer.runCommand(from: "SOKBO_TEST_MYSQL_START_CMD") }
            await MySQLTestServer.dispose(store)
            throw error
        }
        await MySQLTestServer.dispose(store)
    }
}
#endif
