#if MySQL
import AsyncHTTPClient
import Configuration
import Foundation
import NIOHTTP1
import SokboApp
import SokboCore
import SokboTestSupport
@testable import Storage
import Testing
import Trading

/// Whole nodes (`buildApplication`, as `sokbo serve` builds them) with `SOKBO_HA=on` on one MariaDB database,
/// over real sockets. Each node's built-in simulator is its own venue here, so a node's venue counts show
/// exactly what that node sent; the shared-venue runs are the two-process tests.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil, "needs scripts/with-mariadb.sh"))
struct TwoNodeTests {
    static let token = "test-token-0123456789"

    /// A standby that tries often, so a released or pre-expired lease is taken within a fraction of a second;
    /// the demotion deadline stays generous, since a loaded machine (the whole suite, other builds) can hold a
    /// renewal up for more than a second, and a node that demotes ends its test.
    static let quick = ["sokbo.ha.lease.ms": "8000", "sokbo.ha.renew.ms": "500", "sokbo.ha.demote.ms": "5000", "sokbo.ha.acquire.ms": "300"]

    static func node(_ url: DatabaseURL, _ name: String, _ overrides: [String: String] = [:]) async throws -> Sokbo {
        guard case .mysql(let s) = url else { throw TestError("not mysql") }
        var values = [
            "sokbo.data.dir": TestStores.temporaryDirectory(),
            "sokbo.api.token": token,
            "sokbo.flush.interval.ms": "100",
            "sokbo.database.url": "mysql://\(s.user):\(s.password)@\(s.host):\(s.port)/\(s.database)",
            "sokbo.entry.deadline.ms": "600000",
            "kiwoom.max.wait.ms": "120000",
            "kiwoom.lookup.max.wait.ms": "60000",
            "sokbo.http.port": "0",
            "sokbo.simulator.news.per.second": "0.001",
            "sokbo.ha": "on",
            "sokbo.node.name": name,
        ]
        values.merge(overrides) { _, new in new }
        let provider = InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        }))
        return try await buildApplication(reader: ConfigReader(provider: provider), logger: TestStores.logger)
    }

    static func eventually(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func call(_ port: Int, _ method: HTTPMethod, _ path: String) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    static func role(_ node: Sokbo) -> String { node.ha?.status().role ?? "none" }

    // MARK: - Fencing at the point of harm

    /// The lease is taken from under an active node (its epoch bumped in the database by another holder)
    /// while its own renewals are far off, so only the fenced commit can notice: the next headline's order is
    /// refused at the commit and the venue never sees it. The headline before it went out once.
    @Test func aNodeWhoseEpochWasTakenCannotSend() async throws {
        let url = try await TestStores.freshURL("mysql")
        _ = try await TestStores.open(url).close()
        guard case .mysql(let settings) = url else { return }
        let node = try await Self.node(url, "a", ["sokbo.ha.lease.ms": "600000", "sokbo.ha.demote.ms": "500000",
                                                  "sokbo.ha.renew.ms": "400000"])
        let venues = try #require(node.simulated)
        try await node.withRunning { port in
            #expect(await Self.eventually { Self.role(node) == "active" })
            #expect(try await Self.eventually {
                (try await Self.call(port, .GET, "/api/status").json["news"] as? [String: Any])?["state"] as? String == "connected"
            })
            await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker("005930")!])
            #expect(await Self.eventually { await node.engine.todaysOrders().contains { $0.side == .buy && $0.brokerOrderNo != nil } })
            #expect(venues.kiwoom.requestCount("kt10000") == 1)

            // Another node wins the lease (the old one expired on the database's clock): epoch + 1.
            let intruder = try MySQLLeaseStore.open(settings: settings, logger: TestStores.logger)
            _ = try await intruder.rawRun("UPDATE sokbo_lease SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = 1")
            let epoch = try #require(try await intruder.acquire(holder: "b#intruder", lease: .seconds(600)))
            #expect(epoch == 2)

            await venues.ls.publish(title: "SK하이닉스, 1조원 규모 자기주식 취득 결정", tickers: [Ticker("000660")!])
            let refused = await Self.eventually {
                await node.engine.todaysOrders().contains { $0.ticker.code == "000660" && $0.state == .cancelled }
            }
            let orders = await node.engine.todaysOrders()
            #expect(refused, "the second headline's order was not refused: \(orders)")
            // Refused by the database's fence, not by the node's own deadline (still far off): the venue saw nothing.
            #expect(node.ha?.maySend() == true)
            #expect(venues.kiwoom.requestCount("kt10000") == 1)
            let fenced = try await intruder.epochs(of: await node.engine.todaysOrders().map(\.id))
            #expect(fenced.count == 1 && fenced.values.allSatisfy { $0 == 1 }, "fenced commits: \(fenced)")
            try await intruder.close()
        }
    }

    // MARK: - Takeover barrier

    /// The old active committed an order (fenced, epoch 1) and died before its outcome was known. The new
    /// active finds it in flight, trades at once, makes it unknown and reconciles it with the broker once the old
    /// active's order timeout has passed (counted from its deadline) — never re-sending it.
    @Test func aTakeoverWaitsOutAnOlderEpochsOrderInFlightAndReconcilesItWithoutResending() async throws {
        let url = try await TestStores.freshURL("mysql")
        _ = try await TestStores.open(url).close()
        guard case .mysql(let settings) = url else { return }
        let old = try MySQLLeaseStore.open(settings: settings, logger: TestStores.logger)
        try await old.prepare()
        let epoch = try #require(try await old.acquire(holder: "node-a#dead", lease: .seconds(60)))
        var order = Order(id: "n-20261202090000000001-005930", newsID: "20261202090000000001", rule: "supply-contract",
                          ticker: Ticker("005930")!, side: .buy, quantity: 3, price: .limit(70_000), createdAt: Date())
        order.state = .submitted
        try await old.commitFenced(orderID: order.id, row: order.row, holder: "node-a#dead", epoch: epoch)
        let orderID = order.id
        _ = try await old.rawRun("UPDATE sokbo_lease SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = 1")
        try await old.close()

        // The hold counts from the old active's deadline: 4 s + 1 s - (8 s lease - 5 s demotion) = 2 s after the win.
        let node = try await Self.node(url, "node-b", Self.quick.merging(["kiwoom.order.timeout.ms": "4000"]) { _, new in new })
        let venues = try #require(node.simulated)
        let (active, settled) = try await node.withRunning { _ in
            let active = await Self.eventually { Self.role(node) == "active" }
            // Made unknown at the engine's start, then settled by reconciliation (the venue never saw it).
            let settled = await Self.eventually {
                await node.engine.todaysOrders().first { $0.id == orderID }.map { $0.state == .rejected } ?? false
            }
            return (active, settled)
        }
        #expect(active)
        let takeover = try #require(node.ha?.status().lastTakeover)
        #expect(takeover.epoch == epoch + 1)
        #expect(takeover.cause == "expired")
        #expect(takeover.previousNode == "node-a")
        #expect(takeover.inFlightOrders == 1)
        #expect(takeover.barrierWaitMs == 0, "the new active trades at once")
        #expect(takeover.inFlightHoldMs == 2_000)
        #expect(takeover.inFlightHeldUntil == takeover.at.addingTimeInterval(2))
        #expect(settled, "the order in flight was not reconciled")
        #expect(venues.kiwoom.requestCount("kt10000") == 0)
    }

    // MARK: - Foreign orders

    /// An order at the venue that none of the engine's orders claims (placed around the engine, as a node that
    /// lost the lease or a person would) is flagged as foreign and halts entries (close-only); the engine's own
    /// order is not flagged.
    @Test func anOrderNoneOfOursClaimsIsFlaggedForeignAndEntriesHalt() async throws {
        let url = try await TestStores.freshURL("mysql")
        _ = try await TestStores.open(url).close()
        let node = try await Self.node(url, "a")
        let venues = try #require(node.simulated)
        try await node.withRunning { port in
            #expect(await Self.eventually { Self.role(node) == "active" })
            #expect(try await Self.eventually {
                (try await Self.call(port, .GET, "/api/status").json["news"] as? [String: Any])?["state"] as? String == "connected"
            })
            await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker("005930")!])
            #expect(await Self.eventually { await node.engine.todaysOrders().contains { $0.side == .buy && $0.brokerOrderNo != nil } })
            let ours = Set(await node.engine.todaysOrders().compactMap(\.brokerOrderNo))
            #expect(await node.engine.auditForeignOrders() == [])
            #expect(await node.engine.status().halted == false)

            // Placed around the engine: resting at the lower limit, so it is an open order (ka10075).
            let naver = Ticker("035420")!
            let lower = try await node.broker.snapshot(naver).limits.lower
            let placed = await node.broker.submit(OrderRequest(clientOrderID: "by-hand", ticker: naver, side: .buy, quantity: 1,
                                                               price: .limit(lower)))
            guard case .accepted(let number) = placed else { Issue.record("the venue refused the order: \(placed)"); return }
            let foreign = await node.engine.auditForeignOrders()
            #expect(foreign?.map(\.brokerOrderNo) == [number], "ours: \(ours)")
            #expect(await node.engine.status().halted)
            // Flagged once: resumed after a look, the next audit does not halt again for it.
            await node.engine.setHalted(false)
            #expect(await node.engine.auditForeignOrders()?.map(\.brokerOrderNo) == [number])
            #expect(await node.engine.status().halted == false)
        }
    }

    // MARK: - Standby

    /// A second node on the same database stays standby: it makes no venue request (no token, no realtime
    /// login, no order), answers reads, refuses trading commands with 503 naming the active node, and takes
    /// over when the active stops (lease released), with the takeover's cause in its status.
    @Test func aStandbyTouchesNoVenueRefusesTradingAndTakesOverWhenTheActiveStops() async throws {
        let url = try await TestStores.freshURL("mysql")
        _ = try await TestStores.open(url).close()
        let a = try await Self.node(url, "node-a", Self.quick)
        let b = try await Self.node(url, "node-b", Self.quick)
        let venuesB = try #require(b.simulated)
        let (stopA, stop) = AsyncStream<Void>.makeStream()
        let runningA = Task { try await a.withRunning { _ in for await _ in stopA {} } }
        #expect(await Self.eventually { Self.role(a) == "active" })
        try await b.withRunning { port in
            #expect(await Self.eventually { Self.role(b) == "standby" && b.ha?.status().activeNode == "node-a" })
            let status = try await Self.call(port, .GET, "/api/status")
            #expect(status.status == 200)
            let ha = try #require(status.json["ha"] as? [String: Any])
            #expect(ha["role"] as? String == "standby")
            #expect(ha["activeNode"] as? String == "node-a")
            for (method, path) in [(HTTPMethod.POST, "/api/trading/halt"), (.POST, "/api/trading/flatten"), (.POST, "/api/positions/005930/close")] {
                let answer = try await Self.call(port, method, path)
                #expect(answer.status == 503, "\(path)")
                let error = answer.json["error"] as? [String: Any]
                #expect(error?["code"] as? String == "standby")
                #expect((error?["message"] as? String)?.contains("node-a") == true, "\(answer.json)")
            }
            #expect(try await Self.call(port, .GET, "/api/orders").status == 200)
            #expect(try await Self.call(port, .GET, "/metrics").status == 200)
            // Nothing of the venue touched, by the time the standby has tried for the lease a few times.
            #expect(await Self.eventually { (b.ha?.status().leaseAgeMs ?? -1) >= 0 })
            #expect(venuesB.kiwoom.requestCount("au10001") == 0)
            #expect(venuesB.kiwoom.requestCount("kt10000") == 0)
            #expect(await venuesB.kiwoom.realtimeLogins() == 0)

            // The active stops (graceful: it releases the lease): the standby takes over.
            stop.finish()
            try await runningA.value
            #expect(await Self.eventually { Self.role(b) == "active" })
            let takeover = try #require(b.ha?.status().lastTakeover)
            #expect(takeover.cause == "released")
            #expect(takeover.previousNode == "node-a")
            #expect(takeover.epoch == 2)
            #expect(try await Self.call(port, .POST, "/api/trading/halt").status == 200)
            // Active now: its venue services run (the realtime feed logs in).
            #expect(await Self.eventually { await venuesB.kiwoom.realtimeLogins() >= 1 })
        }
    }
}
#endif
