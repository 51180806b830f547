import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SokboCore
import Synchronization

/// The simulator's state and request pipeline: count → latency → injected fault → token → auth →
/// api-id → rate limit → TR handler. All state sits behind one lock; sleeps happen outside it.
final class KiwoomSimulatorCore: Sendable {
    struct Injection {
        var status: Int
        var remaining: Int
        var apiIDs: Set<String>?
        var retryAfter: Duration?
    }

    struct State {
        var market: KiwoomMarket
        var tokens: [String: Date] = [:]
        var issuances = 0
        var counts: [String: Int] = [:]
        var total = 0
        var orderRequests = 0
        /// HTTP 429 replies sent (the rate limit's and injected ones).
        var injections: [Injection] = []
        var latency: [String: Duration]
        var defaultLatency: Duration
        var buckets: [String: TokenBucket] = [:]
        /// 429 replies of the rate limit itself (not injected ones).
        var rateLimited = 0
        /// False while a benchmark has lifted the configured limits (`setRateLimitsEnabled`).
        var rateLimitsEnabled = true
        /// The latest arrivals per api-id (at most `arrivalsKept`), oldest first.
        var arrivals: [String: [ContinuousClock.Instant]] = [:]
        var rng: SimRandom
        /// Requests of an api-id still to be held, and for how long at most.
        var holds: [String: (count: Int, limit: Duration)] = [:]
        /// Bumped by `releaseHeld`: a held request goes on once it changes.
        var releases = 0
        /// Requests still to be refused with [8005] whatever their token (`refuseTokens`).
        var tokenRefusals: [(remaining: Int, apiIDs: Set<String>?)] = []
    }

    let configuration: KiwoomSimulatorConfiguration
    let state: Mutex<State>
    let clock = ContinuousClock()
    /// Every request and realtime session event, for the control endpoint and the request log file.
    let requestLog: SimulatorRequestLog

    static let orderIDs: Set<String> = ["kt10000", "kt10001", "kt10002", "kt10003"]
    /// api-id → category path segment.
    static let categories: [String: String] = [
        "ka10001": "stkinfo", "ka10100": "stkinfo", "ka10004": "mrkcond",
        "kt00011": "acnt", "kt00001": "acnt", "kt00018": "acnt", "ka10075": "acnt", "ka10076": "acnt",
        "kt10000": "ordr", "kt10001": "ordr", "kt10002": "ordr", "kt10003": "ordr",
        "ka10081": "chart", "ka10080": "chart",
    ]

    init(configuration: KiwoomSimulatorConfiguration, requestLog: SimulatorRequestLog) {
        self.configuration = configuration
        self.requestLog = requestLog
        let motion = KiwoomMarket.Motion(largeMoveChance: configuration.largeMoveChance, viDuration: configuration.viDuration.seconds,
                                         impulseRise: configuration.impulseRise.seconds, impulseHalfLife: configuration.impulseHalfLife.seconds)
        self.state = Mutex(State(market: KiwoomMarket(seed: configuration.seed, startingCash: configuration.startingCash, motion: motion),
                                 latency: configuration.latency, defaultLatency: configuration.defaultLatency,
                                 rng: SimRandom(seed: configuration.seed ^ 0x5EED)))
    }

    static let apiIDHeader = HTTPField.Name("api-id")!
    static let contYnHeader = HTTPField.Name("cont-yn")!
    static let nextKeyHeader = HTTPField.Name("next-key")!
    /// Sent by a client that names itself (the request log records it).
    static let nodeHeader = HTTPField.Name("sokbo-node")!

    var prefix: String { configuration.profile == .mock ? "모의투자 " : "" }

    // MARK: - Pipeline

    /// Answers one REST request and records it in the request log, replied or not (a cancelled request is
    /// logged without a status).
    func handle(_ request: Request, category: String) async throws -> Response {
        let arrived = SimulatorRequestLog.monotonicNanoseconds()
        let isToken = category == "oauth2/token"
        let apiID = request.headers[Self.apiIDHeader] ?? (isToken ? "au10001" : category == "oauth2/revoke" ? "au10002" : "")
        let trace = KiwoomRequestTrace()
        var entry = SimulatorRequestLog.Entry(
            kind: isToken ? "token" : category == "oauth2/revoke" ? "revoke" : Self.orderIDs.contains(apiID) ? "order" : "query")
        entry.monoNs = arrived
        entry.apiId = apiID
        entry.node = request.headers[Self.nodeHeader]
        do {
            let response = try await KiwoomRequestTrace.$current.withValue(trace) {
                try await process(request, category: category, apiID: apiID)
            }
            entry.status = Int(response.status.code)
            requestLog.record(trace.fill(entry))
            return response
        } catch {
            requestLog.record(trace.fill(entry))
            throw error
        }
    }

