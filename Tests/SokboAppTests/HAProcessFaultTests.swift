#if MySQL
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulator
import SokboCore
import Storage
import SokboTestSupport
import Testing

/// Faults of the HA issue on a node's process: a freeze between an order's fenced commit and its send
/// (`SOKBO_FAULT_PAUSE_AFTER_FENCE_MS`). Two `sokbo serve` with `SOKBO_HA=on`
/// on one MariaDB database and one `sokbo simulator`, asserted from the venue's request log (each request
/// names its node, `sokbo-node`), the shared database and the nodes' answers.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil, "needs scripts/with-mariadb.sh"))
struct HAProcessFaultTests {
    static let token = "ha-process-token"

    /// A fresh, migrated MariaDB database: its URL for the test and as the `mysql://` string the nodes share.
    static func sharedDatabase() async throws -> (url: DatabaseURL, string: String) {
        let url = try await TestStores.freshURL("mysql")
        try await TestStores.open(url).close()
        guard case .mysql(let s) = url else { throw TestError("not mysql") }
        return (url, "mysql://\(s.user):\(s.password)@\(s.host):\(s.port)/\(s.database)")
    }

    /// A node whose log goes to `<its data dir>/node.log` (named in failures).
    static func node(_ name: String, database: String, simulator: SimulatorProcess,
                     extra: [String: String] = [:]) async throws -> (process: SokboProcess, log: String) {
        let dataDirectory = TestStores.temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "SOKBO_MODE": "simulate", "SOKBO_SIMULATOR_URL": simulator.controlURL,
            "SOKBO_DATA_DIR": dataDirectory, "SOKBO_API_TOKEN": token,
            "SOKBO_DATABASE_URL": database, "SOKBO_HA": "on", "SOKBO_NODE_NAME": name,
            "SOKBO_ENTRY_DEADLINE_MS": "60000", "KIWOOM_MAX_WAIT_MS": "120000",
        ]) { _, new in new }
        environment.merge(extra) { _, new in new }
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = ["serve", "--port", "\(port)"]
        process.environment = environment
        let logPath = dataDirectory + "/node.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        let child = SokboProcess(process: process, port: port, token: token)
        guard try await eventually(timeout: .seconds(60), { (try? await httpGet(port: port, path: "/health")) == 200 }) else {
            child.kill()
            throw TestError("\(name) did not start: \((try? String(contentsOfFile: logPath, encoding: .utf8))?.suffix(2000) ?? "")")
        }
        return (child, logPath)
    }

    static func ha(_ node: SokboProcess) async -> [String: Any] {
        ((try? await node.get("/api/status"))?["ha"] as? [String: Any]) ?? [:]
    }

    static func role(_ node: SokboProcess) async -> String? { await ha(node)["role"] as? String }

    /// True while the process is stopped (`SIGSTOP`): `State: T` in `/proc/<pid>/status`.
    static func isStopped(_ node: SokboProcess) -> Bool {
        let status = (try? String(contentsOfFile: "/proc/\(node.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").contains { $0.hasPrefix("State:") && $0.contains("T") }
    }

    /// The node's orders as `/api/orders` lists them.
    static func orders(_ node: SokboProcess) async -> [[String: Any]] {
        ((try? await node.get("/api/orders"))?["items"] as? [[String: Any]]) ?? []
    }

    static func headline(_ simulator: SimulatorProcess, _ title: String, _ ticker: String) async throws {
        let (status, body) = try await simulator.call(.POST, "/headlines", json: #"{"title":"\#(title)","tickers":["\#(ticker)"]}"#)
        #expect(status == 200, "\(body)")
    }

    /// An order event row's sequence: its id is `<order id>:<sequence>`.
    static func sequence(_ row: Row) -> Int { Int(row.key.split(separator: ":").last ?? "") ?? 0 }

    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(3000))
    }

    /// The active freezes (the whole process, `SIGSTOP`) after committing an order's fence and taking its pacing
    /// slot, right before the request is written, for longer than its lease. The standby takes over, its barrier
    /// finds the old epoch's order in flight and waits out the order timeout, and its engine makes the order
    /// unknown and reconciles it (not at the broker: rejected), never re-sending it. Woken, the old active refuses
    /// its own request (its deadline passed long ago) and ends: the order never reached the venue, and no node-a
    /// request at all came after the freeze.
    @Test(.timeLimit(.minutes(10)))
    func anActiveFrozenBetweenItsFenceAndItsSendNeverSendsTheOrder() async throws {
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0", "--seed", "21"])
        defer { simulator.kill() }
        let database = try await Self.sharedDatabase()
        // A short order timeout: the new active's barrier waits it out (plus a second) with an order in flight.
        let (a, aLog) = try await Self.node("node-a", database: database.string, simulator: simulator,
                                           extra: ["KIWOOM_ORDER_TIMEOUT_MS": "3000", "SOKBO_FAULT_PAUSE_AFTER_FENCE_MS": "600000"])
        defer { a.kill() }
        #expect(try await eventually(timeout: .seconds(60)) { await Self.role(a) == "active" }, "\(Self.tail(aLog))")
        try await a.waitForNewsConnection()
        let (b, bLog) = try await Self.node("node-b", database: database.string, simulator: simulator,
                                           extra: ["KIWOOM_ORDER_TIMEOUT_MS": "3000"])
        defer { b.kill() }
        #expect(try await eventually(timeout: .seconds(60)) { await Self.role(b) == "standby" })

        try await Self.headline(simulator, "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", "005930")
        let frozen = try await eventually(timeout: .seconds(60)) { Self.isStopped(a) }
        #expect(frozen, "node-a never froze before its order: \(Self.tail(aLog))")
        guard frozen else { return }
        let frozenAt = SimulatorRequestLog.monotonicNanoseconds()

        let tookOver = try await eventually(timeout: .seconds(90)) { await Self.role(b) == "active" }
        #expect(tookOver, "the standby never took over: \(Self.tail(bLog))")
        guard tookOver else { return }
        let takeover = (await Self.ha(b))["lastTakeover"] as? [String: Any]
        #expect(takeover?["cause"] as? String == "expired")
        #expect(takeover?["inFlightOrders"] as? Int == 1, "\(takeover ?? [:])")
        #expect(takeover?["barrierWaitMs"] as? Int == 4000, "\(takeover ?? [:])")

        // Made unknown at the new active's start, then settled by reconciliation: the broker never had it.
        var order: [String: Any]?
        let settled = try await eventually(timeout: .seconds(90)) {
            order = await Self.orders(b).first { $0["ticker"] as? String == "005930" }
            return order?["state"] as? String == "rejected"
        }
        #expect(settled, "the frozen node's order at the new active: \(order ?? [:]) \(Self.tail(bLog))")
        #expect(order?["reason"] as? String == "not found at the broker after reconciliation", "\(order ?? [:])")
        let orderID = order?["id"] as? String ?? ""
        let store = try await TestStores.open(database.url)
        let kinds = try await eventuallyValue(timeout: .seconds(30)) { () -> [String]? in
            var query = RowQuery(table: .orderEvents, orderBy: "created_at")
            query.equals = ["order_id": .text(orderID)]
            // In the order's own sequence (the id's suffix), whichever node wrote them.
            let rows = try await store.select(query).sorted { Self.sequence($0) < Self.sequence($1) }
            let kinds = rows.compactMap { $0.values[2].text }
            return kinds.contains("reconciled_not_found") ? kinds : nil
        }
        try await store.close()
        #expect(kinds.map { Array($0.drop { $0 != "unknown" }) } == ["unknown", "reconciled_not_found"], "events: \(kinds ?? [])")

        // Woken long after its deadline: the request it was about to write is refused, and the node ends.
        Foundation.kill(a.process.processIdentifier, SIGCONT)
        let ended = try await eventually(timeout: .seconds(60)) { !a.process.isRunning }
        #expect(ended, "the woken old active did not end: \(Self.tail(aLog))")
        if ended { #expect(a.process.terminationStatus != 0, "a demoted node exits with an error") }
        #expect(((try? String(contentsOfFile: aLog, encoding: .utf8)) ?? "").contains("venue request refused unsent"), "node-a's log does not show the refused send: \(Self.tail(aLog))")

        let log = try await simulator.requestLog()
        let buys = log.filter { $0.apiId == "kt10000" && $0.fields?["stk_cd"] == "005930" }
        #expect(buys.isEmpty, "the frozen order reached the venue (or was re-sent): \(buys)")
        // Requests, not the venue's own events about node-a's session (its eviction by node-b's login).
        let late = log.filter { $0.node == "node-a" && $0.monoNs > frozenAt && ["token", "order", "query", "login"].contains($0.kind) }
        #expect(late.isEmpty, "node-a reached the venue after it froze: \(late)")
        let newSessions = Set(log.filter { $0.kind == "login" && $0.node == "node-b" }.compactMap(\.session))
        #expect(!newSessions.isEmpty, "the new active never logged in to the realtime socket")
        #expect(!log.contains { $0.kind == "evicted" && newSessions.contains($0.session ?? -1) },
                "the new active was evicted: \(log.filter { $0.kind == "evicted" })")
        // Still settled at the new active, never re-sent.
        #expect(await Self.orders(b).first { $0["id"] as? String == orderID }?["state"] as? String == "rejected")
    }
}

/// Polls `value` until it returns non-nil or `timeout` passes; the last value (nil on timeout).
func eventuallyValue<T>(timeout: Duration, _ value: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let found = try await value() { return found }
        try await Task.sleep(for: .milliseconds(250))
    }
    return nil
}
#endif
