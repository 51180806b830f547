import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket
import ServiceLifecycle
import SokboCore
import Synchronization

/// A local LS OPEN API on loopback, in the real wire format: `POST /oauth2/token`, `POST /oauth2/revoke`,
/// `POST /stock/investinfo` (t3102) and the WebSocket `/websocket` streaming NWS, with fault injection.
public final class LSSimulator: Service, Sendable {
    /// The settings.
    public let configuration: LSSimulatorConfiguration
    private let state: LSSimulatorState
    private let logger: Logger
    private let boundPort = BoundPort("the LS simulator's REST server")
    private let boundWebSocketPort = BoundPort("the LS simulator's WebSocket server")
    private let headlineHandlers = Mutex<[@Sendable (String, [Ticker], Bool) -> Void]>([])

    /// Creates the simulator; it listens once `run()` starts. With a `requestLog`, its token issues, NWS
    /// subscriptions (and refusals), drops and closes are recorded there (`venue` `ls`).
    public init(configuration: LSSimulatorConfiguration = .init(), requestLog: SimulatorRequestLog? = nil,
                logger: Logger = Logger(label: "sokbo.simulator.ls")) {
        self.configuration = configuration
        self.state = LSSimulatorState(configuration: configuration, requestLog: requestLog)
        self.logger = logger
    }

    /// Waits until the REST server listens and returns its port (up to 30 s).
    public func waitUntilListening() async throws -> Int {
        try await boundPort.wait()
    }

    /// Waits until the WebSocket server listens and returns its port (up to 30 s).
    public func waitUntilWebSocketListening() async throws -> Int {
        try await boundWebSocketPort.wait()
    }

    /// Base URL for REST (`http://127.0.0.1:PORT` or `https://…`).
    public func baseURL() async throws -> String {
        let port = try await waitUntilListening()
        return "\(configuration.tls == nil ? "http" : "https")://\(configuration.host):\(port)"
    }

    /// WebSocket URL (`ws://127.0.0.1:PORT/websocket` or `wss://…`), on the WebSocket server's own port.
    public func webSocketURL() async throws -> String {
        let port = try await boundWebSocketPort.wait()
        return "\(configuration.tls == nil ? "ws" : "wss")://\(configuration.host):\(port)/websocket"
    }

    // MARK: - Fault injection

    /// Closes every open WebSocket (server-initiated close).
    public func dropConnections() async {
        for outbound in await state.dropAll() { try? await outbound.close(.goingAway, reason: "simulated drop") }
    }

    /// Queues malformed frames, interleaved with the stream; `kinds` are cycled to make `count` frames.
    public func sendGarbage(count: Int, kinds: [LSGarbageKind] = LSGarbageKind.allCases) async {
        guard !kinds.isEmpty, count > 0 else { return }
        await state.queueGarbage((0..<count).map { kinds[$0 % kinds.count] })
    }

    /// Stops sending to the sockets open now for `duration` (sockets stay open and answer pings).
    public func stall(for duration: Duration) async {
        await state.stallOpenConnections(until: ContinuousClock.now + duration)
    }

    /// The sockets open now go dead behind their open TCP connections: nothing more is read from them (so
    /// protocol pings go unanswered) and nothing is sent; they stay open until the simulator stops.
    public func freezeConnections() async {
        await state.freezeOpenConnections()
    }

    /// Expires every issued token: new registrations and t3102 calls get `IGW00121`.
    public func expireTokens() async {
        for outbound in await state.expireTokens() { try? await outbound.close(.goingAway, reason: "token expired") }
    }

    /// Refuses the next `count` registrations with the configured code (default `IGW00121`).
    public func refuseSubscriptions(_ count: Int) async {
        await state.refuse(count)
    }

    /// Sets the rate of generated headlines (frames per second while somebody is subscribed; 0 stops them,
    /// `publish` still works).
    public func setHeadlineRate(_ framesPerSecond: Double) async {
        await state.setFramesPerSecond(framesPerSecond)
    }

    /// The rate of generated headlines now.
    public func headlineRate() async -> Double { await state.framesPerSecond }

    /// Calls `handler` with each headline's realkey, stocks and whether a rule would trade it (false for one
    /// published by hand), as it is sent or published (simulate mode lifts the stock in the Kiwoom simulator).
    public func onHeadline(_ handler: @escaping @Sendable (_ realkey: String, _ tickers: [Ticker], _ tradeable: Bool) -> Void) {
        headlineHandlers.withLock { $0.append(handler) }
    }

