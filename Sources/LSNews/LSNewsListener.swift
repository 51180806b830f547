import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SokboCore
import Synchronization

/// The LS realtime news listener: subscribes to `NWS` and hands every new headline to a `NewsConsumer`.
///
/// Reconnects forever with exponential back-off and full jitter, replays the subscription on each new
/// socket, replaces a socket whose protocol ping goes unanswered (never one that is merely quiet: news can
/// be silent for minutes, spec §5.7), renews the token ahead of expiry and on `IGW00121`, and drops frames
/// whose realkey it already processed. `run()` returns only on graceful shutdown (or cancellation); the
/// socket is closed on every exit path.
public final class LSNewsListener: Service, Sendable {
    /// The settings in force.
    public let configuration: LSConfiguration
    /// The REST client (token, t3102); shut down when `run()` ends.
    public let rest: LSRESTClient
    /// The token holder shared by the WebSocket and t3102.
    public let tokens: LSTokenProvider
    /// The paced t3102 body source for `GET /api/news/{id}`.
    public let newsBodies: LSNewsBodySource

    private let consumer: any NewsConsumer
    private let logger: Logger
    private let tlsConfiguration: TLSConfiguration?
    private let inner: Mutex<Inner>

    private struct Inner {
        var status = LSListenerStatus()
        var dedupe: RealkeyDeduper
        var lastLogged: [LSFrameRejection: ContinuousClock.Instant] = [:]
        var suppressed: [LSFrameRejection: Int] = [:]
    }

    /// Creates the listener; nothing connects before `run()`.
    public init(configuration: LSConfiguration, consumer: any NewsConsumer, logger: Logger) throws {
        self.configuration = configuration
        self.consumer = consumer
        self.logger = logger
        let rest = try LSRESTClient(configuration: configuration)
        self.rest = rest
        let now = configuration.now
        self.tokens = LSTokenProvider(refreshMargin: configuration.tokenRefreshMargin, now: now) {
            try await rest.issueToken(now: now())
        }
        self.newsBodies = LSNewsBodySource(rest: rest, tokens: tokens, configuration: configuration)
        let isTLS = configuration.webSocketURL.hasPrefix("wss:") || configuration.webSocketURL.hasPrefix("https:")
        self.tlsConfiguration = isTLS ? try LSRESTClient.tlsConfiguration(configuration) : nil
        self.inner = Mutex(Inner(dedupe: RealkeyDeduper(capacity: configuration.dedupeCapacity)))
    }

