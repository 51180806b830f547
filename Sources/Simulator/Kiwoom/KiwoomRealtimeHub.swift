import Foundation
import HummingbirdWebSocket
import NIOCore
import SokboCore

/// The simulator's realtime WebSocket (`/api/dostk/websocket`), in Kiwoom's format (venue spec §8):
/// LOGIN first (else `SYSTEM R10004` and close; a bad token gets the [8005] LOGIN failure and close),
/// REG/REMOVE acknowledged, `PING` sent on a schedule and expected back unchanged, and every change of a
/// registered stock (price, volume, book) pushed as `REAL` `0B` and `0D` items within 10 ms; the account's
/// order events (`00`) and holdings (`04`) to every socket that registered those types, whatever its items
/// (`[""]` or `[]`, §8.4), and a registered stock's VI start and end (`1h`). One session per
/// appkey, as the live host: a LOGIN that succeeds while another socket is logged in sends that older one
/// `SYSTEM` `R10001` and closes it (§8.3, §11 simulator 11). Logins, refusals, evictions, drops and closes
/// go to the request log, each with its session number.
actor KiwoomRealtimeHub {
    private struct Connection {
        let outbound: WebSocketOutboundWriter
        /// The `sokbo-node` header of the socket's upgrade request, for the request log.
        let node: String?
        var codes: Set<String> = []
        var types: Set<String> = []
        var pushed: [String: KiwoomMarket.Signature] = [:]
    }

    private let core: KiwoomSimulatorCore
    private var connections: [Int: Connection] = [:]
    private var nextID = 0
    private(set) var logins = 0
    private(set) var pingsEchoed = 0
    private(set) var registrations = 0
    private(set) var itemsPushed = 0
    private(set) var evictions = 0
    private(set) var accountItemsPushed = 0

    /// The `R10001` notice; the live text is not captured in full (§8.3), only its two phrases.
    static let evictionNotice = #"{"trnm":"SYSTEM","code":"R10001","message":"동일한 App key로 접속이 되었습니다. 기존 세션은 종료됩니다"}"#

    init(core: KiwoomSimulatorCore) {
        self.core = core
    }

    /// Serves one socket until it closes; `node` names the client in the request log.
    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, node: String? = nil) async throws {
        var id: Int?
        // A session still listed when its socket ends was closed by the client (or the connection broke).
        defer { if let id, connections.removeValue(forKey: id) != nil { log("closed", session: id, node: node) } }
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message else { continue }
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            let trnm = object?["trnm"] as? String ?? ""
            guard let connection = id else {
                guard trnm == "LOGIN" else {
                    log("loginRefused", node: node, code: "R10004")
                    // Returning ends the socket (the server closes it).
                    try await outbound.writeTextMessage(#"{"trnm":"SYSTEM","code":"R10004","message":"접속허용요청(토큰)이 들어오지 않았습니다"}"#)
                    return
                }
                let token = object?["token"] as? String ?? ""
                let valid = core.state.withLock { s in s.tokens[token].map { $0 > Date() } ?? false }
                guard valid else {
                    log("loginRefused", node: node, code: "8005", returnCode: 3)
                    try await outbound.writeTextMessage(#"{"trnm":"LOGIN","return_code":3,"return_msg":"토큰 인증에 실패했습니다. 접속을 종료합니다 [CODE=8005, MESSAGE=Token이 유효하지 않습니다]"}"#)
                    return
                }
                nextID += 1
                let session = nextID
                id = session
                logins += 1
                log("login", session: session, node: node, returnCode: 0)
                await evictAll(by: session)
                connections[session] = Connection(outbound: outbound, node: node)
                try await outbound.writeTextMessage(#"{"trnm":"LOGIN","return_code":0,"return_msg":""}"#)
                continue
            }
            switch trnm {
            case "PING":
                pingsEchoed += 1
            case "REG", "REMOVE":
                let data = object?["data"] as? [[String: Any]] ?? []
                let codes = data.flatMap { ($0["item"] as? [String] ?? []).compactMap(KiwoomMarket.listedCode) }
                let types = data.flatMap { $0["type"] as? [String] ?? [] }
                guard !data.isEmpty, !types.isEmpty else {
                    try await outbound.writeTextMessage(#"{"trnm":"\#(trnm)","return_code":1,"return_msg":"입력 값 오류입니다"}"#)
                    continue
                }
                if trnm == "REG" {
                    if object?["refresh"] as? String == "0" { connections[connection]?.codes = []; connections[connection]?.types = [] }
                    connections[connection]?.codes.formUnion(codes)
                    connections[connection]?.types.formUnion(types)
                    registrations += 1
                } else {
                    connections[connection]?.codes.subtract(codes)
                    for code in codes { connections[connection]?.pushed[code] = nil }
                }
                try await outbound.writeTextMessage(#"{"trnm":"\#(trnm)","return_code":0,"return_msg":""}"#)
            default:
                break
            }
        }
    }

    /// Pushes the queued account and VI items, then every registered stock whose state changed since its last
    /// push; sends PINGs when due.
    func tick(ping: Bool) async {
        var writes: [(Int, WebSocketOutboundWriter, String)] = []
        let events = core.state.withLock { $0.market.takeEvents() }
        for (id, connection) in connections {
            let due = events.filter { e in
                connection.types.contains(e.type) && (e.type == "00" || e.type == "04" || connection.codes.contains(e.code))
            }
            if !due.isEmpty {
                itemsPushed += due.count
                accountItemsPushed += due.count { $0.type != "1h" }
                let items = due.map { e in
                    let name = e.type == "00" ? "주문체결" : e.type == "04" ? "현물잔고" : "VI발동/해제"
                    // Account items carry no stock in `item` (they were registered with `[""]`); 9001 names it.
                    let item = e.type == "1h" ? e.code : ""
                    return #"{"type":"\#(e.type)","name":"\#(name)","item":"\#(item)","values":"# + String(buffer: SimJSON.buffer(e.values)) + "}"
                }
                writes.append((id, connection.outbound, #"{"trnm":"REAL","data":["# + items.joined(separator: ",") + "]}"))
            }
            var items: [String] = []
            for code in connection.codes.sorted() {
                guard let (signature, frameItems) = core.realtimeItems(code, types: connection.types, unlessSignature: connection.pushed[code]) else { continue }
                connections[id]?.pushed[code] = signature
                items.append(contentsOf: frameItems)
            }
            if !items.isEmpty {
                itemsPushed += items.count
                writes.append((id, connection.outbound, #"{"trnm":"REAL","data":["# + items.joined(separator: ",") + "]}"))
            }
            if ping { writes.append((id, connection.outbound, #"{"trnm":"PING"}"#)) }
        }
        for (id, outbound, text) in writes {
            do { try await outbound.writeTextMessage(text) } catch { close(id) }
        }
    }

    /// The codes registered on any open socket.
    func registeredCodes() -> Set<String> {
        connections.values.reduce(into: Set<String>()) { $0.formUnion($1.codes) }
    }

    /// Closes every socket (a simulated disconnect).
    func dropAll() async {
        let open = connections.sorted { $0.key < $1.key }
        connections.removeAll()
        for (id, connection) in open {
            log("dropped", session: id, node: connection.node)
            try? await connection.outbound.close(.goingAway, reason: "simulated drop")
        }
    }

    /// Sends every logged-in socket `SYSTEM` `R10001` (another session took the appkey) and closes it; `by` is the
    /// session whose LOGIN did it (nil: a test or the control endpoint). One appkey is accepted, so every
    /// session is that key's.
    func evictAll(by session: Int? = nil) async {
        let open = connections.sorted { $0.key < $1.key }
        connections.removeAll()
        evictions += open.count
        for (id, connection) in open {
            log("evicted", session: id, node: connection.node, by: session, code: "R10001")
            try? await connection.outbound.writeTextMessage(Self.evictionNotice)
            try? await connection.outbound.close(.normalClosure, reason: "R10001")
        }
    }

    /// Sends `text` as it is to every logged-in socket (a test hook for frames the venue may send).
    func sendToAll(_ text: String) async {
        for (id, connection) in connections {
            do { try await connection.outbound.writeTextMessage(text) } catch { close(id) }
        }
    }

    /// Forgets a session whose socket could not be written (logged as closed).
    private func close(_ id: Int) {
        if let connection = connections.removeValue(forKey: id) { log("closed", session: id, node: connection.node) }
    }

    private func log(_ kind: String, session: Int? = nil, node: String?, by: Int? = nil, code: String? = nil, returnCode: Int? = nil) {
        var entry = SimulatorRequestLog.Entry(kind: kind)
        // A refused LOGIN proved no key.
        entry.appkey = kind == "loginRefused" ? nil : SimulatorRequestLog.redact(core.configuration.appKey)
        entry.session = session
        entry.node = node
        entry.by = by
        entry.code = code
        entry.returnCode = returnCode
        core.requestLog.record(entry)
    }

    /// Open sockets that passed LOGIN.
    var openCount: Int { connections.count }
}

extension KiwoomSimulatorCore {
    /// The `REAL` items (`0B` and/or `0D`, as registered) for a stock, unless its state still has `signature`.
    func realtimeItems(_ code: String, types: Set<String>, unlessSignature previous: KiwoomMarket.Signature?) -> (KiwoomMarket.Signature, [String])? {
        state.withLock { s in
            guard let q = s.market.quotes[code] else { return nil }
            let signature = s.market.signature(code)
            guard signature != previous else { return nil }
            let base = q.listing.basePrice
            let sign = { (p: Int) in p > 0 ? SimFormat.signed(p, base: base) : "0" }
            let time = SimFormat.time(Date())
            let book = s.market.book(code)
            var items: [String] = []
            if types.contains("0B") {
                let change = q.price - base
                let values: [String: Any] = [
                    "20": time, "10": sign(q.price), "11": SimFormat.change(change), "12": SimFormat.rate(Double(change) * 100 / Double(base)),
                    "27": sign(book.asks[0].0), "28": sign(book.bids[0].0), "15": "+1", "13": "\(q.volume)", "16": sign(q.open),
                    "17": sign(q.high), "18": sign(q.low),
                    "25": q.price == q.limits.upper ? "1" : q.price == q.limits.lower ? "4" : change > 0 ? "2" : change < 0 ? "5" : "3",
                    "290": "2", "9081": "1",
                ]
                items.append(#"{"type":"0B","name":"주식체결","item":"\#(code)","values":"# + String(buffer: SimJSON.buffer(values)) + "}")
            }
            if types.contains("0D") {
                var values: [String: Any] = ["21": time]
                for n in 0..<10 {
                    values[String(41 + n)] = sign(book.asks[n].0)
                    values[String(61 + n)] = "\(book.asks[n].1)"
                    values[String(81 + n)] = "0"
                    values[String(51 + n)] = sign(book.bids[n].0)
                    values[String(71 + n)] = "\(book.bids[n].1)"
                    values[String(91 + n)] = "0"
                }
                values["121"] = "\(book.asks.reduce(0) { $0 + $1.1 })"
                values["125"] = "\(book.bids.reduce(0) { $0 + $1.1 })"
                items.append(#"{"type":"0D","name":"주식호가잔량","item":"\#(code)","values":"# + String(buffer: SimJSON.buffer(values)) + "}")
            }
            return (signature, items)
        }
    }

    /// Moves each of `codes` one random step (the market's own motion between queries), after starting a VI on
    /// one of them now and then (`viPerHour`, spread over the steps).
    func stepMarket(_ codes: Set<String>) {
        let now = Date()
        let chance = configuration.viPerHour * (configuration.realtimeMarketStep?.seconds ?? 0) / 3600
        state.withLock { s in
            let sorted = codes.sorted()
            s.market.maybeStartVI(among: sorted, chance: chance, at: now)
            for code in sorted { s.market.step(code, at: now) }
        }
    }
}