    private func process(_ request: Request, category: String, apiID: String) async throws -> Response {
        let isToken = category == "oauth2/token"
        let (latency, hold) = state.withLock { s -> (Duration, (release: Int, until: ContinuousClock.Instant)?) in
            s.total += 1
            s.counts[apiID, default: 0] += 1
            s.arrivals[apiID, default: []].append(clock.now)
            if s.arrivals[apiID]!.count > Self.arrivalsKept { s.arrivals[apiID]!.removeFirst() }
            if Self.orderIDs.contains(apiID) { s.orderRequests += 1 }
            var hold: (release: Int, until: ContinuousClock.Instant)?
            if let held = s.holds[apiID] {
                hold = (s.releases, clock.now + held.limit)
                s.holds[apiID] = held.count > 1 ? (held.count - 1, held.limit) : nil
            }
            return (s.latency[apiID] ?? s.defaultLatency, hold)
        }
        if latency > .zero { try await Task.sleep(for: latency) }
        if let hold {
            while state.withLock({ $0.releases }) == hold.release, clock.now < hold.until {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        if let (status, retryAfter) = takeInjection(apiID) {
            if status == 429 { return rateLimited(apiID, retryAfter: retryAfter) }
            return Response(status: .init(code: status), headers: [.contentType: "text/html"],
                            body: .init(byteBuffer: ByteBuffer(string: "<html><body>\(status) injected</body></html>")))
        }
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]
        KiwoomRequestTrace.current?.noteRequest(json, isToken: isToken)
        if isToken { return issueToken(json) }
        if category == "oauth2/revoke" { return reply(["return_code": 0, "return_msg": "정상적으로 처리되었습니다"], apiID: apiID) }

        let auth = request.headers[.authorization] ?? ""
        let token = auth.hasPrefix("Bearer ") ? String(auth.dropFirst(7)) : ""
        let valid = state.withLock { s in s.tokens[token].map { $0 > Date() } ?? false }
        guard valid, !takeTokenRefusal(apiID) else { return reply(failure(3, "인증에 실패했습니다[8005:Token이 유효하지 않습니다]"), apiID: apiID) }
        // One appkey is accepted, so a valid token is that key's.
        KiwoomRequestTrace.current?.noteAppKey(configuration.appKey)

        guard !apiID.isEmpty else {
            return reply(failure(2, "입력 값 오류입니다[1501:API ID가 존재하지 않습니다]"), apiID: apiID)
        }
        guard let expected = Self.categories[apiID] else {
            return reply(failure(2, "입력 값 오류입니다[1505:지원하지 않는 API ID입니다. API ID=\(apiID)]"), apiID: apiID)
        }
        guard expected == category else {
            return reply(failure(2, "입력 값 오류입니다[1504:해당 URI에서는 지원하는 API ID가 아닙니다. API ID=\(apiID), URI=/api/dostk/\(category)]"), apiID: apiID)
        }
        guard takeRateToken(apiID) else {
            state.withLock { $0.rateLimited += 1 }
            return rateLimited(apiID)
        }
        guard let body = json else {
            return reply(failure(2, "입력 값 오류입니다[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=body]"), apiID: apiID)
        }
        let paging = request.headers[Self.contYnHeader] == "Y" ? request.headers[Self.nextKeyHeader] : nil
        return route(apiID: apiID, body: body, nextKey: paging)
    }

    func takeInjection(_ apiID: String) -> (status: Int, retryAfter: Duration?)? {
        state.withLock { s in
            guard let i = s.injections.firstIndex(where: { $0.remaining > 0 && ($0.apiIDs?.contains(apiID) ?? true) }) else { return nil }
            s.injections[i].remaining -= 1
            let injection = s.injections[i]
            if s.injections[i].remaining == 0 { s.injections.remove(at: i) }
            return (injection.status, injection.retryAfter)
        }
    }

    /// True when a `refuseTokens` injection covers this request (and uses one of its count).
    func takeTokenRefusal(_ apiID: String) -> Bool {
        state.withLock { s in
            guard let i = s.tokenRefusals.firstIndex(where: { $0.remaining > 0 && ($0.apiIDs?.contains(apiID) ?? true) }) else { return false }
            s.tokenRefusals[i].remaining -= 1
            if s.tokenRefusals[i].remaining == 0 { s.tokenRefusals.remove(at: i) }
            return true
        }
    }

    /// Takes a token from the api-id's bucket and from its category's (queries or orders), or from
    /// neither when either is empty: a refused request costs nothing, as with a token bucket.
    func takeRateToken(_ apiID: String) -> Bool {
        var limits: [(key: String, bucket: KiwoomSimulatorConfiguration.Bucket)] = []
        if let bucket = configuration.rateLimit { limits.append((apiID, bucket)) }
        let isOrder = Self.orderIDs.contains(apiID)
        if let bucket = isOrder ? configuration.orderRateLimit : configuration.queryRateLimit {
            limits.append((isOrder ? "category:orders" : "category:queries", bucket))
        }
        guard !limits.isEmpty else { return true }
        let now = clock.now
        return state.withLock { s in
            guard s.rateLimitsEnabled else { return true }
            var refilled: [(String, TokenBucket)] = []
            for (key, bucket) in limits {
                var b = s.buckets[key] ?? TokenBucket(rate: bucket.perSecond, burst: Double(bucket.burst), now: now)
                b.refill(to: now)
                refilled.append((key, b))
            }
            let granted = refilled.allSatisfy { $0.1.tokens >= 1 }
            for (key, var b) in refilled {
                if granted { b.tokens -= 1 }
                s.buckets[key] = b
            }
            return granted
        }
    }

    /// Arrivals kept per api-id for `arrivals(of:)`.
    static let arrivalsKept = 256

    // MARK: - Token

    func issueToken(_ json: [String: Any]?) -> Response {
        let api = "au10001"
        guard let json, let grant = json["grant_type"] as? String else {
            return reply(failure(2, "입력 값 오류입니다[8011:Access Token을 발급하는데 실패했습니다. 입력값에 grant_type이 들어오지 않았습니다]"), apiID: api)
        }
        guard grant == "client_credentials" else {
            return reply(failure(2, "입력 값 오류입니다[8012:Access Token을 발급하는데 실패했습니다. grant_type의 값이 맞지 않습니다]"), apiID: api)
        }
        guard let key = json["appkey"] as? String, let secret = json["secretkey"] as? String, !key.isEmpty, !secret.isEmpty else {
            return reply(failure(2, "입력 값 오류입니다[8020:입력파라미터로 appkey 또는 secretkey가 들어오지 않았습니다.]"), apiID: api)
        }
        guard key == configuration.appKey, secret == configuration.secretKey else {
            return reply(failure(3, "인증에 실패했습니다[8001:App Key와 Secret Key 검증에 실패했습니다]"), apiID: api)
        }
        let now = Date()
        let (token, expires) = state.withLock { s -> (String, Date) in
            // One active token per appkey: re-issuing before expiry returns the same token and expires_dt.
            if let (t, e) = s.tokens.first(where: { $0.value > now }) { return (t, e) }
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let t = String((0..<86).map { _ in alphabet[Int(s.rng.next() % UInt64(alphabet.count))] })
            let e = now.addingTimeInterval(Double(configuration.tokenLifetime.components.seconds))
            s.tokens = [t: e]
            s.issuances += 1
            return (t, e)
        }
        return reply(["expires_dt": SimFormat.stamp(expires), "token_type": "bearer", "token": token,
                      "return_code": 0, "return_msg": "정상적으로 처리되었습니다"], apiID: api)
    }

    // MARK: - Replies

    func failure(_ returnCode: Int, _ message: String) -> [String: Any] {
        ["return_code": returnCode, "return_msg": message]
    }

    /// The venue's 429: `return_code` 5 and `[1700:…API ID=<id>]` (§3.4, §7). The live venue is not known to
    /// send `Retry-After`; an injected 429 may carry one (whole seconds, rounded up).
    func rateLimited(_ apiID: String, retryAfter: Duration? = nil) -> Response {
        var response = reply(failure(5, "허용된 요청 개수를 초과하였습니다[1700:허용된 요청 개수를 초과하였습니다. API ID=\(apiID)]"), apiID: apiID, status: .tooManyRequests)
        if let retryAfter {
            response.headers[.retryAfter] = String(Int(retryAfter.seconds.rounded(.up)))
        }
        return response
    }

    func reply(_ body: [String: Any], apiID: String, status: HTTPResponse.Status = .ok, contYn: Bool = false, nextKey: String = "") -> Response {
        var headers: HTTPFields = [.contentType: "application/json;charset=UTF-8"]
        headers[Self.apiIDHeader] = apiID
        headers[Self.contYnHeader] = contYn ? "Y" : "N"
        headers[Self.nextKeyHeader] = nextKey
        KiwoomRequestTrace.current?.noteReply(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: SimJSON.buffer(body)))
    }
}

/// Kiwoom's value formats, for the simulator's replies.
enum SimFormat {
    /// A market price signed against the base: `+` above, `-` below, bare when equal.
    static func signed(_ price: Int, base: Int) -> String {
        price > base ? "+\(price)" : price < base && price > 0 ? "-\(price)" : "\(price)"
    }

    /// A signed change: `+600`, `-8700`, `0`.
    static func change(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }

    /// A fixed-width zero-padded integer, sign in the first character (`"-00000000000084"`).
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(abs(value))
        if value < 0 { return "-" + String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits }
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A signed rate with two decimals: `+0.16`, `-3.86`, `0.00`.
    static func rate(_ value: Double) -> String {
        let hundredths = Int((abs(value) * 100).rounded())
        let s = (value < 0 && hundredths > 0 ? "-" : "") + "\(hundredths / 100)." + KST.digits(hundredths % 100, width: 2)
        return value > 0.00499 ? "+" + s : s
    }

    /// `YYYYMMDDHHMMSS` in KST.
    static func stamp(_ date: Date) -> String { KST.dayString(date) + KST.timeString(date) }

    /// `HHMMSS` in KST.
    static func time(_ date: Date) -> String { KST.timeString(date) }
}
