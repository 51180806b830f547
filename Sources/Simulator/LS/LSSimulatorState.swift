import Foundation
import HummingbirdWebSocket
import NIOCore
import SokboCore

/// One outbound frame: text, or raw bytes sent with the text opcode (for invalid UTF-8).
enum LSWireFrame: Sendable {
    case text(String)
    case raw([UInt8])
}

/// The simulated venue's mutable state: tokens, articles, sockets, faults and counters.
actor LSSimulatorState {
    struct Connection {
        let outbound: WebSocketOutboundWriter
        /// The `sokbo-node` header of the socket's upgrade request, for the request log.
        var node: String?
        var subscribed = false
        var stalledUntil: ContinuousClock.Instant?
        var frozen = false
    }

    struct TokenInfo {
        let appKey: String
        let expiry: Date
        var expired = false
    }

    let configuration: LSSimulatorConfiguration
    private var generator: LSNewsGenerator
    private var scripted: [String] = []
    private var rng: SimRandom
    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    private var tokens: [String: TokenInfo] = [:]
    private var archive: [String: LSArticle] = [:]
    private var generatedKeys: [String] = []
    private var history: [String] = []
    private var garbage: [LSGarbageKind] = []
    private var garbageIndex = 0
    private var garbageTurn = false
    private var refuseRemaining = 0
    private var due = 0.0
    private var lastT3102: [String: ContinuousClock.Instant] = [:]
    private(set) var counters = LSSimulatorCounters()
    /// Generated NWS frames per second now (starts at the configured rate; the control endpoint may change it).
    private(set) var framesPerSecond: Double

    /// Where tokens, subscriptions, drops and closes are recorded (the standalone simulator's log).
    let requestLog: SimulatorRequestLog?

    init(configuration: LSSimulatorConfiguration, requestLog: SimulatorRequestLog? = nil) {
        self.configuration = configuration
        self.requestLog = requestLog
        self.framesPerSecond = configuration.framesPerSecond
        self.generator = LSNewsGenerator(configuration: configuration)
        self.rng = SimRandom(seed: configuration.seed ^ 0x5151)
    }

    // MARK: - Tokens

    func issueToken(appKey: String, now: Date) -> (token: String, expiresIn: Int) {
        let expiry = KST.next(hour: 7, after: now)
        let token = LSJWT.make(appKey: appKey, issuedAt: now, expiry: expiry, rng: &rng)
        tokens[token] = TokenInfo(appKey: appKey, expiry: expiry)
        counters.tokensIssued += 1
        log("token", appKey: appKey)
        return (token, max(1, Int(expiry.timeIntervalSince(now))))
    }

    /// The appkey of a valid token, nil when unknown or expired.
    func validate(token: String, now: Date) -> String? {
        guard let info = tokens[token], !info.expired, info.expiry > now else { return nil }
        return info.appKey
    }

    /// Marks every token expired; returns the sockets to close when so configured.
    func expireTokens() -> [WebSocketOutboundWriter] {
        for key in tokens.keys { tokens[key]?.expired = true }
        return configuration.closeSocketsOnExpiry ? takeAllForDrop() : []
    }

    // MARK: - Sockets

    func open(_ outbound: WebSocketOutboundWriter, node: String? = nil) -> Int {
        nextConnectionID += 1
        connections[nextConnectionID] = Connection(outbound: outbound, node: node)
        counters.connectionsAccepted += 1
        counters.openConnections = connections.count
        return nextConnectionID
    }

    func close(_ id: Int) {
        if let connection = connections.removeValue(forKey: id) { log("closed", session: id, node: connection.node) }
        counters.openConnections = connections.count
    }

    /// Handles a registration; returns the ACK and, when accepted, frames to replay.
    func register(connection id: Int, token: String, trType: String, trCode: String, trKey: String, now: Date)
        -> (ack: String, replay: [String]) {
        func ack(_ code: String, _ message: String) -> String {
            #"{"header":{"token":""# + JSONString.escaped(token) + #"","tr_cd":""# + JSONString.escaped(trCode)
                + #"","tr_key":""# + JSONString.escaped(trKey) + #"","tr_type":""# + JSONString.escaped(trType)
                + #"","rsp_cd":""# + code + #"","rsp_msg":""# + JSONString.escaped(message) + #""},"body":null}"#
        }
        let node = connections[id]?.node
        if refuseRemaining > 0 {
            refuseRemaining -= 1
            counters.subscriptionsRefused += 1
            log("subscribeRefused", session: id, node: node, code: configuration.refusalCode)
            return (ack(configuration.refusalCode, configuration.refusalMessage), [])
        }
        guard let appKey = validate(token: token, now: now) else {
            counters.subscriptionsRefused += 1
            log("subscribeRefused", session: id, node: node, code: "IGW00121")
            return (ack("IGW00121", configuration.refusalMessage), [])
        }
        switch (trCode, trType) {
        case ("NWS", "3") where trKey.trimmingSpaces() == "NWS001" || trKey.trimmingSpaces().isEmpty:
            log("subscribe", session: id, node: node, appKey: appKey)
            connections[id]?.subscribed = true
            counters.subscriptionsAccepted += 1
            let replay = Array(history.suffix(configuration.replayOnSubscribe))
            counters.framesReplayed += replay.count
            counters.newsFramesSent += replay.count
            return (ack("00000", "정상처리되었습니다"), replay)
        case ("NWS", "4"):
            connections[id]?.subscribed = false
            return (ack("00000", "정상처리되었습니다"), [])
        case ("JIF", _), ("SC0", _), ("SC1", _), ("SC2", _), ("SC3", _), ("SC4", _):
            return (ack("00000", "정상처리되었습니다"), [])
        default:
            counters.subscriptionsRefused += 1
            return (ack("IGW00001", "등록되지 않은 TR입니다."), [])
        }
    }

    // MARK: - Faults

    private func takeAllForDrop() -> [WebSocketOutboundWriter] {
        for (id, connection) in connections.sorted(by: { $0.key < $1.key }) { log("dropped", session: id, node: connection.node) }
        let writers = connections.values.map(\.outbound)
        for key in connections.keys { connections[key]?.subscribed = false }
        counters.drops += writers.count
        return writers
    }

    func dropAll() -> [WebSocketOutboundWriter] { takeAllForDrop() }

    func queueGarbage(_ kinds: [LSGarbageKind]) { garbage += kinds }

    func stallOpenConnections(until deadline: ContinuousClock.Instant) {
        for key in connections.keys { connections[key]?.stalledUntil = deadline }
    }

    func refuse(_ count: Int) { refuseRemaining += count }

    func setFramesPerSecond(_ rate: Double) { framesPerSecond = max(0, rate) }

    private func log(_ kind: String, session: Int? = nil, node: String? = nil, appKey: String? = nil, code: String? = nil) {
        guard let requestLog else { return }
        var entry = SimulatorRequestLog.Entry(kind: kind)
        entry.venue = "ls"
        entry.session = session
        entry.node = node
        entry.appkey = appKey.map(SimulatorRequestLog.redact)
        entry.code = code
        requestLog.record(entry)
    }

    func freezeOpenConnections() {
        for key in connections.keys { connections[key]?.frozen = true }
        counters.freezes += connections.count
    }

    func isFrozen(_ id: Int) -> Bool { connections[id]?.frozen ?? false }

    // MARK: - Stream

    /// Produces the frames due after `elapsed` seconds and the sockets to send them to.
    func tick(elapsed: Double, now: Date) -> (targets: [WebSocketOutboundWriter], frames: [LSWireFrame], articles: [LSArticle]) {
        let instant = ContinuousClock.now
        let targets = connections.values.filter { c in
            c.subscribed && !c.frozen && (c.stalledUntil.map { instant >= $0 } ?? true)
        }.map(\.outbound)
        guard !targets.isEmpty else {
            due = 0
            return ([], [], [])
        }
        var articles: [LSArticle] = []
        due = min(due + elapsed * framesPerSecond, 1_000)
        var frames: [LSWireFrame] = scripted.map { .text($0) }
        counters.newsFramesSent += scripted.count * targets.count
        scripted = []
        while due >= 1 {
            due -= 1
            let newsLeft = configuration.frameLimit.map { counters.newsFramesGenerated < $0 } ?? true
            garbageTurn.toggle()
            if !garbage.isEmpty, garbageTurn || !newsLeft {
                let kind = garbage.removeFirst()
                garbageIndex += 1
                counters.garbageSent[kind.rawValue, default: 0] += targets.count
                frames.append(.raw(LSNewsGenerator.garbage(kind, index: garbageIndex, oversizedBytes: configuration.oversizedFrameBytes)))
            } else if newsLeft {
                let (article, frame) = generator.next(now: now)
                archive[article.realkey] = article
                generatedKeys.append(article.realkey)
                history.append(frame)
                if history.count > 1_000 { history.removeFirst(history.count - 500) }
                counters.newsFramesGenerated += 1
                counters.newsFramesSent += targets.count
                frames.append(.text(frame))
                articles.append(article)
            } else {
                break
            }
        }
        return (targets, frames, articles)
    }

    func article(_ realkey: String) -> LSArticle? { archive[realkey] }

    /// Queues a scripted headline for the next tick; returns its realkey.
    func enqueue(title: String, tickers: [Ticker], now: Date) -> String {
        let (article, frame) = generator.scripted(title: title, tickers: tickers, now: now)
        archive[article.realkey] = article
        generatedKeys.append(article.realkey)
        history.append(frame)
        counters.newsFramesGenerated += 1
        scripted.append(frame)
        return article.realkey
    }

    /// Queues the frame of an earlier headline again, byte for byte (a venue replaying after a reconnect).
    func enqueueReplay(realkey: String) -> Bool {
        guard let frame = history.last(where: { $0.contains("\"\(realkey)\"") }) else { return false }
        scripted.append(frame)
        return true
    }

    func allRealkeys() -> [String] { generatedKeys }

    /// Applies the t3102 rate limit for an appkey; true when the call may proceed.
    func admitT3102(appKey: String) -> Bool {
        counters.t3102Calls += 1
        let now = ContinuousClock.now
        let spacing = Duration.milliseconds(1000 / max(1, configuration.t3102CallsPerSecond))
        if let last = lastT3102[appKey], now - last < spacing {
            counters.t3102RateLimited += 1
            return false
        }
        lastT3102[appKey] = now
        return true
    }
}
