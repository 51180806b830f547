import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Synchronization
import Testing

/// A node's demotion on its own clock, with a lease store standing in for the database: no MariaDB needed.
@Suite struct HANodeDemotionTests {
    /// A database gone silent (a blackhole): the node wins the lease, then every renewal hangs until the test
    /// lets it go, ignoring cancellation as a thread blocked in a socket read does.
    final class HangingRenewalStore: LeaseStore {
        let letGo = SetOnce<Void>()
        let renewalsOut = Atomic<Int>(0)

        func prepare() async throws {}
        func acquire(holder: String, lease: Duration) async throws -> UInt64? { 1 }
        func renew(holder: String, epoch: UInt64, lease: Duration) async throws -> Bool {
            renewalsOut.add(1, ordering: .relaxed)
            let letGo = letGo
            // A detached wait: the caller's cancellation does not reach it.
            _ = await Task.detached { try? await letGo.wait() }.value
            throw TestError("lost connection to server during query")
        }
        func release(holder: String, epoch: UInt64) async throws {}
        func read() async throws -> LeaseRecord {
            LeaseRecord(holder: "", epoch: 0, expiresInMs: 0, renewedAgoMs: 0, acquiredAgoMs: 0, previousHolder: "", cause: "first")
        }
        func commitFenced(orderID: String, row: Row, holder: String, epoch: UInt64) async throws {}
        func inFlight(before epoch: UInt64) async throws -> [String] { [] }
        func epochs(of orderIDs: [String]) async throws -> [String: UInt64] { [:] }
        func close() async throws {}
    }

    /// The active's renewal hangs on a silent database: at its deadline it stops sending, and its run ends
    /// (which ends the process and closes the venue sessions) without waiting for the hung call. Before the
    /// fix the run waited for every lease call out, so the sessions stayed open and the realtime service kept
    /// querying until the database client's timeouts fired (2 s and more), past the point the standby wins.
    @Test func aRenewalHungOnASilentDatabaseDoesNotHoldUpTheDemotion() async throws {
        let store = HangingRenewalStore()
        let timings = LeaseTimings(lease: .seconds(2), renewEvery: .milliseconds(100), demoteAfter: .milliseconds(600),
                                   acquireEvery: .milliseconds(100))
        let node = HANode(nodeName: "a", store: store, timings: timings, barrierWait: .zero, logger: TestStores.logger)
        let ended = Atomic<Bool>(false)
        let run = Task { () -> String in
            defer { ended.store(true, ordering: .sequentiallyConsistent) }
            do {
                try await node.run()
                return "returned"
            } catch {
                return "\(error)"
            }
        }
        #expect(try await eventually(timeout: .seconds(60)) { node.status().role == "demoted" }, "\(node.status())")
        #expect(!node.maySend())
        #expect(store.renewalsOut.load(ordering: .relaxed) > 0)
        // The renewal is still hung; the run must end anyway. (The bound only stops a failing test from hanging.)
        let endedWhileHung = try await eventually(timeout: .seconds(30)) { ended.load(ordering: .sequentiallyConsistent) }
        _ = store.letGo.set(())
        #expect(endedWhileHung, "the run waited for the hung renewal")
        #expect(await run.value.contains("lost the lease"))
    }
}
