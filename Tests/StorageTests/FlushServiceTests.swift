import Foundation
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import SokboCore
import Testing
@testable import Storage
import SokboTestSupport

@Suite struct FlushServiceTests {
    /// These tests provoke the outages, refused rows and spills they check (through the service's status and
    /// files), so the warnings and errors the service logs for them are expected: kept out of a green run's
    /// output, where an `error` line must mean something.
    static let logger: Logger = {
        var logger = Logger(label: "flush-test")
        logger.logLevel = .critical
        return logger
    }()

    struct Rig {
        let store: FlakyStore
        let buffer: RowBuffer
        let spill: SpillFile
        let flusher: FlushService
    }

    func rig(_ kind: String, url: DatabaseURL? = nil, spillPath: String? = nil, capacity: Int = 1_000_000,
             interval: Duration = .milliseconds(100)) async throws -> Rig {
        let resolved: DatabaseURL
        if let url { resolved = url } else { resolved = try await TestStores.freshURL(kind) }
        let store = FlakyStore(try await TestStores.open(resolved))
        let buffer = RowBuffer(capacity: capacity)
        let spill = try await SpillFile(path: spillPath ?? TestStores.temporaryDirectory() + "/spill.jsonl")
        let flusher = FlushService(buffer: buffer, store: store, spill: spill, interval: interval,
                                   maximumBackoff: .milliseconds(400), logger: Self.logger)
        return Rig(store: store, buffer: buffer, spill: spill, flusher: flusher)
    }

    /// A news row with a null title (NOT NULL), as a bug or an odd venue reply could produce.
    static func poisoned(_ n: Int) -> Row {
        var values = sampleNews(n).row.values
        values[3] = .null
        return Row(values)
    }

    /// Rows the database refuses for their values are set aside, counted, and never block the rest: the
    /// same flush writes every other row, and the next flushes go on as usual.
    @Test(arguments: TestStores.available)
    func rowsTheDatabaseRefusesAreSetAsideAndTheRestLands(kind: String) async throws {
        let directory = TestStores.temporaryDirectory()
        let store = try await TestStores.open(try await TestStores.freshURL(kind))
        let buffer = RowBuffer(capacity: 1_000_000)
        let rejected = try await SpillFile(path: directory + "/rejected.jsonl")
        let flusher = FlushService(buffer: buffer, store: store, spill: try await SpillFile(path: directory + "/spill.jsonl"),
                                   rejected: rejected, interval: .milliseconds(100), logger: Self.logger)
        let poison = [17, 250, 251]
        for n in 0..<500 {
            if poison.contains(n) { await buffer.append(Self.poisoned(n), to: .news) } else { await buffer.append(sampleNews(n)) }
        }
        let first = await flusher.flush()
        for n in 500..<600 { await buffer.append(sampleNews(n)) }
        let second = await flusher.flush()
        let stored = try await store.count(.news)
        let setAside = try await rejected.load()
        let status = await flusher.status()
        try await store.close()

        #expect(first.error == nil, "a refused row is not an outage: \(first.error ?? "")")
        #expect(first.rows == 497)
        #expect(second.error == nil && second.rows == 100)
        #expect(stored == 597)
        #expect(setAside.rows[.news]?.map(\.values.first) == poison.map { sampleNews($0).row.values.first })
        #expect(status.rejectedRows == 3)
        #expect(status.consecutiveFailures == 0)
        #expect(await buffer.count == 0)
    }

    @Test(arguments: TestStores.available)
    func aFailedFlushKeepsItsRowsAndTheNextOneWritesThemOnce(kind: String) async throws {
        let r = try await rig(kind)
        for n in 0..<500 { await r.buffer.append(sampleNews(n)) }
        r.store.failing = true
        let failed = await r.flusher.flush()
        #expect(failed.error != nil)
        #expect(await r.buffer.count == 500)
        #expect(await r.flusher.status().consecutiveFailures == 1)
        for n in 500..<600 { await r.buffer.append(sampleNews(n)) }
        r.store.failing = false
        let ok = await r.flusher.flush()
        #expect(ok.error == nil)
        #expect(ok.rows == 600)
        #expect(try await r.store.count(.news) == 600)
        let status = await r.flusher.status()
        #expect(status.consecutiveFailures == 0)
        #expect(status.lastError != nil)
        try await r.store.close()
    }

    @Test(arguments: TestStores.available)
    func rowsAboveCapacitySpillToDiskDuringAnOutageAndLandAfterIt(kind: String) async throws {
        let r = try await rig(kind, capacity: 1_000)
        r.store.failing = true
        for n in 0..<3_000 { await r.buffer.append(sampleNews(n)) }
        _ = await r.flusher.flush()
        #expect(await r.buffer.count == 1_000)
        #expect(await r.spill.rowCount == 2_000)
        #expect(await r.flusher.status().spilledRows == 2_000)
        r.store.failing = false
        let report = await r.flusher.flush()
        #expect(report.error == nil)
        #expect(report.rows == 3_000)
        #expect(await r.spill.rowCount == 0)
        #expect(try await r.store.count(.news) == 3_000)
        try await r.store.close()
    }

    @Test(arguments: TestStores.available)
    func theScheduledLoopRecoversFromAnOutageWithBackoff(kind: String) async throws {
        let r = try await rig(kind)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await r.flusher.run() }
                r.store.failing = true
                for n in 0..<1_000 { await r.buffer.append(sampleNews(n)) }
                #expect(try await eventually { await r.flusher.status().consecutiveFailures >= 2 })
                r.store.failing = false
                #expect(try await eventually { try await r.store.count(.news) == 1_000 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(await r.buffer.count == 0)
        try await r.store.close()
    }

    @Test(arguments: TestStores.available)
    func shutdownWithTheDatabaseDownSpillsAndTheNextStartWritesEverything(kind: String) async throws {
        let url = try await TestStores.freshURL(kind)
        let spillPath = TestStores.temporaryDirectory() + "/spill.jsonl"
        let first = try await rig(kind, url: url, spillPath: spillPath, interval: .seconds(3600))
        for n in 0..<700 { await first.buffer.append(sampleNews(n)) }
        first.store.failing = true
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await first.flusher.run() }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(await first.buffer.count == 0)
        #expect(await first.spill.rowCount == 700)
        try await first.store.close()

        let second = try await rig(kind, url: url, spillPath: spillPath)
        #expect(await second.spill.rowCount == 700)
        let report = await second.flusher.flush()
        #expect(report.rows == 700)
        #expect(try await second.store.count(.news) == 700)
        #expect(!FileManager.default.fileExists(atPath: spillPath))
        try await second.store.close()
    }

    @Test func unreadableSpillLinesAreKeptAsideNotDeleted() async throws {
        let directory = TestStores.temporaryDirectory()
        let path = directory + "/spill.jsonl"
        let spill = try await SpillFile(path: path)
        try await spill.append([.news: [sampleNews(1).row]])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{not json\n".utf8))
        try handle.close()
        let r = try await rig("sqlite", spillPath: path)
        let report = await r.flusher.flush()
        #expect(report.rows == 1)
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("unreadable") }
        #expect(aside.count == 1)
        try await r.store.close()
    }
}
