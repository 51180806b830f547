import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SokboCore

/// The standalone simulator's control endpoint: HTTP on a port of its own, JSON in and out, no token (bind it
/// to loopback). It reads the venues' state and request log, and moves them: publish a headline, set or move
/// a price, start and end a volatility interruption, change the headline rate, drop or evict the realtime
/// sockets, delay an api-id. A bad request is answered 400 with `{"error":{"code":"bad_request","message":…}}`.
///
/// | route | body | does |
/// |---|---|---|
/// | `GET /status` | | ports, URLs, counters, headline rate, request-log size |
/// | `GET /requests?since=N` | | request-log entries with `seq` > N as JSON lines (`application/x-ndjson`) |
/// | `POST /headlines` | `{"title","tickers":["005930"],"impulsePercent"?}` | publishes an NWS headline now; `{"realkey"}` |
/// | `PUT /headlines/rate` | `{"perSecond"}` | generated headlines per second (0 stops them) |
/// | `GET /stocks/{code}` | | price, best ask and bid, VI |
/// | `POST /stocks/{code}/price` | `{"price"}` | sets the last price (tick grid, daily limits) |
/// | `POST /stocks/{code}/move` | `{"percent"}` | a news impulse: rises over 5 s, then decays |
/// | `POST /stocks/{code}/halt`, `…/unhalt` | | starts / ends a volatility interruption (`1h` pushed) |
/// | `POST /sockets/drop?venue=kiwoom\|ls\|all` | | closes the realtime sockets (default all) |
/// | `POST /kiwoom/evict` | | `R10001` to every Kiwoom realtime session, then closes it |
/// | `PUT /kiwoom/latency` | `{"apiId"?,"ms"}` | delay before answering one api-id (all when absent) |
/// | `POST /kiwoom/inject` | `{"status","count","apiIds"?,"retryAfterSeconds"?}` | the next requests answered `status`, unprocessed |
/// | `POST /kiwoom/hold`, `POST /kiwoom/release` | `{"apiId","count","maxMs"}`, none | holds requests of an api-id / lets them go |
/// | `PUT /telegram/webhook` | `{"down"}` | the webhook sink answers 503 to every POST (`true`) or takes them again (with the fake Bot API) |
/// | `POST /telegram/updates` | `{"chatId","text"}` | a user writes in a chat: the bot's next `getUpdates` returns it (with the fake Bot API) |
public final class SimulatorControl: Service, Sendable {
    private let kiwoom: KiwoomSimulator
    private let ls: LSSimulator
    private let dart: DARTSimulator
    private let telegram: TelegramSimulator?
    private let host: String
    private let requestedPort: Int
    private let port = BoundPort("the simulator's control endpoint")
    private let logger: Logger

    /// A control endpoint over the three venues (and the fake Bot API, if served), on `host:port` (0: a free port).
    public init(kiwoom: KiwoomSimulator, ls: LSSimulator, dart: DARTSimulator, telegram: TelegramSimulator? = nil, host: String = "127.0.0.1",
                port: Int = 0, logger: Logger = Logger(label: "sokbo.simulator.control")) {
        self.kiwoom = kiwoom
        self.ls = ls
        self.dart = dart
        self.telegram = telegram
        self.host = host
        self.requestedPort = port
        self.logger = logger
    }

