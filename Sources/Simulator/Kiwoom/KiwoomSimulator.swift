import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import SokboCore

/// Kiwoom's REST API on loopback, in Kiwoom's wire format: token issue and revoke, every TR the broker
/// uses (ka10001, ka10004, ka10100, kt00011, kt10000–kt10003, ka10081, ka10080, kt00001, kt00018,
/// ka10075, ka10076), header paging, [8005] expiry, 429 rate limiting, injected latency, the input errors of
/// the real host (1501/1504/1505, 1511), and the realtime WebSocket at `/api/dostk/websocket` (LOGIN,
/// REG/REMOVE, PING, `0B`/`0D` pushes, the account's `00`/`04` and VI `1h`). A `Service`: `run()` serves until
/// cancelled or shut down.
public final class KiwoomSimulator: Service, Sendable {
    let core: KiwoomSimulatorCore
    let realtime: KiwoomRealtimeHub
    private let port = BoundPort("the Kiwoom simulator")
    private let realtimePort = BoundPort("the Kiwoom simulator's realtime socket")
    private let host: String
    private let logger: Logger

    /// Creates a simulator; `port` 0 binds a free port (see `waitUntilListening`); the realtime WebSocket
    /// has a port of its own (`realtimePort`, 0: free), as the live host's 10000 is not its REST port. Every
    /// request and realtime session event is recorded in `requestLog`.
    public init(configuration: KiwoomSimulatorConfiguration = .init(), host: String = "127.0.0.1", port: Int = 0,
                realtimePort: Int = 0, requestLog: SimulatorRequestLog = SimulatorRequestLog(),
                logger: Logger = Logger(label: "simulator.kiwoom")) {
        self.requestedRealtimePort = realtimePort
        self.core = KiwoomSimulatorCore(configuration: configuration, requestLog: requestLog)
        self.realtime = KiwoomRealtimeHub(core: core)
        self.host = host
        self.requestedPort = port
        self.logger = logger
    }

