import AsyncHTTPClient
import Foundation
import Kiwoom
import Logging
import ServiceLifecycle
import Simulator
import SokboCore
import SokboTestSupport
@testable import Storage
import Testing

/// The real binary against venues that outlive it: the simulators run in this test process and
/// `sokbo` runs in `mock` mode pointed at them, as it would at Kiwoom and LS.
@Suite struct CrashRecoveryTests {
    /// `storeWriteLost`: the order row is deleted from the store after the kill, as if the process had died
    /// between the journal write and the store write; the next start must recover it from the journal.
    @Test(.timeLimit(.minutes(3)), arguments: [false, true])
    func aKilledProcessLeavesAnUnknownOrderThatReconciliationSettlesWithoutResending(storeWriteLost: Bool) async throws {
        var logger = Logger(label: "crash-test")
        logger.logLevel = .warning
        // The simulators' servers are cancelled at the end, which HummingbirdCore logs at error level: expected,
        // so kept out of a green run's output.
        var simulatorLogger = Logger(label: "crash-test-simulators")
        simulatorLogger.logLevel = .critical
        let ls = LSSimulator(configuration: LSSimulatorConfiguration(framesPerSecond: 0.001), logger: simulatorLogger)
        let kiwoom = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(), logger: simulatorLogger)
        let dart = DARTSimulator(logger: simulatorLogger)
        let group = ServiceGroup(configuration: .init(services: [ls, kiwoom, dart], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let dataDirectory = TestStores.temporaryDirectory()
            let environment = [
                "SOKBO_MODE": "mock", "SOKBO_DATA_DIR": dataDirectory, "SOKBO_API_TOKEN": "crash-test-token",
                "SOKBO_TRADING_HOURS": "always",
                // Mock mode paces queries at 1/s: a cold stock's first entry (its day reference and book,
                // four queries) takes ~4 s, past the 3 s default deadline. This test is about the crash.
                "SOKBO_ENTRY_DEADLINE_MS": "60000",
                "LS_BASE_URL": try await ls.baseURL(), "LS_WS_URL": try await ls.webSocketURL(),
                "LS_APPKEY": "PScrashtestappkey0000000000000000000", "LS_APPSECRETKEY": "crashtestsecret000000000000000000000",
                "KIWOOM_BASE_URL": try await kiwoom.baseURL(),
                "KIWOOM_APPKEY": KiwoomConfiguration.simulatorAppKey, "KIWOOM_SECRETKEY": KiwoomConfiguration.simulatorSecretKey,
                "DART_BASE_URL": "http://127.0.0.1:\(try await dart.waitUntilListening())/api/",
                "DART_API_KEY": DARTSimulator.defaultAPIKey,
            ]

            // 1. An order reaches the broker, which sits on it for 4 s; the process is killed meanwhile.
            kiwoom.setLatency(.seconds(4), for: "kt10000")
            let first = try await SokboProcess.start(environment: environment)
            try await first.waitForNewsConnection()
            await ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker("005930")!])
            #expect(try await eventually(timeout: .seconds(30)) { kiwoom.requestCount("kt10000") == 1 })
            first.kill()
            let journaled = try FileOrderJournal(path: dataDirectory + "/journal/orders.jsonl").load()
            #expect(journaled.rows.compactMap(Order.init(row:)).map(\.state) == [.submitted], "journaled before it left")
            #expect(journaled.unreadable == 0)
            var stored = try await SokboProcess.orders(dataDirectory: dataDirectory)
            try #require(stored.count == 1)
            #expect(stored[0].state == .submitted, "stored while it was out, outcome not yet known")
            if storeWriteLost {
                try await SokboProcess.deleteOrders(dataDirectory: dataDirectory)
                stored = try await SokboProcess.orders(dataDirectory: dataDirectory)
                try #require(stored.isEmpty)
            }

            // 2. After a restart the order shows as unknown, then reconciliation settles it from the broker.
            kiwoom.setLatency(.zero, for: "kt10000")
            try await Task.sleep(for: .seconds(4))  // the broker finishes the order the dead process sent
            let second = try await SokboProcess.start(environment: environment)
            defer { second.kill() }
            let settled = try await eventually(timeout: .seconds(30)) {
                let orders = try await second.orders()
                return orders.count == 1 && [.accepted, .partiallyFilled, .filled].contains(orders[0].state)
            }
            let settledOrders = try await second.orders()
            #expect(settled, "orders: \(settledOrders)")
            // The order's history (flushed from the buffer within a second) shows it passed through unknown.
            let sawUnknown = try await eventually(timeout: .seconds(10)) {
                try await SokboProcess.orderEventKinds(dataDirectory: dataDirectory).contains("unknown")
            }
            #expect(sawUnknown)
            // 3. Nothing was sent again, and replaying the headline does not make a second order.
            #expect(kiwoom.requestCount("kt10000") == 1)
            try await second.waitForNewsConnection()
            let realkey = try #require(await ls.generatedRealkeys().last)
            #expect(await ls.replay(realkey: realkey))
            try await Task.sleep(for: .seconds(1))
            #expect(kiwoom.requestCount("kt10000") == 1)
            #expect(try await second.orders().count == 1)
            second.kill()
            await group.triggerGracefulShutdown()
        }
    }
}

/// A `sokbo serve` child process.
struct SokboProcess {
    let process: Process
    let port: Int
    let token: String

    static func start(environment extra: [String: String]) async throws -> SokboProcess {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = ["serve", "--port", "\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { _, new in new }
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let child = SokboProcess(process: process, port: port, token: extra["SOKBO_API_TOKEN"] ?? "")
        // Generous: in the full suite on two cores a process start (runtime, store, venues) took over 30 s once.
        guard try await eventually(timeout: .seconds(90), { (try? await httpGet(port: port, path: "/health")) == 200 }) else {
            child.kill()
            throw TestError("sokbo did not start within 90 s")
        }
        return child
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func get(_ path: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 22)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    func waitForNewsConnection() async throws {
        let connected = try await eventually(timeout: .seconds(30)) {
            ((try await get("/api/status")["news"] as? [String: Any])?["state"] as? String) == "connected"
        }
        try #require(connected, "the news listener never connected")
    }

    struct OrderView: Decodable {
        let state: OrderState
        let ticker: String
    }

    func orders() async throws -> [OrderView] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/orders")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        struct Listing: Decodable { let items: [OrderView] }
        return try JSONDecoder().decode(Listing.self, from: Data(buffer: try await response.body.collect(upTo: 1 << 22))).items
    }

    static func orders(dataDirectory: String) async throws -> [Order] {
        let store = try await TestStores.open(.sqlite(path: dataDirectory + "/sokbo.sqlite"))
        defer { Task { try? await store.close() } }
        return try await store.select(RowQuery(table: .orders, orderBy: "created_at")).compactMap(Order.init(row:))
    }

    static func deleteOrders(dataDirectory: String) async throws {
        let store = try await SQLiteStore.open(path: dataDirectory + "/sokbo.sqlite", logger: Logger(label: "crash-test"))
        _ = try await store.rawQuery("DELETE FROM orders")
        try await store.close()
    }

    static func orderEventKinds(dataDirectory: String) async throws -> [String] {
        let store = try await TestStores.open(.sqlite(path: dataDirectory + "/sokbo.sqlite"))
        let kinds = try await store.select(RowQuery(table: .orderEvents, orderBy: "created_at", descending: false))
            .compactMap(OrderEventRecord.init(row:)).map(\.kind)
        try await store.close()
        return kinds
    }
}
