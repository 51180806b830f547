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

/// The real binary killed with an exit sell in flight, then restarted against the same venue and data
/// directory: the sell is found at the venue rather than sent again, and the other position's exit runs.
@Suite struct ExitCrashRecoveryTests {
    /// One rule, entering at market (a marketable limit may miss a book that moved while mock mode's paced
    /// queries ran, and rest), exiting only on the time limit (2 minutes) or on request, so the test decides
    /// which sell is in flight at the kill; `flatten-at-close: false` because the test may run after 15:15 KST.
    static let rules = """
        rules:
          - name: contract
            any: [공급계약]
            budget: 1000000
            order: market
            max-rise-percent: 30
            stop-loss-percent: off
            trail-percent: off
            take-profit-percent: off
            max-hold-minutes: 2
            flatten-at-close: false
        """

    @Test(.timeLimit(.minutes(8)))
    func aKilledProcessWithAnExitInFlightReconcilesItAndResumesExitsWithoutSellingTwice() async throws {
        var logger = Logger(label: "exit-crash-test")
        logger.logLevel = .warning
        var simulatorLogger = Logger(label: "exit-crash-test-simulators")
        simulatorLogger.logLevel = .critical
        let ls = LSSimulator(configuration: LSSimulatorConfiguration(framesPerSecond: 0.001), logger: simulatorLogger)
        let kiwoom = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(), logger: simulatorLogger)
        let dart = DARTSimulator(logger: simulatorLogger)
        let group = ServiceGroup(configuration: .init(services: [ls, kiwoom, dart], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let dataDirectory = TestStores.temporaryDirectory()
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            let rulesPath = dataDirectory + "/rules.yaml"
            try Self.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
            let environment = [
                "SOKBO_MODE": "mock", "SOKBO_DATA_DIR": dataDirectory, "SOKBO_API_TOKEN": "exit-crash-test-token",
                "SOKBO_TRADING_HOURS": "always", "SOKBO_RULES_FILE": rulesPath, "SOKBO_ENTRY_DEADLINE_MS": "60000",
                "LS_BASE_URL": try await ls.baseURL(), "LS_WS_URL": try await ls.webSocketURL(),
                "LS_APPKEY": "PScrashtestappkey0000000000000000000", "LS_APPSECRETKEY": "crashtestsecret000000000000000000000",
                "KIWOOM_BASE_URL": try await kiwoom.baseURL(), "KIWOOM_WS_URL": try await kiwoom.realtimeURL(),
                "KIWOOM_APPKEY": KiwoomConfiguration.simulatorAppKey, "KIWOOM_SECRETKEY": KiwoomConfiguration.simulatorSecretKey,
                "DART_BASE_URL": "http://127.0.0.1:\(try await dart.waitUntilListening())/api/",
                "DART_API_KEY": DARTSimulator.defaultAPIKey,
            ]
            let samsung = "005930", hynix = "000660"

            // 1. Two positions open; the venue sits on the first sell while the process is killed.
            kiwoom.holdNext("kt10001", upTo: .seconds(400))
            let first = try await SokboProcess.start(environment: environment)
            try await first.waitForNewsConnection()
            await ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker(samsung)!])
            let samsungSettled = try await first.waitForSettledPosition(samsung)
            let seen = (try await first.positionCodes(), try await first.orders())
            try #require(samsungSettled, "no settled position in \(samsung): positions \(seen.0), orders \(seen.1)")
            await ls.publish(title: "SK하이닉스, 1조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker(hynix)!])
            try #require(try await first.waitForSettledPosition(hynix), "no settled position in \(hynix)")
            #expect(try await first.post("/api/positions/\(samsung)/close") == 202)
            #expect(try await eventually(timeout: .seconds(60)) { kiwoom.requestCount("kt10001") == 1 })
            first.kill()
            try #require(kiwoom.requestCount("kt10001") == 1, "the second position's exit left before the kill")
            let journaled = try FileOrderJournal(path: dataDirectory + "/journal/orders.jsonl").load().rows.compactMap(Order.init(row:))
            #expect(journaled.contains { $0.side == .sell && $0.ticker.code == samsung && $0.state == .submitted },
                    "the exit sell was journaled before it left")

            // 2. The venue finishes the sell the dead process sent.
            kiwoom.releaseHeld()
            #expect(try await eventually(timeout: .seconds(60)) {
                kiwoom.placedOrders().contains { $0.code == samsung && $0.side == .sell }
            })

            // 3. After a restart the in-flight sell is reconciled, and the other position leaves by its time limit.
            let second = try await SokboProcess.start(environment: environment)
            defer { second.kill() }
            let exited = try await eventually(timeout: .seconds(300)) {
                try await second.positionCodes().isEmpty
            }
            let left = try await second.positionCodes()
            #expect(exited, "positions left: \(left)")
            #expect(kiwoom.requestCount("kt10001") == 2, "one sell per position, none sent again")
            let placed = kiwoom.placedOrders()
            for code in [samsung, hynix] {
                let sells = placed.filter { $0.code == code && $0.side == .sell }
                #expect(sells.count == 1, "\(code): \(sells.count) sells")
                let bought = placed.filter { $0.code == code && $0.side == .buy }.map(\.filled).reduce(0, +)
                let sold = sells.map(\.filled).reduce(0, +)
                #expect(sold <= bought, "\(code): sold \(sold) of \(bought) bought")
            }
            second.kill()
            await group.triggerGracefulShutdown()
        }
    }
}

extension SokboProcess {
    /// Waits until the engine holds the stock and none of its orders is still working.
    func waitForSettledPosition(_ code: String) async throws -> Bool {
        try await eventually(timeout: .seconds(60)) {
            guard try await positionCodes().contains(code) else { return false }
            return try await orders().filter { $0.ticker == code }.allSatisfy { [.filled, .cancelled].contains($0.state) }
        }
    }

    /// The stocks of the open positions.
    func positionCodes() async throws -> [String] {
        let items = try await get("/api/positions")["items"] as? [[String: Any]] ?? []
        return items.compactMap { $0["ticker"] as? String }
    }

    /// POSTs with no body; the HTTP status.
    func post(_ path: String) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