    /// Every server's port, once all listen (up to 30 s each).
    public func ports() async throws -> SimulatorPorts {
        SimulatorPorts(host: host, control: try await port.wait(), kiwoom: try await kiwoom.waitUntilListening(),
                       kiwoomRealtime: try await kiwoom.waitUntilRealtimeListening(), ls: try await ls.waitUntilListening(),
                       lsWebSocket: try await ls.waitUntilWebSocketListening(), dart: try await dart.waitUntilListening(),
                       telegram: try await telegram?.waitUntilListening())
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: requestedPort), serverName: "sokbo-simulator"),
                              onServerRunning: { [port] channel in port.set(channel.localAddress?.port) }, logger: logger)
        try await app.run()
    }

    // MARK: - Routes

    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/status") { request, _ in try await self.status(request) }
        router.get("/requests") { request, _ in try self.requests(request) }
        router.post("/headlines") { request, _ in try await self.publish(request) }
        router.put("/headlines/rate") { request, _ in try await self.setRate(request) }
        router.get("/stocks/:code") { _, context in try self.stock(context) }
        router.post("/stocks/:code/price") { request, context in try await self.setPrice(request, context) }
        router.post("/stocks/:code/move") { request, context in try await self.move(request, context) }
        router.post("/stocks/:code/halt") { _, context in try self.halt(context, on: true) }
        router.post("/stocks/:code/unhalt") { _, context in try self.halt(context, on: false) }
        router.post("/sockets/drop") { request, _ in try await self.drop(request) }
        router.post("/kiwoom/evict") { _, _ in
            let open = await self.kiwoom.realtimeOpenConnections()
            await self.kiwoom.evictRealtimeSessions()
            return try Self.json(["evicted": open])
        }
        router.put("/kiwoom/latency") { request, _ in try await self.setLatency(request) }
        router.post("/kiwoom/inject") { request, _ in try await self.inject(request) }
        router.post("/kiwoom/hold") { request, _ in try await self.hold(request) }
        router.post("/kiwoom/release") { _, _ in
            self.kiwoom.releaseHeld()
            return try Self.json(["released": true])
        }
        router.put("/telegram/webhook") { request, _ in try await self.setWebhook(request) }
        router.post("/telegram/updates") { request, _ in try await self.sendUpdate(request) }
    }

    private struct Status: Encodable {
        struct Kiwoom: Encodable {
            struct Realtime: Encodable {
                let open: Int
                let logins: Int
                let evictions: Int
            }
            let requests: Int
            let orderRequests: Int
            let tokenIssuances: Int
            let rateLimited: Int
            let realtime: Realtime
        }
        struct Log: Encodable {
            let recorded: Int
            let evicted: Int
        }
        let ports: SimulatorPorts
        let urls: SimulatorURLs
        let kiwoom: Kiwoom
        let ls: LSSimulatorCounters
        let dartCalls: Int
        let headlinesPerSecond: Double
        let requestLog: Log
        let telegram: TelegramSimulator.Counts?
    }

    private func status(_ request: Request) async throws -> Response {
        let ports = try await ports()
        let counts = kiwoom.requestLog.counts
        let status = Status(
            ports: ports, urls: ports.urls(host: Self.clientHost(request)),
            kiwoom: .init(requests: kiwoom.totalRequests, orderRequests: kiwoom.orderRequests, tokenIssuances: kiwoom.tokenIssuances,
                          rateLimited: kiwoom.rateLimitedReplies,
                          realtime: .init(open: await kiwoom.realtimeOpenConnections(), logins: await kiwoom.realtimeLogins(),
                                          evictions: await kiwoom.realtimeEvictions())),
            ls: await ls.counters(), dartCalls: dart.callCount, headlinesPerSecond: await ls.headlineRate(),
            requestLog: .init(recorded: counts.recorded, evicted: counts.evicted),
            telegram: telegram?.counts())
        return try Self.json(status)
    }

    // MARK: - Telegram

    private struct Webhook: Decodable {
        let down: Bool
    }

    private func setWebhook(_ request: Request) async throws -> Response {
        guard let telegram else { throw ControlError("no fake Telegram Bot API here (start with --telegram)") }
        let down = try await Self.decode(Webhook.self, request).down
        telegram.setWebhookDown(down)
        return try Self.json(["down": down])
    }

    private struct Update: Decodable {
        let chatId: Int64
        let text: String
    }

    private func sendUpdate(_ request: Request) async throws -> Response {
        guard let telegram else { throw ControlError("no fake Telegram Bot API here (start with --telegram)") }
        let update = try await Self.decode(Update.self, request)
        guard !update.text.isEmpty, update.text.count <= 4_096 else { throw ControlError("text: expected 1 to 4096 characters") }
        telegram.sendUpdate(chat: update.chatId, text: update.text)
        return try Self.json(["queued": true])
    }

    private func requests(_ request: Request) throws -> Response {
        var since = 0
        if let raw = request.uri.queryParameters["since"] {
            guard let value = Int(raw), value >= 0 else { throw ControlError("since: expected a non-negative integer, got \(raw)") }
            since = value
        }
        var body = ByteBuffer()
        for entry in kiwoom.requestLog.entries(since: since) {
            body.writeString(entry.jsonLine())
            body.writeString("\n")
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: body))
    }

    private struct Headline: Decodable {
        let title: String
        let tickers: [String]?
        let impulsePercent: Double?
    }

    private func publish(_ request: Request) async throws -> Response {
        let headline = try await Self.decode(Headline.self, request)
        let title = headline.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 500 else { throw ControlError("title: expected 1 to 500 characters") }
        let tickers = try (headline.tickers ?? []).map(Self.listedTicker)
        if let percent = headline.impulsePercent { _ = try Self.percent(percent) }
        let realkey = await ls.publish(title: title, tickers: tickers)
        var entry = SimulatorRequestLog.Entry(kind: "headline")
        entry.venue = "ls"
        entry.fields = ["realkey": realkey, "title": title, "tickers": tickers.map(\.code).joined(separator: ",")]
        kiwoom.requestLog.record(entry)
        // After publish: its own ±1 % impulse is replaced by the one asked for.
        if let percent = headline.impulsePercent {
            for ticker in tickers { kiwoom.impulse(code: ticker.code, percent: percent) }
        }
        return try Self.json(["realkey": realkey])
    }

    private struct Rate: Decodable {
        let perSecond: Double
    }

    private func setRate(_ request: Request) async throws -> Response {
        let rate = try await Self.decode(Rate.self, request).perSecond
        guard rate.isFinite, rate >= 0, rate <= 10_000 else { throw ControlError("perSecond: expected 0 to 10000, got \(rate)") }
        await ls.setHeadlineRate(rate)
        return try Self.json(["perSecond": rate])
    }

    private struct StockView: Encodable {
        let code: String
        let price: Int
        let bestAsk: Int
        let bestBid: Int
        let inVolatilityInterruption: Bool
    }

    private func stock(_ context: BasicRequestContext) throws -> Response {
        try Self.json(view(try Self.listedTicker(context.parameters.get("code") ?? "").code))
    }

    private func view(_ code: String) -> StockView {
        let book = kiwoom.book(code)
        return StockView(code: code, price: kiwoom.price(code) ?? 0, bestAsk: book.asks.first?.price ?? 0, bestBid: book.bids.first?.price ?? 0,
                         inVolatilityInterruption: kiwoom.inVolatilityInterruption(code))
    }

    private struct Price: Decodable {
        let price: Int
    }

    private func setPrice(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let code = try Self.listedTicker(context.parameters.get("code") ?? "").code
        let price = try await Self.decode(Price.self, request).price
        guard price > 0 else { throw ControlError("price: expected a positive number of won, got \(price)") }
        kiwoom.setPrice(code: code, price: price)
        return try Self.json(view(code))
    }

    private struct Move: Decodable {
        let percent: Double
    }

    private func move(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let code = try Self.listedTicker(context.parameters.get("code") ?? "").code
        let percent = try Self.percent(try await Self.decode(Move.self, request).percent)
        kiwoom.impulse(code: code, percent: percent)
        kiwoom.stepMarket(code)
        return try Self.json(view(code))
    }

    private func halt(_ context: BasicRequestContext, on: Bool) throws -> Response {
        let code = try Self.listedTicker(context.parameters.get("code") ?? "").code
        if on {
            kiwoom.startVolatilityInterruption(code: code)
        } else {
            // Ends it at the next step, taken now so the end (`1h` 해제) and the resting orders' matching follow at once.
            kiwoom.endVolatilityInterruption(code: code)
            kiwoom.stepMarket(code)
        }
        return try Self.json(view(code))
    }

    private func drop(_ request: Request) async throws -> Response {
        let venue = request.uri.queryParameters["venue"].map(String.init) ?? "all"
        guard ["kiwoom", "ls", "all"].contains(venue) else { throw ControlError("venue: expected kiwoom, ls or all, got \(venue)") }
        var dropped: [String: Int] = [:]
        if venue != "ls" {
            dropped["kiwoom"] = await kiwoom.realtimeOpenConnections()
            await kiwoom.dropRealtimeConnections()
        }
        if venue != "kiwoom" {
            dropped["ls"] = await ls.counters().openConnections
            await ls.dropConnections()
        }
        return try Self.json(dropped)
    }

    private struct Latency: Decodable {
        let apiId: String?
        let ms: Int
    }

    private func setLatency(_ request: Request) async throws -> Response {
        let latency = try await Self.decode(Latency.self, request)
        guard (0...600_000).contains(latency.ms) else { throw ControlError("ms: expected 0 to 600000, got \(latency.ms)") }
        if let apiID = latency.apiId { try Self.checkAPIID(apiID) }
        kiwoom.setLatency(.milliseconds(latency.ms), for: latency.apiId)
        return try Self.json(["ms": latency.ms])
    }

    private struct Injection: Decodable {
        let status: Int
        let count: Int
        let apiIds: [String]?
        let retryAfterSeconds: Int?
    }

    private func inject(_ request: Request) async throws -> Response {
        let injection = try await Self.decode(Injection.self, request)
        guard (400...599).contains(injection.status) else { throw ControlError("status: expected 400 to 599, got \(injection.status)") }
        guard (1...10_000).contains(injection.count) else { throw ControlError("count: expected 1 to 10000, got \(injection.count)") }
        for apiID in injection.apiIds ?? [] { try Self.checkAPIID(apiID) }
        if let seconds = injection.retryAfterSeconds, !(0...3_600).contains(seconds) {
            throw ControlError("retryAfterSeconds: expected 0 to 3600, got \(seconds)")
        }
        kiwoom.inject(status: injection.status, count: injection.count, apiIDs: injection.apiIds.map(Set.init),
                      retryAfter: injection.retryAfterSeconds.map { .seconds($0) })
        return try Self.json(["status": injection.status, "count": injection.count])
    }

    private struct Hold: Decodable {
        let apiId: String
        let count: Int
        let maxMs: Int
    }

    private func hold(_ request: Request) async throws -> Response {
        let hold = try await Self.decode(Hold.self, request)
        try Self.checkAPIID(hold.apiId)
        guard (1...10_000).contains(hold.count) else { throw ControlError("count: expected 1 to 10000, got \(hold.count)") }
        guard (1...600_000).contains(hold.maxMs) else { throw ControlError("maxMs: expected 1 to 600000, got \(hold.maxMs)") }
        kiwoom.holdNext(hold.apiId, count: hold.count, upTo: .milliseconds(hold.maxMs))
        return try Self.json(["count": hold.count])
    }

    private static func checkAPIID(_ apiID: String) throws {
        guard apiID.count == 7, apiID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ControlError("apiId: expected an api-id such as kt10000, got \(apiID)")
        }
    }

    // MARK: - Helpers

    /// A code of the simulated universe, else a 400 naming it.
    private static func listedTicker(_ raw: String) throws -> Ticker {
        guard let ticker = Ticker(raw), KiwoomSimulator.universe.contains(where: { $0.code == ticker.code }) else {
            throw ControlError("\(raw) is not a stock of the simulated universe")
        }
        return ticker
    }

    private static func percent(_ value: Double) throws -> Double {
        guard value.isFinite, abs(value) <= 30 else { throw ControlError("percent: expected -30 to 30 (KRX's daily limit), got \(value)") }
        return value
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 1 << 16)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: body))
        } catch let error as DecodingError {
            throw ControlError("body: \(Self.describe(error))")
        } catch {
            throw ControlError("body: not JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
        case .dataCorrupted: "not JSON"
        @unknown default: "not the expected shape"
        }
    }

    /// The host the client used to reach the endpoint (its `Host` header), so URLs work from another machine
    /// when the simulator binds every interface.
    private static func clientHost(_ request: Request) -> String? {
        guard let value = request.head.authority, !value.isEmpty else { return nil }
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") { return String(value[...end]) }
        return value.split(separator: ":").first.map(String.init)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// A control request the simulator cannot act on: answered 400 with its message.
struct ControlError: Error, HTTPResponseError {
    let message: String

    init(_ message: String) { self.message = message }

    var status: HTTPResponse.Status { .badRequest }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try SimulatorControl.json(["error": ["code": "bad_request", "message": message]], status: .badRequest)
    }
}