    /// A snapshot of the listener's state for `/api/status`.
    public func status() async -> LSListenerStatus {
        var snapshot = inner.withLock { $0.status }
        snapshot.tokensIssued = await tokens.issuedCount
        return snapshot
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.connectionLoop() }
        update { $0.state = .stopped; $0.connectedSince = nil; $0.nextAttemptAt = nil }
        try? await rest.shutdown()
    }

    // MARK: - Connection loop

    private enum Outcome {
        /// A socket was established and has ended (server close, idle, refusal…).
        case ended((any Error)?)
        /// No socket was established.
        case failed(any Error)
        /// Shutdown.
        case cancelled
    }

    private func connectionLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let outcome = await connectOnce()
            let delay: Duration
            switch outcome {
            case .cancelled:
                return
            case .ended(let error):
                failures = 0
                if let error { record(error) }
                // A planned token renewal reconnects at once; anything else waits a jittered moment.
                delay = (error as? LSError) == .tokenRenewalDue ? .zero : backoff(attempt: 0)
            case .failed(let error):
                failures += 1
                update { $0.failedAttempts += 1 }
                record(error)
                delay = backoff(attempt: failures - 1)
            }
            if Task.isCancelled { return }
            let next = Date().addingTimeInterval(delay.seconds)
            update { $0.state = .backingOff; $0.connectedSince = nil; $0.nextAttemptAt = next }
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// Full-jitter exponential back-off: uniform in [0, min(cap, initial × 2^attempt)].
    func backoff(attempt: Int) -> Duration {
        Backoff(initial: configuration.backoffInitial, cap: configuration.backoffCap, jitter: 1).delay(attempt: attempt + 1)
    }

    private func connectOnce() async -> Outcome {
        update { $0.state = .connecting; $0.nextAttemptAt = nil }
        let token: LSToken
        do {
            token = try await tokens.token()
        } catch {
            return Task.isCancelled ? .cancelled : .failed(error)
        }
        let renewAt = await tokens.renewalDue()
        let webSocketURL: String
        do {
            webSocketURL = try await configuration.endpoints().webSocketURL
        } catch {
            return Task.isCancelled ? .cancelled : .failed(error)
        }
        let outcome = await ConnectionAttempt.run(deadline: configuration.connectTimeout) { ready in
            let client = WebSocketClient(
                url: webSocketURL,
                configuration: WebSocketClientConfiguration(
                    maxFrameSize: max(1 << 20, self.configuration.maxMessageBytes * 4),
                    closeTimeout: self.configuration.closeTimeout,
                    autoPing: .enabled(timePeriod: self.configuration.pingInterval),
                    validateUTF8: false,
                    sniHostname: self.configuration.tlsServerName),
                tlsConfiguration: self.tlsConfiguration,
                logger: self.logger
            ) { inbound, outbound, _ in
                try await self.session(inbound: inbound, outbound: outbound, token: token, renewAt: renewAt, ready: ready)
            }
            // Liveness is the library's auto-ping: when a ping is unanswered by the next one it closes the
            // socket itself (it consumes pongs, so they cannot be watched from here), and `run()` then returns
            // without the venue's close frame.
            if try await client.run() == nil, !Task.isCancelled { throw LSError.connectionLost }
        }
        switch outcome {
        case .ended(let error):
            if (error as? LSError) == .connectionLost { update { $0.connectionsLost += 1 } }
            return .ended(error)
        case .endedBeforeReady(let error):
            return .failed(error ?? LSError.transport("closed during handshake"))
        case .deadlinePassed:
            update { $0.handshakeTimeouts += 1 }
            return .failed(LSError.transport("connect and handshake deadline passed"))
        case .cancelled:
            return .cancelled
        }
    }

    // MARK: - One socket

    private func session(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, token: LSToken, renewAt: Date?,
        ready: @Sendable () -> Void
    ) async throws {
        try Task.checkCancellation()
        ready()
        update {
            $0.state = .connected
            $0.connections += 1
            $0.reconnects = $0.connections - 1
            $0.connectedSince = Date()
        }
        try await outbound.writeTextMessage(Self.subscribeFrame(token: token))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.renewalWatch(renewAt: renewAt) }
            group.addTask { try await self.readLoop(inbound: inbound, token: token) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Throws `tokenRenewalDue` when the token is to be replaced. Checks the wall clock every second rather
    /// than sleeping until `renewAt`, so a clock that jumps (or a virtual one in tests) is followed.
    private func renewalWatch(renewAt: Date?) async throws {
        guard let renewAt else { return try await Task.sleep(for: .seconds(86_400 * 365)) }
        while true {
            try await Task.sleep(for: .seconds(1))
            if configuration.now() >= renewAt { throw LSError.tokenRenewalDue }
        }
    }

    private func readLoop(inbound: WebSocketInboundStream, token: LSToken) async throws {
        var iterator = inbound.makeAsyncIterator()
        var pending = ByteBuffer()
        var oversized = false
        let limit = configuration.maxMessageBytes
        while let frame = try await iterator.next() {
            if frame.opcode != .continuation {
                pending.clear()
                oversized = false
                // Fast path: a whole message in one frame is parsed in place.
                if frame.fin {
                    if frame.data.readableBytes > limit { reject(.oversized) } else { try await handle(frame.data, token: token) }
                    continue
                }
            }
            if !oversized {
                if pending.readableBytes + frame.data.readableBytes > limit {
                    oversized = true
                    pending.clear()
                } else {
                    var data = frame.data
                    pending.writeBuffer(&data)
                }
            }
            guard frame.fin else { continue }
            if oversized { reject(.oversized) } else { try await handle(pending, token: token) }
            pending.clear()
            oversized = false
        }
    }

    private func handle(_ message: ByteBuffer, token: LSToken) async throws {
        let now = Date()
        let result = message.withUnsafeReadableBytes { raw in
            Result { () throws(LSFrameRejection) -> LSFrame in try LSFrameParser.parse(raw, receivedAt: now) }
        }
        switch result {
        case .success(.news(let item)):
            let fresh = inner.withLock { inner in
                inner.status.lastFrameAt = now
                guard inner.dedupe.insert(item.id) else {
                    inner.status.duplicatesDropped += 1
                    return false
                }
                inner.status.framesAccepted += 1
                return true
            }
            if fresh { await consumer.consume(item) }
        case .success(.ack(let ack)):
            update { $0.lastFrameAt = now }
            if ack.isSuccess {
                update { $0.subscriptionsAcknowledged += 1 }
            } else {
                update { $0.subscriptionsRefused += 1 }
                if ack.isInvalidToken { await tokens.invalidate(token) }
                logger.warning("LS refused the NWS subscription", metadata: ["rsp_cd": "\(ack.code)"])
                throw LSError.subscriptionRefused(code: ack.code)
            }
        case .success(.other):
            update { $0.otherFrames += 1; $0.lastFrameAt = now }
        case .failure(let kind):
            reject(kind)
        }
    }

    /// Counts a rejected frame; logs the first of each kind, then at most one summary per kind every 10 s.
    /// Raw frames are never logged: ACKs echo the token.
    private func reject(_ kind: LSFrameRejection) {
        let now = ContinuousClock.now
        let report: Int? = inner.withLock { inner in
            inner.status.framesRejected[kind.rawValue, default: 0] += 1
            if let previous = inner.lastLogged[kind], now - previous < .seconds(10) {
                inner.suppressed[kind, default: 0] += 1
                return nil
            }
            inner.lastLogged[kind] = now
            defer { inner.suppressed[kind] = 0 }
            return inner.suppressed[kind, default: 0]
        }
        if let suppressed = report {
            logger.warning("LS frame rejected", metadata: ["kind": "\(kind.rawValue)", "suppressed_since_last": "\(suppressed)"])
        }
    }

    private func record(_ error: any Error) {
        let text = (error as? LSError)?.description ?? String(String(describing: error).prefix(200))
        update { $0.lastError = text }
        logger.info("LS news connection ended", metadata: ["reason": "\(text)"])
    }

    private func update(_ change: (inout LSListenerStatus) -> Void) {
        inner.withLock { change(&$0.status) }
    }

    /// The NWS registration: the bare token, never `Bearer …` (spec §5.2).
    static func subscribeFrame(token: LSToken) -> String {
        return #"{"header":{"token":""# + JSONString.escaped(token.value) + #"","tr_type":"3"},"body":{"tr_cd":"NWS","tr_key":"NWS001"}}"#
    }
}
