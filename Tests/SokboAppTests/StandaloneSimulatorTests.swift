import AsyncHTTPClient
import Foundation
import Kiwoom
import Logging
import NIOCore
import NIOHTTP1
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// `sokbo simulator` as a real process: one venue that `sokbo serve` processes share (`SOKBO_SIMULATOR_URL`),
/// its control endpoint, its request log, `R10001` between two sessions on one appkey, and its shutdown.
@Suite struct StandaloneSimulatorTests {
    @Test(.timeLimit(.minutes(3)))
    func aNodeOnTheSharedSimulatorSendsAMatchingHeadlinesOrderExactlyOnce() async throws {
        let logFile = TestStores.temporaryDirectory() + "/requests.jsonl"
        // No generated headlines: the only one a rule can trade is the test's.
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0", "--seed", "7", "--request-log", logFile])
        defer { simulator.kill() }
        let node = try await SokboProcess.start(environment: [
            "SOKBO_MODE": "simulate", "SOKBO_SIMULATOR_URL": simulator.controlURL,
            "SOKBO_DATA_DIR": TestStores.temporaryDirectory(), "SOKBO_API_TOKEN": "shared-venue-token",
            // A cold stock's first entry reads its day reference and book at 1 query/s per api-id; on a loaded
            // machine that can pass the 3 s default. This test is about the venue, not the deadline.
            "SOKBO_ENTRY_DEADLINE_MS": "60000",
        ])
        defer { node.kill() }
        try await node.waitForNewsConnection()

        let (status, body) = try await simulator.call(.POST, "/headlines",
                                                      json: #"{"title":"삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결","tickers":["005930"]}"#)
        #expect(status == 200, "\(body)")
        // The order settles at the node (accepted or filled): nothing is left that could still be sent.
        let settled = try await eventually(timeout: .seconds(60)) {
            let orders = try await node.orders()
            return orders.count == 1 && [.accepted, .partiallyFilled, .filled].contains(orders[0].state)
        }
        let nodeOrders = try await node.orders()
        #expect(settled, "node orders: \(nodeOrders)")
        let orders = try await simulator.requestLog().filter { $0.apiId == "kt10000" }
        try #require(orders.count == 1, "kt10000 in the log: \(orders)")
        let order = orders[0]
        #expect(order.kind == "order")
        #expect(order.fields?["stk_cd"] == "005930")
        #expect(Int(order.fields?["ord_qty"] ?? "") ?? 0 > 0)
        #expect(order.status == 200 && order.returnCode == 0)
        #expect(order.ordNo != nil)
        #expect(order.appkey == SimulatorRequestLog.redact(KiwoomConfiguration.simulatorAppKey))
        #expect(order.monoNs > 0 && (order.replyMonoNs ?? 0) >= order.monoNs)

        // The token request is logged, its appkey redacted and its secret nowhere; the node's realtime session too.
        let log = try await simulator.requestLog()
        #expect(log.contains { $0.kind == "token" && $0.apiId == "au10001" && $0.returnCode == 0 && $0.fields == ["grant_type": "client_credentials"] })
        #expect(log.contains { $0.venue == "kiwoom" && $0.kind == "login" && $0.session == 1 })
        #expect(log.contains { $0.venue == "ls" && $0.kind == "subscribe" && $0.appkey != nil })
        let headline = try #require(log.first { $0.kind == "headline" })
        #expect(headline.venue == "ls" && headline.fields?["tickers"] == "005930" && headline.seq < order.seq)
        #expect(!log.contains { $0.kind == "evicted" })

        // SIGTERM with the node still connected: the simulator exits 0 and its file holds what GET /requests did.
        kill(simulator.process.processIdentifier, SIGTERM)
        let exited = try await eventually(timeout: .seconds(20)) { !simulator.process.isRunning }
        #expect(exited, "still running after SIGTERM")
        if exited {
            #expect(simulator.process.terminationReason == .exit && simulator.process.terminationStatus == 0)
        }
        let file = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(!file.contains(KiwoomConfiguration.simulatorSecretKey), "no secret in the request log")
        #expect(!file.contains(KiwoomConfiguration.simulatorAppKey), "the appkey only redacted")
        let fromFile = try file.split(separator: "\n").map { try JSONDecoder().decode(SimulatorRequestLog.Entry.self, from: Data($0.utf8)) }
        #expect(fromFile.filter { $0.apiId == "kt10000" } == orders)
        #expect(fromFile.map(\.seq) == Array(1...fromFile.count), "every entry, in order")
    }

    @Test(.timeLimit(.minutes(2)))
    func theControlEndpointRefusesBadInputWith400AndSIGTERMExitsZero() async throws {
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0"])
        defer { simulator.kill() }
        let bad: [(HTTPMethod, String, String?)] = [
            (.POST, "/headlines", "not json"),
            (.POST, "/headlines", #"{"tickers":["005930"]}"#),
            (.POST, "/headlines", #"{"title":"  ","tickers":["005930"]}"#),
            (.POST, "/headlines", #"{"title":"x","tickers":["999999"]}"#),
            (.POST, "/headlines", #"{"title":"x","tickers":["005930"],"impulsePercent":45}"#),
            (.PUT, "/headlines/rate", #"{"perSecond":-1}"#),
            (.PUT, "/headlines/rate", #"{"perSecond":"fast"}"#),
            (.GET, "/stocks/ABCDEF", nil),
            (.POST, "/stocks/005930/price", #"{"price":"high"}"#),
            (.POST, "/stocks/005930/price", #"{"price":-5}"#),
            (.POST, "/stocks/999999/halt", nil),
            (.POST, "/stocks/005930/move", #"{"percent":31}"#),
            (.POST, "/sockets/drop?venue=telegram", nil),
            (.GET, "/requests?since=-1", nil),
            (.PUT, "/kiwoom/latency", #"{"ms":10000000}"#),
            (.PUT, "/kiwoom/latency", #"{"apiId":"kt10000; rm","ms":10}"#),
            (.POST, "/kiwoom/inject", #"{"status":200,"count":1}"#),
            (.POST, "/kiwoom/inject", #"{"status":503,"count":0}"#),
            (.POST, "/kiwoom/hold", #"{"apiId":"kt10000","count":1}"#),
        ]
        for (method, path, body) in bad {
            let (status, text) = try await simulator.call(method, path, json: body)
            #expect(status == 400, "\(method) \(path) \(body ?? ""): \(status) \(text)")
            #expect(text.contains(#""code":"bad_request""#), "\(method) \(path): \(text)")
        }
        // The same routes with good input act.
        let set = try await simulator.call(.POST, "/stocks/005930/price", json: #"{"price":71234}"#)
        #expect(set.status == 200 && set.body.contains(#""price":71200"#), "rounded down to the 100-won tick: \(set.body)")
        #expect(try await simulator.call(.POST, "/stocks/005930/halt").body.contains(#""inVolatilityInterruption":true"#))
        #expect(try await simulator.call(.POST, "/stocks/005930/unhalt").body.contains(#""inVolatilityInterruption":false"#))
        #expect(try await simulator.call(.PUT, "/headlines/rate", json: #"{"perSecond":2.5}"#).status == 200)
        #expect(try await simulator.call(.GET, "/status").body.contains(#""headlinesPerSecond":2.5"#))

        // An injected 503 answers the next token request unprocessed, and the log says so.
        #expect(try await simulator.call(.POST, "/kiwoom/inject", json: #"{"status":503,"count":1,"apiIds":["au10001"]}"#).status == 200)
        // A client that names itself (`sokbo-node`) is told apart in the log.
        var token = HTTPClientRequest(url: simulator.ports.urls().kiwoom + "/oauth2/token")
        token.method = .POST
        token.headers.add(name: "sokbo-node", value: "node-a")
        token.headers.add(name: "Content-Type", value: "application/json;charset=UTF-8")
        token.body = .bytes(ByteBuffer(string: #"{"grant_type":"client_credentials","appkey":"\#(KiwoomConfiguration.simulatorAppKey)","secretkey":"\#(KiwoomConfiguration.simulatorSecretKey)"}"#))
        #expect(try await HTTPClient.shared.execute(token, timeout: .seconds(30)).status.code == 503)
        #expect(try await HTTPClient.shared.execute(token, timeout: .seconds(30)).status.code == 200)
        let tokens = try await simulator.requestLog().filter { $0.kind == "token" }
        #expect(tokens.map(\.status) == [503, 200], "\(tokens)")
        #expect(tokens.allSatisfy { $0.node == "node-a" } && tokens.last?.returnCode == 0, "\(tokens)")

        kill(simulator.process.processIdentifier, SIGTERM)
        let exited = try await eventually(timeout: .seconds(10)) { !simulator.process.isRunning }
        #expect(exited, "still running after SIGTERM")
        if exited {
            #expect(simulator.process.terminationReason == .exit && simulator.process.terminationStatus == 0)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aSecondRealtimeLoginOnTheSameAppkeyEvictsTheFirstWithR10001AndTheLogShowsIt() async throws {
        let simulator = try await SimulatorProcess.start(["--news-per-second", "0"])
        defer { simulator.kill() }
        let urls = simulator.ports.urls()
        var logger = Logger(label: "test.shared-venue")
        logger.logLevel = .critical
        func session() -> KiwoomRealtimeService {
            let configuration = KiwoomConfiguration(baseURL: urls.kiwoom, appKey: KiwoomConfiguration.simulatorAppKey,
                                                    secretKey: KiwoomConfiguration.simulatorSecretKey)
            let broker = KiwoomBroker(client: KiwoomClient(configuration: configuration), quotes: KiwoomQuoteBook(), logger: logger)
            return KiwoomRealtimeService(broker: broker, configuration: .init(webSocketURL: { urls.kiwoomRealtime }, watchlist: [],
                                                                              evictionBackoff: .seconds(600)),
                                         logger: logger)
        }
        let first = session()
        let firstTask = Task { try await first.run() }
        defer { firstTask.cancel() }
        #expect(try await eventually(timeout: .seconds(30)) { first.status().state == "subscribed" })
        let second = session()
        let secondTask = Task { try await second.run() }
        defer { secondTask.cancel() }
        let evicted = try await eventually(timeout: .seconds(30)) { first.status().state == "evicted" && second.status().state == "subscribed" }
        #expect(evicted, "first \(first.status()), second \(second.status())")
        #expect(first.status().lastError?.contains("R10001") == true)

        let sessions = try await simulator.requestLog().filter { ["login", "evicted", "loginRefused"].contains($0.kind) }
        #expect(sessions.map(\.kind) == ["login", "login", "evicted"], "\(sessions)")
        if sessions.count == 3 {
            #expect(sessions[0].session == 1 && sessions[1].session == 2)
            #expect(sessions[2].session == 1 && sessions[2].by == 2 && sessions[2].code == "R10001")
            #expect(sessions.allSatisfy { $0.appkey == SimulatorRequestLog.redact(KiwoomConfiguration.simulatorAppKey) })
            #expect(sessions[1].monoNs <= sessions[2].monoNs)
        }
        firstTask.cancel()
        secondTask.cancel()
        _ = await firstTask.result
        _ = await secondTask.result
    }
}
