import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import SokboCore
import Synchronization

/// Keeps the quote book of a watchlist current from Kiwoom's realtime WebSocket: LOGIN with the REST
/// token, REG `0B`, `0D` and `1h` for the watched codes and `00`/`04` for the account (item `[""]`, §8.4),
/// echo every PING unchanged, apply REAL pushes, and reconnect forever with jittered back-off, registering
/// everything again after each reconnect. While subscribed it also keeps each watched stock's day
/// reference (limits, base price, margin rate, halt state) fresh through the broker, so a headline about a
/// watched stock is sized without any round trip.
///
/// Every pushed item of `00`, `04`, `1h`, `0B` and `0D` is also decoded, one at a time, into the broker's
/// feed (`KiwoomBroker.pushes()`): an unreadable item is counted in `malformedItems` and the rest go on. The
/// stocks the broker is asked to `watch` are registered (and removed) on the live socket at once, beside
/// the configured watchlist, and again after every reconnect.
public final class KiwoomRealtimeService: Service, Sendable {
    /// Settings of the realtime connection.
    public struct Configuration: Sendable {
        /// Where the socket is (`wss://api.kiwoom.com:10000/api/dostk/websocket`); asked before each attempt.
        public var webSocketURL: @Sendable () async throws -> String
        /// The stocks to watch (the broker's `watch` set is added to them). Empty with no `accountTypes`: the service idles.
        public var watchlist: [Ticker]
        /// Realtime types registered for each code (`1h`: VI start and end).
        public var types: [String]
        /// Account types registered with item `[""]` (order events and holdings); empty: no account feed, and
        /// with an empty watchlist the service idles.
        public var accountTypes: [String]
        /// Codes per REG frame (Kiwoom documents no limit; 100 is what public clients use).
        public var itemsPerRegistration: Int
        /// Connect + upgrade + LOGIN must finish within this.
        public var connectTimeout: Duration
        /// No frame at all for this long (PINGs included) → reconnect.
        public var idleTimeout: Duration
        /// Back-off bounds between attempts.
        public var backoffInitial: Duration
        /// The longest back-off.
        public var backoffCap: Duration
        /// How often the watched stocks' day references are re-read over REST (paced by the client's limiter).
        public var referenceRefreshInterval: Duration
        /// How long to stay away after `R10001` (another session took the appkey, §8.3), default 5 minutes.
        /// Reconnecting sooner would evict that session in turn, and the two would take the key from each
        /// other in a loop (§11 client 14); minutes let a person see it in `/api/status` and the logs.
        public var evictionBackoff: Duration

        /// Creates a configuration.
        public init(webSocketURL: @escaping @Sendable () async throws -> String, watchlist: [Ticker], types: [String] = ["0B", "0D", "1h"],
                    accountTypes: [String] = ["00", "04"], itemsPerRegistration: Int = 100, connectTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(150),
                    backoffInitial: Duration = .seconds(1), backoffCap: Duration = .seconds(30),
                    referenceRefreshInterval: Duration = .seconds(540), evictionBackoff: Duration = .seconds(300)) {
            self.webSocketURL = webSocketURL
            self.watchlist = watchlist
            self.types = types
            self.accountTypes = accountTypes
            self.itemsPerRegistration = max(1, itemsPerRegistration)
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
            self.backoffInitial = backoffInitial
            self.backoffCap = backoffCap
            self.referenceRefreshInterval = referenceRefreshInterval
            self.evictionBackoff = evictionBackoff
        }
    }

