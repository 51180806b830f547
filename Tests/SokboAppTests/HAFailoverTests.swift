#if MySQL
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// Two `sokbo serve` processes with `SOKBO_HA=on` on one MariaDB database and one `sokbo simulator` venue:
/// the faults of the HA issue, asserted from the venue's request log and the nodes' own answers.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil, "needs scripts/with-mariadb.sh"))
struct HAFailoverTests {
    static let token = "ha-process-token"

    /// A fresh, migrated MariaDB database, as the `mysql://` URL the nodes share.
    static func sharedDatabase() async throws -> String {
        let url = try await TestStores.freshURL("mysql")
        try await TestStores.open(url).close()
        guard case .mysql(let s) = url else { throw TestError("not mysql") }
        return "mysql://\(s.user):\(s.password)@\(s.host):\(s.port)/\(s.database)"
    }

    static func node(_ name: String, database: String, simulator: SimulatorProcess) async throws -> SokboProcess {
        try await SokboProcess.start(environment: [
            "SOKBO_MODE": "simulate", "SOKBO_SIMULATOR_URL": simulator.controlURL,
            "SOKBO_DATA_DIR": TestStores.temporaryDirectory(), "SOKBO_API_TOKEN": token,
            "SOKBO_DATABASE_URL": database, "SOKBO_HA": "on", "SOKBO_NODE_NAME": name,
            "SOKBO_ENTRY_DEADLINE_MS": "60000", "KIWOOM_MAX_WAIT_MS": "120000",
        ])
    }

    static func ha(_ node: SokboProcess) async -> [String: Any] {
        ((try? await node.get("/api/status"))?["ha"] as? [String: Any]) ?? [:]
    }

    static func role(_ node: SokboProcess) async -> String? { await ha(node)["role"] as? String }

    static func post(_ node: SokboProcess, _ path: String) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(node.port)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func positions(_ node: SokboProcess) async -> [String: Int] {
        let items = ((try? await node.get("/api/positions"))?["items"] as? [[String: Any]]) ?? []
        var held: [String: Int] = [:]
        for item in items { if let ticker = item["ticker"] as? String { held[ticker] = item["quantity"] as? Int ?? 0 } }
        return held
    }

