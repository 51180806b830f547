import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SokboCore

/// The raw Kiwoom REST client: one method per api-id (see `KiwoomClient+TRs.swift`), the venue's own
/// wire models in and out. Queries are paced, re-issue the token once on [8005] and back off on 429,
/// 1700, 5xx and transport failures. Orders are sent once; only a token refusal, which proves nothing
/// was placed, re-issues the token and sends the order once more.
public final class KiwoomClient: Sendable {
    /// The configuration (its description redacts the keys).
    public let configuration: KiwoomConfiguration
    /// The token provider (exposed for status and tests).
    public let tokens: KiwoomTokenProvider
    let limiter: KiwoomRateLimiter
    let http: HTTPClient
    let logger: Logger

    /// Creates a client. `httpClient` defaults to the process-wide shared client.
    public init(configuration: KiwoomConfiguration, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "kiwoom")) {
        self.configuration = configuration
        self.http = httpClient
        self.logger = logger
        self.limiter = KiwoomRateLimiter(limits: configuration.rateLimits)
        let issue = Self.tokenIssuer(configuration: configuration, http: httpClient)
        self.tokens = KiwoomTokenProvider(renewalMargin: configuration.tokenRenewalMargin, issue: issue)
    }

    /// One page of a query reply and its continuation headers.
    public struct Page<Value: Sendable>: Sendable {
        /// The decoded body.
        public var value: Value
        /// True when the response header `cont-yn` was `Y` and a `next-key` came with it.
        public var hasMore: Bool
        /// The opaque `next-key` to send back.
        public var nextKey: String?
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        /// A header by name, case-insensitively (`cont-yn` / `Cont-Yn`).
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    // MARK: - Token

    /// Posts `au10001` under the same retry policy as a query: a 429, 5xx or transport failure on the
    /// token call backs off and asks again (up to `maxQueryRetries`) instead of failing the call, or the
    /// order, that needed the token.
    static func tokenIssuer(configuration: KiwoomConfiguration, http: HTTPClient) -> @Sendable () async throws -> AU10001Response {
        { [configuration] in
            let api = KiwoomAPI.au10001
            let body = try JSONEncoder().encode(AU10001Request(appkey: configuration.appKey, secretkey: configuration.secretKey))
            var attempt = 0
            while true {
                do {
                    try configuration.checkGate(api)
                    let reply = try await send(http: http, baseURL: try await configuration.currentBaseURL(), api: api, body: body, token: nil,
                                               contYn: nil, nextKey: nil, timeout: configuration.queryTimeout, node: configuration.simulatorNodeTag)
                    return try decode(AU10001Response.self, api: api, status: reply.status, body: reply.body)
                } catch let error as KiwoomError where error.isRetryable && !error.requiresNewToken && attempt < configuration.maxQueryRetries {
                    attempt += 1
                    try await Task.sleep(for: backoff(attempt: attempt, base: configuration.retryBaseDelay))
                }
            }
        }
    }

    // MARK: - Queries

    /// Sends a query with pacing, one token re-issue on [8005] and back-off on retryable failures.
    /// Its urgency and bound come from `BrokerCallContext.current` (see `pacingBound`); the bound covers
    /// the retries too, so a lookup never waits past its own.
    func query<Body: Encodable & Sendable, Value: Decodable & Sendable>(
        _ api: KiwoomAPI, _ body: Body, as: Value.Type, contYn: Bool = false, nextKey: String? = nil
    ) async throws -> Page<Value> {
        let data = try Self.encode(body)
        let (purpose, notAfter) = pacingBound(api)
        var reissued = false
        var attempt = 0
        var lastFailure: KiwoomError?
        while true {
            // The token and the URL first: the request leaves as soon as it has its slot, so a slow token
            // issue cannot bunch requests granted apart into one burst at the venue.
            let token = try await tokens.token()
            let baseURL = try await configuration.currentBaseURL()
            do {
                try await limiter.acquire(api, purpose: purpose, notAfter: notAfter)
            } catch let paced as KiwoomError where paced.category == .paced {
                // A retry after a 5xx or a transport failure that finds no slot in time reports that
                // failure; after a 429 (or on the first try) the refusal itself, with its retry-after.
                if let lastFailure, lastFailure.category != .rateLimited { throw lastFailure }
                throw paced
            }
            try configuration.checkGate(api)
            do {
                let reply = try await Self.send(http: http, baseURL: baseURL, api: api, body: data, token: token,
                                                contYn: contYn ? "Y" : nil, nextKey: nextKey, timeout: configuration.queryTimeout,
                                                node: configuration.simulatorNodeTag)
                let value: Value
                do {
                    value = try Self.decode(Value.self, api: api, status: reply.status, body: reply.body)
                } catch let error as KiwoomError where error.category == .rateLimited {
                    await rateLimited(api, reply: reply)
                    throw error
                }
                await limiter.succeeded(api)
                let more = reply.header("cont-yn")?.uppercased() == "Y"
                let key = reply.header("next-key").flatMap(KiwoomValue.text)
                return Page(value: value, hasMore: more && key != nil, nextKey: key)
            } catch let error as KiwoomError {
                if error.requiresNewToken {
                    await tokens.refused(token, apiID: api.rawValue, code: error.code, message: error.message)
                }
                if error.requiresNewToken && !reissued {
                    reissued = true
                    logger.info("token refused; re-issuing once", metadata: ["api-id": "\(api.rawValue)", "code": "\(error.code ?? "-")"])
                    continue
                }
                guard error.isRetryable, !error.requiresNewToken, attempt < configuration.maxQueryRetries else { throw error }
                attempt += 1
                lastFailure = error
                // After a 429 the bucket's pause, shared by every caller, is the wait: the retry queues
                // for its slot like any request (and is refused if that is past the bound).
                if error.category == .rateLimited { continue }
                let delay = backoff(attempt: attempt)
                guard ContinuousClock.now + delay < notAfter else { throw error }
                logger.debug("retrying after back-off", metadata: ["api-id": "\(api.rawValue)", "error": "\(error.category.rawValue)", "attempt": "\(attempt)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The urgency and the latest departure of a request of `api`: orders are always `.order`; queries
    /// take the task's `BrokerCallContext` (trading unless a route marked them `.lookup`). The bound is
    /// the context's deadline, capped by `maxWait` (`lookupMaxWait` for lookups).
    func pacingBound(_ api: KiwoomAPI) -> (BrokerCallContext.Purpose, ContinuousClock.Instant) {
        let context = BrokerCallContext.current
        let purpose: BrokerCallContext.Purpose = api.isOrder ? .order : context.purpose
        let wait = purpose == .lookup ? limiter.limits.lookupMaxWait : limiter.limits.maxWait
        let bound = ContinuousClock.now + wait
        return (purpose, context.deadline.map { min($0, bound) } ?? bound)
    }

    /// A 429 (or `[1700]`) reply: pauses the api-id's bucket for every caller, honouring `Retry-After`.
    func rateLimited(_ api: KiwoomAPI, reply: Reply) async {
        let retryAfter = Self.retryAfter(reply.header("retry-after"))
        let pause = await limiter.penalize(api, retryAfter: retryAfter)
        logger.notice("rate-limited by the venue; pausing its bucket", metadata: [
            "api-id": "\(api.rawValue)", "retry-after": "\(retryAfter.map { "\($0)" } ?? "-")", "pause": "\(pause)",
        ])
    }

    /// `Retry-After` as delay-seconds or an HTTP date; nil when absent or unreadable. Capped at one hour.
    static func retryAfter(_ raw: String?, now: Date = Date()) -> Duration? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        let seconds: Double
        if let value = Double(raw), value.isFinite, value >= 0 {
            seconds = value
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            guard let date = formatter.date(from: raw) else { return nil }
            seconds = max(0, date.timeIntervalSince(now))
        }
        return .milliseconds(Int64(min(seconds, 3_600) * 1_000))
    }

    /// Exponential back-off with jitter: base · 2^(attempt−1) · [0.5, 1.0].
    func backoff(attempt: Int) -> Duration {
        Self.backoff(attempt: attempt, base: configuration.retryBaseDelay)
    }

    /// Exponential back-off with jitter from `base`.
    static func backoff(attempt: Int, base: Duration) -> Duration {
        Backoff(initial: base).delay(attempt: attempt)
    }

    // MARK: - Orders

    /// Sends an order TR once; a second time only when the venue refused the token ([8005], [8031],
    /// [8103]): that reply proves nothing was placed (§5.3, §11-5), so the token is re-issued and the same
    /// order sent exactly once more. A second refusal is a rejection. Only a readable reply decides
    /// accepted or rejected; anything else after the request may have left is unknown.
    func order<Body: Encodable & Sendable, Value: Decodable & Sendable>(
        _ api: KiwoomAPI, _ body: Body, as: Value.Type, orderNumber: (Value) -> String?
    ) async -> KiwoomOrderOutcome<Value> {
        let data: Data
        do {
            data = try Self.encode(body)
        } catch {
            return .rejected(error as? KiwoomError ?? KiwoomError(.invalidRequest, apiID: api.rawValue, message: "not sent: \(error)"))
        }
        let first = await orderAttempt(api, data, orderNumber: orderNumber)
        guard first.tokenRefused, case .rejected(let refusal) = first.outcome else { return first.outcome }
        logger.notice("order refused for its token; re-issuing and sending it once more",
                      metadata: ["api-id": "\(api.rawValue)", "code": "\(refusal.code ?? "-")"])
        return await orderAttempt(api, data, orderNumber: orderNumber).outcome
    }

    /// One send of an order TR. `tokenRefused` is true when the venue answered with a token refusal
    /// (the token is then dropped from the cache), which proves the order was not placed.
    private func orderAttempt<Value: Decodable & Sendable>(
        _ api: KiwoomAPI, _ data: Data, orderNumber: (Value) -> String?
    ) async -> (outcome: KiwoomOrderOutcome<Value>, tokenRefused: Bool) {
        let token: String
        let baseURL: String
        do {
            baseURL = try await configuration.currentBaseURL()
            token = try await tokens.token()
            try await limiter.acquire(api, purpose: .order, notAfter: pacingBound(api).1)
            // The last check before the request is written: the token and the pacing slot can take seconds, in
            // which a node of two may lose its lease (and a paused process may wake long after it).
            try configuration.checkGate(api)
        } catch {
            // Nothing was sent: the order is definitely not placed.
            let e = error as? KiwoomError ?? KiwoomError(.transport, apiID: api.rawValue, message: "not sent: \(error)")
            return (.rejected(e), false)
        }
        let reply: Reply
        do {
            reply = try await Self.send(http: http, baseURL: baseURL, api: api, body: data, token: token,
                                        contYn: nil, nextKey: nil, timeout: configuration.orderTimeout, node: configuration.simulatorNodeTag)
        } catch {
            return (.unknown("\(api.rawValue): no reply after sending (\(error)); reconcile before acting"), false)
        }
        guard (200..<300).contains(reply.status) else {
            // A 429 still slows the next orders; this one is never re-sent.
            if reply.status == 429 { await rateLimited(api, reply: reply) }
            return (.unknown("\(api.rawValue): HTTP \(reply.status) after sending; reconcile before acting"), false)
        }
        guard let envelope = try? JSONDecoder().decode(KiwoomEnvelope.self, from: reply.body), let code = envelope.return_code else {
            return (.unknown("\(api.rawValue): unreadable reply after sending; reconcile before acting"), false)
        }
        guard code == 0 else {
            let error = KiwoomError.classify(apiID: api.rawValue, returnCode: code, message: envelope.return_msg ?? "", httpStatus: reply.status)
            if error.category == .rateLimited {
                await rateLimited(api, reply: reply)
                return (.unknown("\(api.rawValue): rate-limit reply after sending (\(error.message)); reconcile before acting"), false)
            }
            if error.requiresNewToken {
                await tokens.refused(token, apiID: api.rawValue, code: error.code, message: error.message)
                return (.rejected(error), true)
            }
            return (.rejected(error), false)
        }
        guard let value = try? JSONDecoder().decode(Value.self, from: reply.body) else {
            return (.unknown("\(api.rawValue): success without a readable body; reconcile before acting"), false)
        }
        guard let number = orderNumber(value).flatMap(KiwoomValue.text) else {
            return (.rejected(KiwoomError(.rejected, apiID: api.rawValue, returnCode: 0, message: "reply without ord_no: \(envelope.return_msg ?? "")")), false)
        }
        return (.accepted(value, orderNo: number), false)
    }

    // MARK: - Transport

    static func encode(_ body: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(body)
    }

    static func send(http: HTTPClient, baseURL: String, api: KiwoomAPI, body: Data, token: String?,
                     contYn: String?, nextKey: String?, timeout: Duration, node: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + api.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json;charset=UTF-8")
        request.headers.add(name: "api-id", value: api.rawValue)
        if let token { request.headers.add(name: "authorization", value: "Bearer " + token) }
        if let contYn { request.headers.add(name: "cont-yn", value: contYn) }
        if let nextKey { request.headers.add(name: "next-key", value: nextKey) }
        if let node { request.headers.add(name: "sokbo-node", value: node) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            let buffer = try await response.body.collect(upTo: 32 << 20)
            let bytes = Data(buffer.readableBytesView)
            return Reply(status: Int(response.status.code), headers: response.headers, body: bytes)
        } catch let error as KiwoomError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KiwoomError(.transport, apiID: api.rawValue, message: "\(error)")
        }
    }

    /// Checks the HTTP status and `return_code`, then decodes the body. The envelope and the model are
    /// read in one parse (`Decoded`): on the zero-latency path JSON parsing is most of the client's cost.
    static func decode<Value: Decodable>(_ type: Value.Type, api: KiwoomAPI, status: Int, body: Data) throws -> Value {
        let envelope: KiwoomEnvelope?
        let value: Value?
        var failure: (any Error)?
        do {
            let decoded = try JSONDecoder().decode(Decoded<Value>.self, from: body)
            (envelope, value) = (decoded.envelope, decoded.value)
        } catch {
            failure = error
            (envelope, value) = (try? JSONDecoder().decode(KiwoomEnvelope.self, from: body), nil)
        }
        if status == 429 {
            throw KiwoomError.classify(apiID: api.rawValue, returnCode: envelope?.return_code ?? 5,
                                       message: envelope?.return_msg ?? "HTTP 429", httpStatus: 429)
        }
        guard (200..<300).contains(status) else {
            throw KiwoomError(.http, apiID: api.rawValue, returnCode: envelope?.return_code, message: envelope?.return_msg ?? "HTTP \(status)", httpStatus: status)
        }
        guard let envelope, let code = envelope.return_code else {
            throw KiwoomError(.decoding, apiID: api.rawValue, message: "reply without return_code", httpStatus: status)
        }
        guard code == 0 else {
            throw KiwoomError.classify(apiID: api.rawValue, returnCode: code, message: envelope.return_msg ?? "", httpStatus: status)
        }
        guard let value else {
            throw KiwoomError(.decoding, apiID: api.rawValue, message: "unreadable \(api.rawValue) body: \(failure.map { "\($0)" } ?? "empty")", httpStatus: status)
        }
        return value
    }

    /// The envelope and, on success, the model, from one JSON parse.
    struct Decoded<Value: Decodable>: Decodable {
        let envelope: KiwoomEnvelope
        let value: Value?

        init(from decoder: any Decoder) throws {
            envelope = try KiwoomEnvelope(from: decoder)
            value = envelope.return_code == 0 ? try Value(from: decoder) : nil
        }
    }
}

/// The outcome of sending one order TR once.
public enum KiwoomOrderOutcome<Value: Sendable>: Sendable {
    /// Accepted with this `ord_no`.
    case accepted(Value, orderNo: String)
    /// Definitely not placed (refused before sending, non-zero `return_code` other than a rate limit, or no `ord_no`).
    case rejected(KiwoomError)
    /// May or may not have been placed: must be reconciled, never resent.
    case unknown(String)
}
