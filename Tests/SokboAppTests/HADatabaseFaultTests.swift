#if MySQL
import AsyncHTTPClient
import Foundation
import Simulator
import SokboCore
import SokboTestSupport
@testable import Storage
import Testing

/// The HA issue's database faults, with two `sokbo serve` processes (`SOKBO_HA=on`) on one MariaDB database
/// and one `sokbo simulator` venue, asserted from the venue's request log (each node names itself there,
/// `sokbo-node`) and from the database:
/// - the database cut off from the active alone (a `FaultProxy` between it and MariaDB), by resets and by a
///   blackhole;
/// - a MariaDB restart under both nodes (its own `swift test` invocation: it stops the shared server).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_URL"] != nil, "needs scripts/with-mariadb.sh"))
struct HADatabaseFaultTests {
    /// The default timings (README): the active stops this long after its last successful renewal was sent.
    static let demoteAfter = Duration.seconds(3)

    /// A fresh, migrated database: its settings, and the `mysql://` URL of it through `host:port`.
    static func sharedDatabase() async throws -> MySQLSettings {
        let url = try await TestStores.freshURL("mysql")
        try await TestStores.open(url).close()
        guard case .mysql(let settings) = url else { throw TestError("not mysql") }
        return settings
    }

    static func url(_ s: MySQLSettings, port: Int? = nil) -> String {
        "mysql://\(s.user):\(s.password)@\(s.host):\(port ?? s.port)/\(s.database)"
    }