    /// `kill -9` of the active holding a position: the standby takes over (cause `expired`), restores the
    /// position and manages it (its close sells once), each order reached the venue at most once, and no
    /// session was evicted (`R10001`). `HA_FAILOVER_RUNS` repeats it and prints each failover time (the
    /// kill to the standby answering `active`), for BENCHMARKS.md; timings are printed, never asserted.
    @Test(.timeLimit(.minutes(20)))
    func killNineOfTheActiveHandsItsPositionToTheStandby() async throws {
        let runs = ProcessInfo.processInfo.environment["HA_FAILOVER_RUNS"].flatMap(Int.init) ?? 1
        var failovers: [Duration] = []
        for run in 1...runs {
            let simulator = try await SimulatorProcess.start(["--news-per-second", "0", "--seed", "\(run)"])
            defer { simulator.kill() }
            let database = try await Self.sharedDatabase()
            let a = try await Self.node("node-a", database: database, simulator: simulator)
            defer { a.kill() }
            #expect(try await eventually(timeout: .seconds(60)) { await Self.role(a) == "active" })
            let b = try await Self.node("node-b", database: database, simulator: simulator)
            defer { b.kill() }
            #expect(try await eventually(timeout: .seconds(60)) { await Self.role(b) == "standby" })
            try await a.waitForNewsConnection()
            let (status, body) = try await simulator.call(.POST, "/headlines",
                                                          json: #"{"title":"삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결","tickers":["005930"]}"#)
            #expect(status == 200, "\(body)")
            #expect(try await eventually(timeout: .seconds(60)) { (await Self.positions(a)["005930"] ?? 0) > 0 },
                    "the active never held the position")

            let killedAt = ContinuousClock.now
            Foundation.kill(a.process.processIdentifier, SIGKILL)
            let tookOver = try await eventually(timeout: .seconds(60)) { await Self.role(b) == "active" }
            let failover = killedAt.duration(to: .now)
            try #require(tookOver, "the standby never took over")
            failovers.append(failover)
            print("HA failover run \(run): \(failover)")
            let takeover = (await Self.ha(b))["lastTakeover"] as? [String: Any]
            #expect(takeover?["cause"] as? String == "expired")
            #expect(takeover?["previousNode"] as? String == "node-a")
            #expect(takeover?["epoch"] as? Int == 2)

            // The position is the new active's now: restored from the shared database and closed by it, once.
            #expect(try await eventually(timeout: .seconds(60)) { (await Self.positions(b)["005930"] ?? 0) > 0 },
                    "the new active does not manage the position")
            #expect(try await Self.post(b, "/api/positions/005930/close") == 202)
            let closed = try await eventually(timeout: .seconds(60)) { await Self.positions(b)["005930"] == nil }
            let left = (try? await b.get("/api/positions")) ?? [:]
            let orders = (try? await b.get("/api/orders")) ?? [:]
            // Seen in 2 of 10 runs before the account feed's catch-up (a fill made before the new active's
            // realtime registration took was pushed to nobody); 0 of 6 since.
            #expect(closed, "still held: \(left) orders: \(orders)")

            let log = try await simulator.requestLog()
            let buys = log.filter { $0.apiId == "kt10000" && $0.fields?["stk_cd"] == "005930" }
            let sells = log.filter { $0.apiId == "kt10001" && $0.fields?["stk_cd"] == "005930" }
            #expect(buys.count == 1, "buys at the venue: \(buys)")
            #expect(sells.count == 1, "sells at the venue: \(sells)")
            // Each from the node that held the lease then (`sokbo-node`).
            #expect(buys.map(\.node) == ["node-a"] && sells.map(\.node) == ["node-b"], "buys \(buys) sells \(sells)")
            let unnamed = log.filter { $0.venue == "kiwoom" && ["token", "order", "query", "login"].contains($0.kind) && $0.node == nil }
            #expect(unnamed.isEmpty, "Kiwoom requests without their node: \(unnamed.prefix(3))")
            // The new active's realtime sessions (logged in after the kill) were never evicted (`R10001`).
            let killedNs = log.last { $0.kind == "login" && $0.session == 1 }?.monoNs ?? 0
            let newSessions = Set(log.filter { $0.kind == "login" && $0.monoNs > killedNs }.compactMap(\.session))
            #expect(!newSessions.isEmpty, "the new active never logged in to the realtime socket")
            #expect(log.filter { $0.kind == "login" && newSessions.contains($0.session ?? -1) }.allSatisfy { $0.node == "node-b" })
            #expect(!log.contains { $0.kind == "evicted" && newSessions.contains($0.session ?? -1) },
                    "the new active was evicted: \(log.filter { $0.kind == "evicted" })")
            b.kill()
        }
        let sorted = failovers.sorted()
        if !sorted.isEmpty {
            func at(_ q: Double) -> Duration { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] }
            print("HA failover over \(sorted.count) runs: p50 \(at(0.5)), p99 \(at(0.99)), max \(sorted.last!)")
        }
    }

    /// The active is paused (`SIGSTOP`) past its lease: the standby takes over; a headline the paused node
    /// has waiting on its news socket is ordered by the new active only. Resumed (`SIGCONT`), the old active
    /// finds its deadline passed, sends nothing, and ends with an error.
    @Test(.timeLimit(.minutes(10)))
    func aPausedActiveSendsNothingAfterItsDeadline() async throws {
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0", "--seed", "11"])
        defer { simulator.kill() }
        let database = try await Self.sharedDatabase()
        let a = try await Self.node("node-a", database: database, simulator: simulator)
        defer { a.kill() }
        #expect(try await eventually(timeout: .seconds(60)) { await Self.role(a) == "active" })
        try await a.waitForNewsConnection()
        let b = try await Self.node("node-b", database: database, simulator: simulator)
        defer { b.kill() }
        #expect(try await eventually(timeout: .seconds(60)) { await Self.role(b) == "standby" })

        let stoppedAt = SimulatorRequestLog.monotonicNanoseconds()
        Foundation.kill(a.process.processIdentifier, SIGSTOP)
        #expect(try await eventually(timeout: .seconds(60)) { await Self.role(b) == "active" })
        try await b.waitForNewsConnection()
        // Both nodes' news sockets get it; only the paused one is not reading.
        let (status, _) = try await simulator.call(.POST, "/headlines",
                                                   json: #"{"title":"SK하이닉스, 1조원 규모 자기주식 취득 결정","tickers":["000660"]}"#)
        #expect(status == 200)
        #expect(try await eventually(timeout: .seconds(60)) {
            try await simulator.requestLog().contains { $0.apiId == "kt10000" && $0.fields?["stk_cd"] == "000660" }
        })
        let resumedAt = SimulatorRequestLog.monotonicNanoseconds()
        Foundation.kill(a.process.processIdentifier, SIGCONT)
        let ended = try await eventually(timeout: .seconds(60)) { !a.process.isRunning }
        #expect(ended, "the resumed old active did not end")
        if ended { #expect(a.process.terminationStatus != 0, "a demoted node exits with an error") }

        let log = try await simulator.requestLog()
        let orders = log.filter { $0.apiId == "kt10000" && $0.fields?["stk_cd"] == "000660" }
        #expect(orders.count == 1 && orders.first?.node == "node-b", "orders for the headline at the venue: \(orders)")
        // Nothing at all reached the venue from the old active once resumed, nor while it was paused.
        let late = log.filter { $0.node == "node-a" && $0.monoNs > stoppedAt && ["token", "order", "query", "login"].contains($0.kind) }
        #expect(late.isEmpty, "node-a's requests after its pause: \(late)")
        #expect(log.filter { $0.kind == "login" && $0.monoNs > resumedAt }.isEmpty, "no realtime login after the resume")
        // The new active's login evicts the paused node's session (`R10001` to the old one); the new one is never evicted.
        let newSessions = Set(log.filter { $0.kind == "login" && $0.monoNs > stoppedAt }.compactMap(\.session))
        #expect(!newSessions.isEmpty)
        #expect(!log.contains { $0.kind == "evicted" && newSessions.contains($0.session ?? -1) },
                "the new active was evicted: \(log.filter { $0.kind == "evicted" })")
        #expect(await Self.role(b) == "active")
    }
}
#endif