    private let requestedPort: Int
    private let requestedRealtimePort: Int

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        let core = self.core
        router.post("/oauth2/token") { request, _ in try await core.handle(request, category: "oauth2/token") }
        router.post("/oauth2/revoke") { request, _ in try await core.handle(request, category: "oauth2/revoke") }
        router.post("/api/dostk/:category") { request, context in
            try await core.handle(request, category: context.parameters.get("category") ?? "")
        }
        let realtime = self.realtime
        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        wsRouter.ws("/api/dostk/websocket") { inbound, outbound, context in
            try await realtime.serve(inbound: inbound, outbound: outbound, node: context.request.headers[KiwoomSimulatorCore.nodeHeader])
        }
        // REST and the realtime socket on separate servers, as on the live host (443 and 10000). Why it
        // matters here too: with the WebSocket upgrade on the REST server, its graceful shutdown could
        // stall on the clients' idle keep-alive REST connections.
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: requestedPort)),
                              onServerRunning: { [self] channel in self.port.set(channel.localAddress?.port) },
                              logger: logger)
        let socketApp = Application(router: Router(context: BasicRequestContext.self), server: .http1WebSocketUpgrade(webSocketRouter: wsRouter),
                                    configuration: .init(address: .hostname(host, port: requestedRealtimePort)),
                                    onServerRunning: { [self] channel in self.realtimePort.set(channel.localAddress?.port) },
                                    logger: logger)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            // `run()`, not `runService()`: the simulator follows its parent service group's shutdown.
            group.addTask { try await app.run(); return true }
            group.addTask { try await socketApp.run(); return true }
            group.addTask { await cancelWhenGracefulShutdown { await self.pushLoop() }; return false }
            // Graceful shutdown ends the push loop first, then both servers finish their own shutdown. A server
            // ending first (it could not bind) stops the rest.
            if try await group.next() == true { group.cancelAll() }
            while try await group.next() != nil {}
        }
    }

    /// Every 10 ms: pushes what changed; moves registered stocks and sends PINGs when due.
    private func pushLoop() async {
        let step = core.configuration.realtimeMarketStep
        let pingEvery = core.configuration.realtimePingInterval
        var lastStep = ContinuousClock.now
        var lastPing = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return }
            let now = ContinuousClock.now
            if let step, lastStep.duration(to: now) >= step {
                lastStep = now
                core.stepMarket(await realtime.registeredCodes())
            }
            let ping = lastPing.duration(to: now) >= pingEvery
            if ping { lastPing = now }
            await realtime.tick(ping: ping)
        }
    }

    /// What the simulator received: every REST request and realtime login, eviction, drop and close.
    public var requestLog: SimulatorRequestLog { core.requestLog }

    /// The realtime socket's port once listening (up to 30 s).
    public func waitUntilRealtimeListening() async throws -> Int { try await realtimePort.wait() }

    /// Waits (up to 30 s) until the server is bound and returns its port.
    public func waitUntilListening() async throws -> Int { try await port.wait() }

    /// `http://127.0.0.1:<port>` once listening.
    public func baseURL() async throws -> String { "http://\(host):\(try await waitUntilListening())" }

    /// `ws://127.0.0.1:<realtime port>/api/dostk/websocket` once listening.
    public func realtimeURL() async throws -> String { "ws://\(host):\(try await realtimePort.wait())/api/dostk/websocket" }

    // MARK: - Test hooks

    /// Makes every issued token invalid now (the next request with it gets [8005]).
    public func expireTokens() { core.state.withLock { $0.tokens.removeAll() } }

    /// Answers the next `count` requests (of `apiIDs`, or of any TR when nil) with the token refusal
    /// `[8005:Token이 유효하지 않습니다]` (HTTP 200, `return_code` 3) whatever token they carry, as the venue
    /// does for a token it has invalidated; the request is not processed (an order is not placed).
    public func refuseTokens(count: Int, apiIDs: Set<String>? = nil) {
        core.state.withLock { $0.tokenRefusals.append((count, apiIDs)) }
    }

    /// Answers the next `count` requests (of `apiIDs`, or of any TR when nil) with `status`
    /// (429 carries the `[1700]` body, and `Retry-After` when `retryAfter` is set); the request is
    /// counted but not processed.
    public func inject(status: Int, count: Int, apiIDs: Set<String>? = nil, retryAfter: Duration? = nil) {
        core.state.withLock { $0.injections.append(.init(status: status, remaining: count, apiIDs: apiIDs, retryAfter: retryAfter)) }
    }

    /// Sets the injected latency of one api-id, or the default when `apiID` is nil.
    public func setLatency(_ latency: Duration, for apiID: String? = nil) {
        core.state.withLock { s in
            if let apiID { s.latency[apiID] = latency } else { s.defaultLatency = latency; s.latency.removeAll() }
        }
    }

    /// Holds the next `count` requests of `apiID` (counted on arrival, answered later) until `releaseHeld()`,
    /// or at most `limit`: a broker sitting on an order for as long as a test needs.
    public func holdNext(_ apiID: String, count: Int = 1, upTo limit: Duration = .seconds(30)) {
        core.state.withLock { $0.holds[apiID] = count > 0 ? (count, limit) : nil }
    }

    /// Lifts (false) or restores (true) the configured rate limits: for a benchmark that measures the path
    /// rather than the pacing, which must say so. Tests and simulate mode keep them on.
    public func setRateLimitsEnabled(_ enabled: Bool) { core.state.withLock { $0.rateLimitsEnabled = enabled } }

    /// Lets every held request be answered now.
    public func releaseHeld() { core.state.withLock { $0.releases += 1 } }

    /// Requests received for one api-id (`au10001` for token issues).
    public func requestCount(_ apiID: String) -> Int { core.state.withLock { $0.counts[apiID] ?? 0 } }
    /// All requests received.
    public var totalRequests: Int { core.state.withLock { $0.total } }
    /// Requests the rate limit answered 429 (injected 429s not included).
    public var rateLimitedReplies: Int { core.state.withLock { $0.rateLimited } }
    /// When the latest requests of one api-id arrived (up to 256), oldest first.
    public func arrivals(of apiID: String) -> [ContinuousClock.Instant] { core.state.withLock { $0.arrivals[apiID] ?? [] } }
    /// Order requests received (kt10000–kt10003), whatever the answer.
    public var orderRequests: Int { core.state.withLock { $0.orderRequests } }
    /// Tokens issued (successful `au10001` answers that created a new token).
    public var tokenIssuances: Int { core.state.withLock { $0.issuances } }
    /// Resets every counter.
    public func resetCounters() {
        core.state.withLock { s in s.counts = [:]; s.total = 0; s.orderRequests = 0; s.issuances = 0; s.rateLimited = 0; s.arrivals = [:] }
    }
    /// The simulated account's cash, won.
    public var cash: Int { core.state.withLock { $0.market.cash } }
    /// Shares held of a code.
    public func position(_ code: String) -> Int { core.state.withLock { $0.market.holdings[code]?.quantity ?? 0 } }
    /// Every order the simulated venue took, oldest first: stock, side, quantity, and what filled (shares,
    /// won), for a test's arithmetic on the venue's own record.
    public func placedOrders() -> [(number: String, code: String, side: OrderSide, quantity: Int, filled: Int, filledAmount: Int)] {
        core.state.withLock { $0.market.orders.map { ($0.number, $0.code, $0.side, $0.quantity, $0.filled, $0.filledAmount) } }
    }
    /// The simulated last price of a code.
    public func price(_ code: String) -> Int? { core.state.withLock { $0.market.quotes[code]?.price } }
    /// Realtime sockets that passed LOGIN (all time).
    public func realtimeLogins() async -> Int { await realtime.logins }
    /// Realtime sockets open now.
    public func realtimeOpenConnections() async -> Int { await realtime.openCount }
    /// Sends one text frame, as it is, to every logged-in realtime socket (frames the venue might send).
    public func sendRealtime(_ text: String) async { await realtime.sendToAll(text) }
    /// PINGs the clients sent back.
    public func realtimePingsEchoed() async -> Int { await realtime.pingsEchoed }
    /// REG frames accepted.
    public func realtimeRegistrations() async -> Int { await realtime.registrations }
    /// `REAL` items pushed.
    public func realtimeItemsPushed() async -> Int { await realtime.itemsPushed }
    /// Closes every realtime socket (a simulated disconnect).
    public func dropRealtimeConnections() async { await realtime.dropAll() }
    /// Sends `SYSTEM` `R10001` to every realtime socket and closes it, as the venue does when another session
    /// logs in with the same appkey (the simulator also does this on its own when a second socket logs in).
    public func evictRealtimeSessions() async { await realtime.evictAll() }
    /// Realtime sockets closed with `R10001` (all time).
    public func realtimeEvictions() async -> Int { await realtime.evictions }
    /// The simulated ten-level book of a code (asks and bids, best first; empty levels are 0).
    public func book(_ code: String) -> (asks: [(price: Int, quantity: Int)], bids: [(price: Int, quantity: Int)]) {
        core.state.withLock { s in
            let book = s.market.book(code)
            return (book.asks.map { ($0.0, $0.1) }, book.bids.map { ($0.0, $0.1) })
        }
    }
    /// The stock codes registered on the open realtime sockets now.
    public func realtimeRegisteredCodes() async -> Set<String> { await realtime.registeredCodes() }
    /// `00`/`04` items pushed (all sockets, all time).
    public func realtimeAccountItemsPushed() async -> Int { await realtime.accountItemsPushed }

    // MARK: - Market events

    /// Lifts (or, negative, drops) a stock by `percent` over the configured rise time, then lets the move decay
    /// (half-life `impulseHalfLife`): what a headline does to its stock. The stock must be stepped (registered on
    /// the realtime socket, or queried) for the move to show.
    public func impulse(code: String, percent: Double) {
        core.state.withLock { $0.market.startImpulse(code, percent: percent, at: Date()) }
    }

    /// The impulse of a simulated headline on its stock: for a headline a rule would trade, +2 % to +8 %; for
    /// another, −1 % to +1 %; the size drawn from the seed and the headline's key, so a run is repeatable.
    public func newsImpulse(code: String, key: String, tradeable: Bool) {
        let draw = Double(SimRandom.hash([code, key, "impulse"], seed: core.configuration.seed) % 10_001) / 10_000
        impulse(code: code, percent: tradeable ? 2 + 6 * draw : -1 + 2 * draw)
    }

    /// News impulses a stock has had (all time).
    public func impulses(_ code: String) -> Int { core.state.withLock { $0.market.quotes[code]?.impulses ?? 0 } }

    /// Starts a volatility interruption on a stock now (none if one is on): `1h` 발동, orders taken but not matched
    /// until it ends after `viDuration`, then `1h` 해제 and the resting orders matched.
    public func startVolatilityInterruption(code: String) {
        core.state.withLock { $0.market.startVI(code, at: Date()) }
    }

    /// Ends a stock's volatility interruption at its next step (a test hook: the VI's duration is up now).
    public func endVolatilityInterruption(code: String) {
        core.state.withLock { s in if s.market.quotes[code]?.viUntil != nil { s.market.quotes[code]?.viUntil = Date() } }
    }

    /// Refuses the next order after taking it, as the exchange may: the REST reply carries its `ord_no`, then
    /// `00` pushes `접수` and `거부` with `reason` in 919; nothing rests or fills.
    public func refuseNextOrder(reason: String) { core.state.withLock { $0.market.refusals.append(reason) } }

    /// Sets a stock's last price now (rounded down to the tick grid, within the daily limits; any news impulse
    /// in progress ends) and fills the resting orders the new book crosses; returns the price set, nil for a
    /// code not in the simulated universe.
    @discardableResult
    public func setPrice(code: String, price: Int) -> Int? {
        core.state.withLock { $0.market.setPrice(code, price, at: Date()) }
    }

    /// True while a stock is in a volatility interruption.
    public func inVolatilityInterruption(_ code: String) -> Bool { core.state.withLock { $0.market.inVI(code) } }

    /// Moves a stock one step now (as the realtime loop does for registered stocks).
    public func stepMarket(_ code: String) { core.stepMarket([code]) }

    /// The codes and names of the simulated universe.
    public static var universe: [(code: String, name: String)] { KiwoomMarket.universe.map { ($0.code, $0.name) } }
}

/// A simulator failure (start-up only).
public struct SimulatorError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