    /// What the service has done, for `/api/status`.
    public struct Status: Sendable, Codable {
        /// `idle` (empty watchlist), `connecting`, `subscribed`, `backingOff`, `evicted` (staying away after
        /// `R10001` until `evictedUntil`), `stopped`.
        public var state = "connecting"
        /// Stocks watched.
        public var watched = 0
        /// Sockets that reached LOGIN success.
        public var connections = 0
        /// Connections after the first.
        public var reconnects = 0
        /// LOGIN refusals (a token refusal also re-issues the token).
        public var loginRefusals = 0
        /// REG answers with a non-zero `return_code`.
        public var registrationsRefused = 0
        /// PINGs echoed.
        public var pingsEchoed = 0
        /// Frames that could not be read.
        public var malformedFrames = 0
        /// Items of `REAL` frames that could not be read (no `item`, a value that is not a string, …);
        /// the frame's other items were applied.
        public var malformedItems = 0
        /// SYSTEM notices received.
        public var systemNotices = 0
        /// Sessions ended by `R10001`: another connection logged in with the same appkey.
        public var evictions = 0
        /// While evicted: when the service will connect again.
        public var evictedUntil: Date?
        /// Pushed items applied to the quote book.
        public var itemsApplied = 0
        /// Stocks with a usable live quote now.
        public var liveQuotes = 0
        /// Day references refreshed over REST.
        public var referencesRefreshed = 0
        /// The last error, if any.
        public var lastError: String?
        /// When the current connection was subscribed.
        public var subscribedSince: Date?
    }

    /// The live quotes this service feeds (also handed to the broker).
    public let quotes: KiwoomQuoteBook
    private let broker: KiwoomBroker
    private let configuration: Configuration
    private let logger: Logger
    private let inner = Mutex(Inner())

    private struct Inner {
        var status = Status()
        var generation = 0
        var lastFrame = ContinuousClock.now
        /// The text of an `R10001` notice on the current socket; read by the connection loop to choose the
        /// eviction back-off.
        var eviction: String?
        /// The codes registered on the current socket (nil until its LOGIN succeeded).
        var registered: Set<String>?
        /// The account types' REG was sent on this socket and not answered yet: the feed counts as up only
        /// once the venue took it (a fill before that is pushed to nobody).
        var awaitingAccountRegistration = false
    }

    /// Creates the service for a broker whose quote book it feeds.
    public init(broker: KiwoomBroker, configuration: Configuration, logger: Logger) {
        self.broker = broker
        self.quotes = broker.quotes ?? KiwoomQuoteBook()
        self.configuration = configuration
        self.logger = logger
        inner.withLock { $0.status.watched = configuration.watchlist.count }
    }

    /// The current status.
    public func status() -> Status {
        var status = inner.withLock { $0.status }
        let counts = quotes.counts()
        status.itemsApplied = counts.applied
        status.liveQuotes = counts.live ? counts.quotes : 0
        return status
    }

