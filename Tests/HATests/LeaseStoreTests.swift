#if MySQL
import Foundation
import SokboCore
import SokboTestSupport
@testable import Storage
import Testing

/// The lease row and the fenced commit against the real MariaDB of `scripts/with-mariadb.sh`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil, "needs scripts/with-mariadb.sh"))
struct LeaseStoreTests {
    /// A migrated database of its own, its store, and two lease stores on it (two nodes).
    static func database() async throws -> (store: any Store, a: MySQLLeaseStore, b: MySQLLeaseStore) {
        let url = try await TestStores.freshURL("mysql")
        guard case .mysql(let settings) = url else { throw TestError("not mysql") }
        let store = try await TestStores.open(url)
        let a = try MySQLLeaseStore.open(settings: settings, logger: TestStores.logger)
        let b = try MySQLLeaseStore.open(settings: settings, logger: TestStores.logger)
        try await a.prepare()
        try await b.prepare()
        return (store, a, b)
    }

    /// Lets the lease expire on the database's clock without waiting for it.
    static func expire(_ lease: MySQLLeaseStore) async throws {
        _ = try await lease.rawRun("UPDATE sokbo_lease SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = 1")
    }

    static func order(_ id: String, state: OrderState = .submitted) -> Row {
        var order = Order(id: id, newsID: "n1", rule: "r", ticker: Ticker("005930")!, side: .buy, quantity: 3, price: .limit(70_000),
                          createdAt: Date())
        order.state = state
        return order.row
    }

    @Test func oneHolderAtATimeWithEpochsThatOnlyRise() async throws {
        let (store, a, b) = try await Self.database()
        // Preparing again (a second node starting) keeps the row.
        try await b.prepare()
        let first = try #require(try await a.acquire(holder: "a#1", lease: .seconds(60)))
        #expect(first == 1)
        #expect(try await a.read().cause == "first")
        // Unexpired: the other node cannot take it, and cannot renew what it does not hold.
        #expect(try await b.acquire(holder: "b#1", lease: .seconds(60)) == nil)
        #expect(try await b.renew(holder: "b#1", epoch: first, lease: .seconds(60)) == false)
        #expect(try await a.renew(holder: "a#1", epoch: first, lease: .seconds(60)))
        // Renewed twice within one millisecond still counts as renewed.
        #expect(try await a.renew(holder: "a#1", epoch: first, lease: .seconds(60)))

        try await Self.expire(a)
        // Expired on the database's clock: the holder's renewal is refused, and the other node takes it.
        #expect(try await a.renew(holder: "a#1", epoch: first, lease: .seconds(60)) == false)
        let second = try #require(try await b.acquire(holder: "b#1", lease: .seconds(60)))
        #expect(second == first + 1)
        let record = try await b.read()
        #expect(record.holder == "b#1")
        #expect(record.previousHolder == "a#1")
        #expect(record.cause == "expired")
        #expect(record.expiresInMs > 50_000)
        #expect(try await a.renew(holder: "a#1", epoch: first, lease: .seconds(60)) == false)

        // A release lets the next node in at once, with the cause recorded.
        try await b.release(holder: "b#1", epoch: second)
        let third = try #require(try await a.acquire(holder: "a#2", lease: .seconds(60)))
        #expect(third == second + 1)
        #expect(try await a.read().cause == "released")
        try await a.close()
        try await b.close()
        try await store.close()
    }

    @Test func aFencedCommitNeedsTheCurrentUnexpiredEpochAndCommitsAnOrderOnce() async throws {
        let (store, a, b) = try await Self.database()
        let epochA = try #require(try await a.acquire(holder: "a#1", lease: .seconds(60)))
        try await a.commitFenced(orderID: "o-1", row: Self.order("o-1"), holder: "a#1", epoch: epochA)
        // The row is in `orders` already: a node that takes over finds it.
        var query = RowQuery(table: .orders, orderBy: "created_at")
        query.equals["id"] = .text("o-1")
        #expect(try await store.select(query).compactMap(Order.init(row:)).first?.state == .submitted)
        // The same order id again, even by the holder: refused.
        await #expect(throws: FenceRefusal(.alreadyCommitted, "o-1")) {
            try await a.commitFenced(orderID: "o-1", row: Self.order("o-1"), holder: "a#1", epoch: epochA)
        }
        // The lease expired (the holder paused), not yet taken: refused.
        try await Self.expire(a)
        await #expect(throws: FenceRefusal(.expired, "epoch \(epochA)")) {
            try await a.commitFenced(orderID: "o-2", row: Self.order("o-2"), holder: "a#1", epoch: epochA)
        }
        // Taken by another node (the epoch bumped): the old holder is refused, the new one commits.
        let epochB = try #require(try await b.acquire(holder: "b#1", lease: .seconds(60)))
        do {
            try await a.commitFenced(orderID: "o-2", row: Self.order("o-2"), holder: "a#1", epoch: epochA)
            Issue.record("the old holder's commit went through")
        } catch let refusal as FenceRefusal {
            #expect(refusal.reason == .notHolder)
        }
        try await b.commitFenced(orderID: "o-2", row: Self.order("o-2"), holder: "b#1", epoch: epochB)
        #expect(try await b.epochs(of: ["o-1", "o-2", "o-3"]) == ["o-1": epochA, "o-2": epochB])
        // In flight from before epoch B: o-1 (still `submitted`), not o-2 (B's own).
        #expect(try await b.inFlight(before: epochB) == ["o-1"])
        try await store.upsert(Self.order("o-1", state: .accepted), into: .orders)
        #expect(try await b.inFlight(before: epochB).isEmpty)
        try await a.close()
        try await b.close()
        try await store.close()
    }
}
#endif