    /// A `sokbo serve` node like `HAFailoverTests.node`, its log (stderr) kept in a file for failures.
    static func node(_ name: String, database: String, simulator: SimulatorProcess) async throws -> (SokboProcess, String) {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = ["serve", "--port", "\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "SOKBO_MODE": "simulate", "SOKBO_SIMULATOR_URL": simulator.controlURL,
            "SOKBO_DATA_DIR": TestStores.temporaryDirectory(), "SOKBO_API_TOKEN": HAFailoverTests.token,
            "SOKBO_DATABASE_URL": database, "SOKBO_HA": "on", "SOKBO_NODE_NAME": name,
            "SOKBO_ENTRY_DEADLINE_MS": "60000", "KIWOOM_MAX_WAIT_MS": "120000", "SWIFT_BACKTRACE": "enable=no",
        ]) { _, new in new }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let logPath = TestStores.temporaryDirectory() + "/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        let child = SokboProcess(process: process, port: port, token: HAFailoverTests.token)
        guard try await eventually(timeout: .seconds(60), { (try? await httpGet(port: port, path: "/health")) == 200 }) else {
            child.kill()
            throw TestError("\(name) did not start: \(tail(logPath))")
        }
        return (child, logPath)
    }

    /// The last lines of a node's log, for a failure's message.
    static func tail(_ path: String, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The node's role; nil when it does not answer within a few seconds.
    static func role(_ node: SokboProcess) async -> String? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(node.port)/api/status")
        request.headers.add(name: "Authorization", value: "Bearer \(HAFailoverTests.token)")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
              let body = try? await response.body.collect(upTo: 1 << 22),
              let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else { return nil }
        return (json["ha"] as? [String: Any])?["role"] as? String
    }

    /// What the database says happened to the lease and the fenced orders.
    struct Ledger {
        var lease: LeaseRecord
        /// The current epoch's acquisition, as Unix milliseconds on the database's clock (the machine's).
        var acquiredAtMs: Int64
        /// Every fenced commit, oldest first: order id, epoch, holder, Unix milliseconds.
        var fenced: [(order: String, epoch: Int64, holder: String, atMs: Int64)]
    }

    static func ledger(_ settings: MySQLSettings) async throws -> Ledger {
        let store = try await MySQLStore.open(settings: settings, logger: TestStores.logger)
        defer { Task { try? await store.close() } }
        let leaseStore = try MySQLLeaseStore.open(settings: settings, logger: TestStores.logger)
        let lease = try await leaseStore.read()
        try await leaseStore.close()
        // Unix milliseconds of a UTC DATETIME without the session's time zone.
        let epochMs = { (column: String) in "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', \(column)) DIV 1000" }
        let acquired = try await store.rawQuery("SELECT \(epochMs("acquired_at")) FROM sokbo_lease WHERE id = 1")
        let rows = try await store.rawQuery("""
            SELECT order_id, CAST(epoch AS SIGNED), holder, \(epochMs("committed_at"))
            FROM sokbo_order_fence ORDER BY committed_at, epoch
            """)
        return Ledger(lease: lease, acquiredAtMs: acquired.first?.values.first?.integer ?? 0,
                      fenced: rows.map { ($0.values[0].text ?? "", $0.values[1].integer ?? 0, $0.values[2].text ?? "", $0.values[3].integer ?? 0) })
    }

    /// Unix milliseconds of a request log entry's wall time.
    static func wallMs(_ entry: SimulatorRequestLog.Entry) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Int64(((formatter.date(from: entry.wall) ?? .distantFuture).timeIntervalSince1970 * 1000).rounded())
    }

    /// A venue request a node made (REST: token, query, order, revoke), as opposed to the venue's events.
    static func isRequest(_ entry: SimulatorRequestLog.Entry) -> Bool {
        entry.venue == "kiwoom" && ["token", "revoke", "order", "query"].contains(entry.kind)
    }

    /// The assertions every database fault shares, once the new active has closed the position:
    /// - each order reached the venue once: one buy (the old active's) and one sell (the new active's);
    /// - the old active's last venue request, and the close of its realtime session, came before the new
    ///   active won the lease on the database's clock (it demoted itself first); it was never evicted;
    /// - the old active sent nothing later than `demoteAfter` after the fault began;
    /// - the new active's sessions never received `R10001`;
    /// - epochs only increase along the fenced commits, each epoch has one holder, and the old epoch's
    ///   commits all precede the new epoch's acquisition.
    static func checkHandover(log: [SimulatorRequestLog.Entry], ledger: Ledger, faultAtNs: UInt64, old: String, new: String) {
        let buys = log.filter { $0.apiId == "kt10000" && $0.fields?["stk_cd"] == "005930" }
        let sells = log.filter { $0.apiId == "kt10001" && $0.fields?["stk_cd"] == "005930" }
        #expect(buys.count == 1 && buys.first?.node == old, "buys at the venue: \(buys)")
        #expect(sells.count == 1 && sells.first?.node == new, "sells at the venue: \(sells)")
        #expect(!log.contains { isRequest($0) && $0.node == nil }, "a request without its node's name")

        let oldRequests = log.filter { isRequest($0) && $0.node == old }
        let lastOld = oldRequests.last
        #expect(lastOld.map { wallMs($0) < ledger.acquiredAtMs } ?? false,
                "the old active's last request \(String(describing: lastOld)) is not before the takeover at \(ledger.acquiredAtMs)")
        let late = oldRequests.filter { $0.monoNs > faultAtNs + UInt64(demoteAfter.nanoseconds) }
        #expect(late.isEmpty, "the old active sent after its deadline: \(late)")

        // Realtime sessions: the old active's logged in before the fault; the new active's after it.
        let oldSessions = Set(log.filter { $0.kind == "login" && $0.monoNs < faultAtNs }.compactMap(\.session))
        let newSessions = Set(log.filter { $0.kind == "login" && $0.monoNs > faultAtNs }.compactMap(\.session))
        #expect(!oldSessions.isEmpty && !newSessions.isEmpty, "sessions before \(oldSessions) and after \(newSessions)")
        for session in oldSessions {
            let end = log.first { $0.session == session && ["closed", "dropped", "evicted"].contains($0.kind) }
            #expect(end?.kind != "evicted", "the old active's session \(session) was evicted instead of closed")
            #expect(end.map { wallMs($0) < ledger.acquiredAtMs } ?? false,
                    "the old active's session \(session) ended \(String(describing: end)), not before the takeover")
        }
        #expect(!log.contains { $0.kind == "evicted" && newSessions.contains($0.session ?? -1) },
                "the new active was evicted: \(log.filter { $0.kind == "evicted" })")

        #expect(ledger.lease.epoch == 2 && HANodeName.of(ledger.lease.holder) == new
                && HANodeName.of(ledger.lease.previousHolder) == old && ledger.lease.cause == "expired",
                "lease: \(ledger.lease)")
        let epochs = ledger.fenced.map(\.epoch)
        #expect(epochs == epochs.sorted(), "epochs along the commits: \(ledger.fenced)")
        for epoch in Set(epochs) {
            let holders = Set(ledger.fenced.filter { $0.epoch == epoch }.map { HANodeName.of($0.holder) })
            #expect(holders == [epoch == 1 ? old : new], "epoch \(epoch)'s holders: \(holders)")
        }
        #expect(ledger.fenced.filter { $0.epoch == 1 }.allSatisfy { $0.atMs <= ledger.acquiredAtMs },
                "an epoch-1 commit after the takeover: \(ledger.fenced)")
        #expect(ledger.fenced.contains { $0.epoch == 2 }, "the new active committed nothing: \(ledger.fenced)")
    }

    /// Starts the venue, the active (`node-a`, whose database URL is `activeDatabase`) and the standby
    /// (`node-b`, straight to MariaDB); the active buys on a headline. Runs `fault`, then expects the standby to
    /// take over, the old active to end with an error, and the new one to manage the position (its close
    /// sells once); then checks the handover. Returns the fault-to-active time.
    static func handover(seed: Int, settings: MySQLSettings, activeDatabase: String,
                         fault: () async throws -> Void, afterTakeover: () async throws -> Void) async throws -> Duration {
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0", "--seed", "\(seed)"])
        defer { simulator.kill() }
        let (a, aLog) = try await node("node-a", database: activeDatabase, simulator: simulator)
        defer { a.kill() }
        try #require(try await eventually(timeout: .seconds(60)) { await role(a) == "active" }, "\(tail(aLog))")
        let (b, bLog) = try await node("node-b", database: url(settings), simulator: simulator)
        defer { b.kill() }
        try #require(try await eventually(timeout: .seconds(60)) { await role(b) == "standby" }, "\(tail(bLog))")
        try await a.waitForNewsConnection()
        let (status, body) = try await simulator.call(.POST, "/headlines",
                                                      json: #"{"title":"삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결","tickers":["005930"]}"#)
        #expect(status == 200, "\(body)")
        try #require(try await eventually(timeout: .seconds(60)) { (await HAFailoverTests.positions(a)["005930"] ?? 0) > 0 },
                     "the active never held the position")

        let faultAtNs = SimulatorRequestLog.monotonicNanoseconds()
        let faultAt = ContinuousClock.now
        try await fault()
        let tookOver = try await eventually(timeout: .seconds(90)) { await role(b) == "active" }
        let failover = faultAt.duration(to: .now)
        try #require(tookOver, "the standby never took over: \(tail(bLog))\nold active: \(tail(aLog))")
        let manages = try await eventually(timeout: .seconds(60)) { (await HAFailoverTests.positions(b)["005930"] ?? 0) > 0 }
        print("HA database fault: the new active shows the position \(faultAt.duration(to: .now)) after the fault")
        #expect(manages, "the new active does not show the position")
        try await afterTakeover()
        // The old active demoted itself and ends, with an error (a supervisor restarts it as a standby).
        let ended = try await eventually(timeout: .seconds(60)) { !a.process.isRunning }
        #expect(ended, "the old active still runs: \(tail(aLog))")
        if ended { #expect(a.process.terminationStatus != 0) }
        #expect((try? String(contentsOfFile: aLog, encoding: .utf8))?.contains("lease lost") == true, "\(tail(aLog))")

        // The new active manages the position: restored from the database, and its close sells once.
        #expect(try await HAFailoverTests.post(b, "/api/positions/005930/close") == 202)
        let closed = try await eventually(timeout: .seconds(60)) { await HAFailoverTests.positions(b)["005930"] == nil }
        let held = await HAFailoverTests.positions(b)
        #expect(closed, "still held: \(held)")
        #expect(await role(b) == "active")

        checkHandover(log: try await simulator.requestLog(), ledger: try await ledger(settings), faultAtNs: faultAtNs,
                      old: "node-a", new: "node-b")
        b.kill()
        return failover
    }

    // MARK: - The database cut off from the active

    /// The active's database connections are reset and every new one is refused (a firewall's reject, a
    /// restarted router): its renewals fail at once, it stops sending at its deadline (3 s after its last
    /// successful renewal was sent), closes its realtime session and ends, before the lease expires (5 s) and
    /// the standby wins it. Healed afterwards, the old active sends nothing more.
    @Test(.timeLimit(.minutes(10)))
    func anActiveCutOffFromTheDatabaseByResetsStopsBeforeTheStandbyTakesOver() async throws {
        try await cutOff(.reset, seed: 21)
    }

    /// The active's database packets are silently dropped (a blackhole: a dead switch port, a security group
    /// that drops): its renewal hangs instead of failing, until the client's read timeout. It must still stop
    /// at its deadline, close its realtime session, and end before the standby wins the lease. When the
    /// network heals, the statements held in the blackhole reach the server late: the old renewal matches
    /// no row (the lease has a new epoch), so the new active keeps the lease.
    @Test(.timeLimit(.minutes(10)))
    func anActiveCutOffFromTheDatabaseByABlackholeStopsBeforeTheStandbyTakesOver() async throws {
        try await cutOff(.blackhole, seed: 22)
    }

    /// `HA_DB_FAULT_RUNS` repeats it (a fresh venue, database and nodes each time) and prints each time from
    /// the cut to the standby answering `active`, for BENCHMARKS.md; timings are printed, never asserted.
    func cutOff(_ kind: FaultProxy.Fault, seed: Int) async throws {
        let runs = ProcessInfo.processInfo.environment["HA_DB_FAULT_RUNS"].flatMap(Int.init) ?? 1
        var failovers: [Duration] = []
        for run in 1...runs {
            let settings = try await Self.sharedDatabase()
            let proxy = try await FaultProxy.start(upstreamHost: settings.host, upstreamPort: settings.port)
            do {
                var acceptedAtCut = 0
                let failover = try await Self.handover(
                    seed: seed + 100 * (run - 1), settings: settings, activeDatabase: Self.url(settings, port: proxy.port),
                    fault: {
                        acceptedAtCut = try await proxy.acceptedConnections()
                        try await proxy.cut(kind)
                    },
                    afterTakeover: {
                        switch kind {
                        // The old active's renewal really hung: its statement went into the blackhole.
                        case .blackhole: #expect(try await proxy.bytesHeldForTheServer() > 0)
                        // The old active really tried again, and was reset.
                        case .reset: #expect(try await proxy.acceptedConnections() > acceptedAtCut)
                        }
                        try await proxy.heal()
                    })
                failovers.append(failover)
                print("HA database cut off (\(kind)) run \(run): fault to the standby active in \(failover)")
                // What the blackhole held has reached the server by now: the lease is still the new active's.
                let lease = try await Self.ledger(settings).lease
                #expect(lease.epoch == 2 && HANodeName.of(lease.holder) == "node-b", "lease after healing: \(lease)")
            } catch {
                await proxy.stop()
                throw error
            }
            await proxy.stop()
        }
        let sorted = failovers.sorted()
        if let last = sorted.last {
            print("HA database cut off (\(kind)) over \(sorted.count) runs: p50 \(sorted[(sorted.count - 1) / 2]), max \(last)")
        }
    }

    // MARK: - A MariaDB restart

    /// MariaDB stops under both nodes for a few seconds and starts again. By design the lease row survives the
    /// restart (InnoDB, committed), and so does its `expires_at` on the database's clock: the active cannot
    /// renew while the server is down, so it stops sending at its deadline and ends; when the server is back
    /// the lease has expired, and the first node to ask wins it at epoch 2 — the standby, since the old
    /// active has stopped for good. Exactly one active afterwards, no order sent twice, the position managed.
    @Test(.timeLimit(.minutes(10)),
          .enabled(if: ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_RESTART"] == "1"
                   && ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_STOP_CMD"] != nil
                   && ProcessInfo.processInfo.environment["SOKBO_TEST_MYSQL_START_CMD"] != nil,
                   "stops the shared MariaDB: its own invocation in scripts/test.sh"))
    func aMariaDBRestartLeavesOneActiveAndSendsNothingTwice() async throws {
        let settings = try await Self.sharedDatabase()
        let environment = ProcessInfo.processInfo.environment
        var stopped = false
        do {
            let failover = try await Self.handover(seed: 23, settings: settings, activeDatabase: Self.url(settings), fault: {
                #expect(try await ShellCommand.run(environment["SOKBO_TEST_MYSQL_STOP_CMD"] ?? "false") == 0)
                stopped = true
                try await Task.sleep(for: .seconds(5))
                #expect(try await ShellCommand.run(environment["SOKBO_TEST_MYSQL_START_CMD"] ?? "false") == 0)
                stopped = false
            }, afterTakeover: {})
            print("HA MariaDB restart: stop to the standby active in \(failover)")
        } catch {
            if stopped { _ = try? await ShellCommand.run(environment["SOKBO_TEST_MYSQL_START_CMD"] ?? "false") }
            throw error
        }
    }
}

/// The node name in a lease holder id (`name#start-id`).
enum HANodeName {
    static func of(_ holder: String) -> String {
        holder.split(separator: "#", maxSplits: 1).first.map(String.init) ?? holder
    }
}
#endif