    /// Until graceful shutdown.
    public func run() async throws {
        defer { broker.feed.finish() }
        guard !configuration.watchlist.isEmpty || !configuration.accountTypes.isEmpty else {
            update { $0.state = "idle" }
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.connectionLoop() }
                group.addTask { await self.referenceLoop() }
            }
        }
        quotes.connectionLost()
        update { $0.state = "stopped"; $0.subscribedSince = nil }
    }

    // MARK: - Connection

    private func connectionLoop() async {
        var failures = 0
        while !Task.isCancelled {
            update { $0.state = "connecting" }
            do {
                try await connectOnce()
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                update { $0.lastError = "\(error)" }
                logger.warning("Kiwoom realtime socket failed", metadata: ["error": "\(error)", "attempt": "\(failures)"])
            }
            quotes.connectionLost()
            if let notice = inner.withLock({ s in defer { s.eviction = nil }; return s.eviction }) {
                // Not a clean close: another session holds the appkey. Stay away for minutes, never in a loop.
                let until = Date().addingTimeInterval(configuration.evictionBackoff.seconds)
                update {
                    $0.state = "evicted"
                    $0.subscribedSince = nil
                    $0.evictedUntil = until
                    $0.lastError = "R10001: another session logged in with this appkey (\(notice)); reconnecting after \(until)"
                }
                do { try await Task.sleep(for: configuration.evictionBackoff) } catch { return }
                update { $0.evictedUntil = nil }
                continue
            }
            update { $0.state = "backingOff"; $0.subscribedSince = nil }
            do { try await Task.sleep(for: backoff(attempt: failures)) } catch { return }
        }
    }

    func backoff(attempt: Int) -> Duration {
        Backoff(initial: configuration.backoffInitial, cap: configuration.backoffCap).delay(attempt: attempt)
    }

    private func connectOnce() async throws {
        let client = broker.client.configuration
        let token = try await broker.client.tokens.token()
        let url = try await configuration.webSocketURL()
        // A login evicts any other session of the appkey (`R10001`): with two nodes, only while holding the lease.
        if let why = client.requestGate?("LOGIN") { throw KiwoomRealtimeError("no login: \(why)") }
        var fields = HTTPFields()
        if let node = client.simulatorNodeTag, let name = HTTPField.Name("sokbo-node") { fields[name] = node }
        let headers = fields
        let outcome = await ConnectionAttempt.run(deadline: configuration.connectTimeout) { ready in
            let client = WebSocketClient(
                url: url,
                // Kiwoom's own client connects with protocol pings off: the venue sends PING frames of its own.
                configuration: WebSocketClientConfiguration(maxFrameSize: 1 << 20, additionalHeaders: headers, autoPing: .disabled,
                                                            validateUTF8: false),
                logger: self.logger
            ) { inbound, outbound, _ in
                try await self.session(inbound: inbound, outbound: outbound, token: token, subscribed: ready)
            }
            try await client.run()
        }
        switch outcome {
        case .ended(let error):
            if let error { throw error }
        case .endedBeforeReady(let error):
            throw error ?? KiwoomRealtimeError("the socket closed before LOGIN succeeded")
        case .deadlinePassed:
            throw KiwoomRealtimeError("connect, upgrade and LOGIN did not finish within \(configuration.connectTimeout)")
        case .cancelled:
            return
        }
    }

    private func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, token: String,
                         subscribed: @escaping @Sendable () -> Void) async throws {
        try Task.checkCancellation()
        try await outbound.writeTextMessage(KiwoomRealtimeFrame.loginFrame(token: token))
        inner.withLock { $0.lastFrame = .now; $0.registered = nil }
        let (watchChanges, watchSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        broker.feed.setWatchSignal(watchSignal)
        defer {
            broker.feed.setWatchSignal(nil)
            inner.withLock { $0.registered = nil; $0.awaitingAccountRegistration = false }
            broker.feed.setConnected(false)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.watchdog() }
            group.addTask {
                // The engine's watch set changed: REG/REMOVE the difference on this socket (once LOGIN succeeded).
                for await _ in watchChanges { try await self.syncWatch(outbound) }
                // The signal ends only when the session does (or another replaced it): wait to be cancelled, as a
                // task of this group returning would end the session.
                try await Task.sleep(for: .seconds(86_400 * 365))
            }
            group.addTask {
                defer { self.quotes.connectionLost() }
                // Raw frames (as the LS listener reads them): their iterator ends on cancellation, so a
                // cancelled session (shutdown, idle deadline) never waits on a silent peer.
                var iterator = inbound.makeAsyncIterator()
                var pending = ByteBuffer()
                while let frame = try await iterator.next() {
                    if frame.opcode != .continuation { pending.clear() }
                    guard frame.opcode == .text || frame.opcode == .continuation else { continue }
                    var data = frame.data
                    pending.writeBuffer(&data)
                    if pending.readableBytes > 1 << 20 { throw KiwoomRealtimeError("a realtime message above 1 MiB") }
                    guard frame.fin else { continue }
                    let readAt = ContinuousClock.now
                    let text = String(buffer: pending)
                    pending.clear()
                    try await self.handle(text, readAt: readAt, outbound: outbound, token: token, subscribed: subscribed)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func handle(_ text: String, readAt: ContinuousClock.Instant, outbound: WebSocketOutboundWriter, token: String,
                        subscribed: @Sendable () -> Void) async throws {
        inner.withLock { $0.lastFrame = .now }
        let frame: KiwoomRealtimeFrame
        do {
            frame = try KiwoomRealtimeFrame.parse(text)
        } catch {
            update { $0.malformedFrames += 1 }
            return
        }
        switch frame {
        case .real(let items, let skipped):
            quotes.apply(items)
            var malformed = skipped
            let now = Date()
            for item in items {
                switch KiwoomPushDecoder.decode(item, lastPrice: quotes.lastPrice, now: now) {
                case .push(.quote(var tick)):
                    tick.received = readAt
                    broker.feed.publish(.quote(tick))
                case .push(let push): broker.feed.publish(push)
                case .ignored: break
                case .malformed(let reason):
                    malformed += 1
                    logger.debug("unreadable realtime item", metadata: ["type": "\(item.type)", "reason": "\(reason)"])
                }
            }
            if malformed > 0 {
                update { $0.malformedItems += malformed }
                logger.debug("skipped unreadable realtime items", metadata: ["count": "\(malformed)"])
            }
        case .ping(let raw):
            // Sent back unchanged, as the venue requires.
            try await outbound.writeTextMessage(raw)
            update { $0.pingsEchoed += 1 }
        case .login(let code, let message):
            guard code == 0 else {
                update { $0.loginRefusals += 1 }
                if KiwoomRealtimeFrame.loginNeedsNewToken(message) {
                    let refusal = ["8005", "8031", "8103"].first { message.contains($0) }
                    await broker.client.tokens.refused(token, apiID: "LOGIN", code: refusal, message: message)
                }
                throw KiwoomRealtimeError("LOGIN refused: [\(code)] \(message)")
            }
            // Live from now on: pushes after REG are applied; nothing from an earlier socket survives.
            quotes.connectionOpened()
            let codes = watchedCodes()
            inner.withLock { $0.registered = Set(codes) }
            // The account types ride in the first REG (item [""]: they need no stock, §8.4), then the stocks.
            var account: [(items: [String], types: [String])] = configuration.accountTypes.isEmpty ? [] : [([""], configuration.accountTypes)]
            for start in stride(from: 0, to: codes.count, by: configuration.itemsPerRegistration) {
                let chunk = Array(codes[start..<min(start + configuration.itemsPerRegistration, codes.count)])
                try await outbound.writeTextMessage(KiwoomRealtimeFrame.registerFrame(group: "1", entries: account + [(items: chunk, types: configuration.types)]))
                account = []
            }
            if !account.isEmpty { try await outbound.writeTextMessage(KiwoomRealtimeFrame.registerFrame(group: "1", entries: account)) }
            if !configuration.accountTypes.isEmpty { inner.withLock { $0.awaitingAccountRegistration = true } }
            update {
                $0.connections += 1
                $0.reconnects = $0.connections - 1
                $0.state = "subscribed"
                $0.subscribedSince = Date()
            }
            inner.withLock { $0.generation += 1 }
            subscribed()
        case .registration(let trnm, let code, let message):
            // Answers come in the order sent, and the account types ride in the first REG.
            let accountRegistration = trnm == "REG" && inner.withLock { state in
                defer { state.awaitingAccountRegistration = false }
                return state.awaitingAccountRegistration
            }
            if accountRegistration, code == 0 { broker.feed.setConnected(true) }
            if code != 0 {
                update { $0.registrationsRefused += 1 }
                logger.warning("Kiwoom refused a realtime registration", metadata: ["trnm": "\(trnm)", "return_code": "\(code)", "message": "\(message)"])
            }
        case .system(let code, let message):
            update { $0.systemNotices += 1 }
            guard code == "R10001" else {
                logger.notice("Kiwoom realtime notice", metadata: ["code": "\(code)", "message": "\(message)"])
                return
            }
            inner.withLock { $0.eviction = message }
            update { $0.evictions += 1 }
            logger.error("Kiwoom realtime session taken over by another connection with the same appkey; staying away",
                         metadata: ["code": "\(code)", "message": "\(message)", "backoff": "\(configuration.evictionBackoff)"])
            throw KiwoomRealtimeError("R10001: another session took the appkey")
        case .other:
            break
        }
    }

    /// The configured watchlist and the broker's watch set, in that order, without repeats.
    private func watchedCodes() -> [String] {
        var seen = Set<String>()
        return (configuration.watchlist + broker.feed.watched.sorted { $0.code < $1.code }).map(\.code).filter { seen.insert($0).inserted }
    }

    /// Registers what is newly watched and removes what no longer is, on the live socket.
    private func syncWatch(_ outbound: WebSocketOutboundWriter) async throws {
        let desired = watchedCodes()
        guard let (added, removed) = inner.withLock({ s -> ([String], [String])? in
            guard let registered = s.registered else { return nil }
            s.registered = Set(desired)
            return (desired.filter { !registered.contains($0) }, registered.subtracting(desired).sorted())
        }) else { return }
        for start in stride(from: 0, to: added.count, by: configuration.itemsPerRegistration) {
            let chunk = Array(added[start..<min(start + configuration.itemsPerRegistration, added.count)])
            try await outbound.writeTextMessage(KiwoomRealtimeFrame.registerFrame(group: "1", items: chunk, types: configuration.types))
        }
        if !removed.isEmpty {
            try await outbound.writeTextMessage(KiwoomRealtimeFrame.removeFrame(group: "1", items: removed, types: configuration.types))
        }
    }

    private func watchdog() async throws {
        let step = min(configuration.idleTimeout / 4, .seconds(1))
        while true {
            try await Task.sleep(for: step)
            if inner.withLock({ $0.lastFrame.duration(to: .now) }) > configuration.idleTimeout {
                throw KiwoomRealtimeError("no frame for \(configuration.idleTimeout)")
            }
        }
    }

    // MARK: - Day references

    /// After each new subscription and then every `referenceRefreshInterval`, re-reads each watched stock
    /// over REST (paced by the client's limiter, one stock at a time): the day reference, and the quote's
    /// seed for stocks that have not moved since the subscription. At Kiwoom's 5 queries/s a stock costs
    /// about 0.8 s (four queries), so a 100-stock watchlist is covered in under two minutes.
    private func referenceLoop() async {
        var refreshedGeneration = 0
        var last = ContinuousClock.now
        // A pass with a failed refresh (a timeout, a refused slot on a busy moment) is retried after the
        // reconnect back-off, doubling, rather than at the next interval: that stock would otherwise go without
        // its reference for nine minutes. Stocks refreshed meanwhile are skipped as young.
        var failedPasses = 0
        var retryAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let (generation, subscribed) = inner.withLock { ($0.generation, $0.status.state == "subscribed") }
            let retryDue = retryAt.map { ContinuousClock.now >= $0 } ?? false
            if subscribed, generation != refreshedGeneration || retryDue || last.duration(to: .now) >= configuration.referenceRefreshInterval {
                refreshedGeneration = generation
                last = .now
                retryAt = nil
                var failed = false
                for ticker in configuration.watchlist {
                    if Task.isCancelled { return }
                    // A young reference with a usable live quote needs nothing: the query budget (5/s at the
                    // venue) is shared with the orders of stocks that are not watched.
                    if let age = broker.referenceAge(ticker), age < configuration.referenceRefreshInterval / 2, quotes.quote(ticker) != nil {
                        continue
                    }
                    do {
                        // Upkeep: the trading path's queries and HTTP lookups go first.
                        try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .background)) {
                            try await broker.refreshReference(ticker)
                        }
                        update { $0.referencesRefreshed += 1 }
                    } catch {
                        failed = true
                        logger.debug("reference refresh failed", metadata: ["ticker": "\(ticker)", "error": "\(error)"])
                    }
                }
                failedPasses = failed ? failedPasses + 1 : 0
                if failed { retryAt = .now + backoff(attempt: failedPasses) }
            }
            do { try await Task.sleep(for: .milliseconds(250)) } catch { return }
        }
    }

    private func update(_ body: (inout Status) -> Void) {
        inner.withLock { body(&$0.status) }
    }
}

/// A realtime-socket failure (the service logs it and reconnects).
public struct KiwoomRealtimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