    /// Publishes a headline of your choosing to every subscriber at the next tick; returns its realkey.
    @discardableResult
    public func publish(title: String, tickers: [Ticker]) async -> String {
        let realkey = await state.enqueue(title: title, tickers: tickers, now: self.configuration.now())
        for handler in headlineHandlers.withLock({ $0 }) { handler(realkey, tickers, false) }
        return realkey
    }

    /// Sends an earlier headline's frame again, byte for byte; false when it is no longer kept.
    @discardableResult
    public func replay(realkey: String) async -> Bool {
        await state.enqueueReplay(realkey: realkey)
    }

    /// What the simulator has done so far.
    public func counters() async -> LSSimulatorCounters {
        await state.counters
    }

    /// Every realkey generated, in order.
    public func generatedRealkeys() async -> [String] {
        await state.allRealkeys()
    }

    /// The NWS headline of a generated article and whether its template should trade.
    public func headline(realkey: String) async -> (title: String, tickers: [Ticker], shouldTrade: Bool)? {
        await state.article(realkey).map { ($0.title, $0.tickers, $0.shouldTrade) }
    }

    /// The full body text of a generated article, before chunking.
    public func articleBody(realkey: String) async -> String? {
        await state.article(realkey)?.body
    }

    // MARK: - Service

    /// Serves until graceful shutdown.
    public func run() async throws {
        let router = Router()
        addRoutes(to: router)
        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        wsRouter.ws("/websocket") { inbound, outbound, context in
            try await self.serveSocket(inbound: inbound, outbound: outbound, node: context.request.headers[Self.nodeHeader])
        }
        // REST and WebSocket on separate servers, as on the live host (8080 and 9443). Why it matters here
        // too: with the WebSocket upgrade on the REST server, graceful shutdown could stall on the clients'
        // idle keep-alive REST connections (seen with the Kiwoom simulator).
        let app = Application(
            router: router, server: try serverBuilder(.http1()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ls-simulator"),
            onServerRunning: { channel in self.boundPort.set(channel.localAddress?.port) },
            logger: logger)
        let socketApp = Application(
            router: Router(), server: try serverBuilder(.http1WebSocketUpgrade(webSocketRouter: wsRouter)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.webSocketPort), serverName: "ls-simulator"),
            onServerRunning: { channel in self.boundWebSocketPort.set(channel.localAddress?.port) },
            logger: logger)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            // `run()`, not `runService()`: the simulator is part of the parent service group and must follow its
            // graceful shutdown in order; its own signal handlers would stop it out of turn.
            group.addTask { try await app.run(); return true }
            group.addTask { try await socketApp.run(); return true }
            group.addTask { await cancelWhenGracefulShutdown { await self.broadcast() }; return false }
            // Graceful shutdown ends broadcasting first, then both servers finish their own shutdown. A server
            // ending first (it could not bind) stops the rest.
            if try await group.next() == true { group.cancelAll() }
            while try await group.next() != nil {}
        }
    }

    /// The server as configured: plain, or TLS around `base`.
    private func serverBuilder(_ base: HTTPServerBuilder) throws -> HTTPServerBuilder {
        guard let tls = configuration.tls else { return base }
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
        return try .tls(base, tlsConfiguration: TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: NIOSSLPrivateKeySource.privateKey(key)))
    }

    /// Emits due frames every 10 ms to every subscribed, non-stalled socket.
    private func broadcast() async {
        var last = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return }
            let now = ContinuousClock.now
            let elapsed = now - last
            last = now
            let (targets, frames, articles) = await state.tick(elapsed: elapsed.seconds, now: self.configuration.now())
            if !articles.isEmpty {
                let handlers = headlineHandlers.withLock { $0 }
                for article in articles { for handler in handlers { handler(article.realkey, article.tickers, article.shouldTrade) } }
            }
            for outbound in targets {
                for frame in frames {
                    do {
                        try await Self.write(frame, to: outbound)
                    } catch {
                        break
                    }
                }
            }
        }
    }

    private static func write(_ frame: LSWireFrame, to outbound: WebSocketOutboundWriter) async throws {
        switch frame {
        case .text(let text):
            try await outbound.writeTextMessage(text)
        case .raw(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) {
                try await outbound.writeTextMessage(text)
            } else {
                // Invalid UTF-8 cannot be a Swift String: send the bytes with the text opcode, as a broken venue would.
                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes))))
            }
        }
    }

    /// Names a client in the request log.
    private static let nodeHeader = HTTPField.Name("sokbo-node")!

    private func serveSocket(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, node: String?) async throws {
        let id = await state.open(outbound, node: node)
        do {
            let frozen = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await self.readRegistrations(connection: id, inbound: inbound, outbound: outbound); return false }
                group.addTask {
                    while !(await self.state.isFrozen(id)) { try await Task.sleep(for: .milliseconds(20)) }
                    return true
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            // Why cancelling the reader freezes the socket: the library answers pings only while the inbound
            // stream is read, and a cancelled read leaves the channel open with reading stopped for good.
            if frozen { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(86_400 * 365)) } }
        } catch {
            await state.close(id)
            throw error
        }
        await state.close(id)
    }

    /// Answers registrations until the client closes.
    private func readRegistrations(connection id: Int, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        do {
            for try await message in inbound.messages(maxSize: 1 << 16) {
                guard case .text(let text) = message,
                      let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                      let header = object["header"] as? [String: Any], let body = object["body"] as? [String: Any]
                else { continue }
                let (ack, replay) = await state.register(
                    connection: id, token: header["token"] as? String ?? "", trType: "\(header["tr_type"] ?? "")",
                    trCode: body["tr_cd"] as? String ?? "", trKey: body["tr_key"] as? String ?? "", now: self.configuration.now())
                try await outbound.writeTextMessage(ack)
                for frame in replay { try await outbound.writeTextMessage(frame) }
            }
        }
    }

    // MARK: - REST

    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/oauth2/token") { request, _ -> Response in
            var fields = Self.form(String(buffer: try await request.body.collect(upTo: 1 << 16)))
            for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
            guard fields["grant_type"] == "client_credentials", fields["scope"] == "oob",
                  let appKey = fields["appkey"], !appKey.isEmpty, let secret = fields["appsecretkey"], !secret.isEmpty
            else {
                return Self.json(.forbidden, LST3102Response.gateway(code: "IGW00105", message: "유효하지 않은 AppSecret입니다."))
            }
            let (token, expiresIn) = await self.state.issueToken(appKey: appKey, now: self.configuration.now())
            let body = #"{"access_token":""# + token + #"","scope":"oob","token_type":"Bearer","expires_in":\#(expiresIn)}"#
            return Self.json(.ok, Array(body.utf8))
        }
        router.post("/oauth2/revoke") { _, _ -> Response in
            Self.json(.ok, Array(#"{"code":200,"message":"접근토큰 폐기에 성공하였습니다."}"#.utf8))
        }
        router.post("/stock/investinfo") { request, _ -> Response in
            let bodyBuffer = try await request.body.collect(upTo: 1 << 16)
            var headers: HTTPFields = [:]
            if let name = HTTPField.Name("tr_cd") { headers[name] = "t3102" }
            if let name = HTTPField.Name("tr_cont") { headers[name] = "N" }
            if let name = HTTPField.Name("tr_cont_key") { headers[name] = "" }
            let authorization = request.headers[.authorization] ?? ""
            guard authorization.hasPrefix("Bearer "),
                  let appKey = await self.state.validate(token: String(authorization.dropFirst(7)), now: self.configuration.now())
            else {
                return Self.json(.internalServerError, LST3102Response.gateway(code: "IGW00121", message: self.configuration.refusalMessage), headers)
            }
            guard await self.state.admitT3102(appKey: appKey) else {
                return Self.json(.internalServerError, LST3102Response.gateway(code: "IGW00201", message: "호출 거래건수를 초과하였습니다."), headers)
            }
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: bodyBuffer)) as? [String: Any]
            let newsno = (object?["t3102InBlock"] as? [String: Any])?["sNewsno"] as? String ?? ""
            guard let article = await self.state.article(newsno) else {
                return Self.json(.ok, LST3102Response.notFound, headers)
            }
            return Self.json(.ok, LST3102Response.found(article, chunking: self.configuration.chunking), headers)
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], _ extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Parses `a=b&c=d` (form body or query string).
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            fields[String(key)] = value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
        }
        return fields
    }
}
