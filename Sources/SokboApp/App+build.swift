import Alerts
import Configuration
import DART
import Foundation
import Kiwoom
import LSNews
import Simulator
import Trading
import Hummingbird
import Logging
import Replay
import ServiceLifecycle
import SokboAPI
import SokboCore
import Storage

/// The running pieces of one Sokbo process, for the executable and for tests.
public struct Sokbo: Sendable {
    /// The HTTP application with every service attached; run it, or test it with HummingbirdTesting.
    public let application: Application<RouterResponder<SokboRequestContext>>
    /// Validated settings.
    public let settings: AppSettings
    /// The row buffer every writer appends to.
    public let buffer: RowBuffer
    /// The store.
    public let store: any Store
    /// The flush service.
    public let flusher: FlushService
    /// Service states.
    public let monitor: ServiceMonitor
    /// The bearer token in force.
    public let apiToken: String
    /// Live events (news, signals, orders, connection changes).
    public let events: EventHub
    /// The trading engine.
    public let engine: TradingEngine
    /// The built-in simulator's venues (simulate mode only), for tests and demos.
    public let simulated: SimulatedVenues?
    /// The Kiwoom realtime feed (always on: the account's fills, the positions' and the watchlist's quotes).
    public let kiwoomRealtime: KiwoomRealtimeService?
    /// Alerts and remote control (when a Telegram bot or a webhook is configured).
    public let alerts: AlertService?
    /// The broker the engine trades through (the candle recorder for replays reads it too); with
    /// `SOKBO_HA=on`, gated by the lease.
    public let broker: any Broker
    /// This node's part in active/standby (`SOKBO_HA=on`), nil on a single node.
    public let ha: HANode?
    /// The router's routes as `METHOD /path/{param}` (the OpenAPI document is checked against them).
    public let routes: [String]
    let port: SetOnce<Int>

    /// The port the HTTP server bound (useful with port 0); waits until the server is listening
    /// (`CancellationError` if the caller is cancelled first).
    public func boundPort() async throws -> Int { try await port.wait() }
}

/// Builds the whole process from one configuration reader: what `sokbo serve` runs and what tests build.
///
/// Service order encodes dependencies; graceful shutdown runs in reverse: the HTTP server stops
/// accepting first, then the news listener, then the final flush, and the store closes last.
public func buildApplication(reader: ConfigReader, logger baseLogger: Logger? = nil) async throws -> Sokbo {
    let processSettings = try ProcessSettings(reader: reader)
    let settings = processSettings.app
    var venues = processSettings.venues
    let trading = processSettings.trading
    var alertSettings = processSettings.alerts
    let haSettings = processSettings.ha
    var logger = baseLogger ?? Logger(label: "sokbo")
    if baseLogger == nil, let level = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) {
        logger.logLevel = level
    }
    let apiToken = try APIToken.resolve(configured: settings.apiToken, dataDirectory: settings.dataDirectory, logger: logger)
    let store: any Store
    do {
        store = try await settings.database.openStore(logger: logger)
    } catch let error as DatabaseURLError {
        throw SettingsError(key: "sokbo.database.url", message: error.description)
    }
    let buffer = RowBuffer(capacity: settings.bufferCapacity)
    let spill = try await SpillFile(path: settings.spillPath)
    let rejected = try await SpillFile(path: settings.rejectedRowsPath)
    let metrics = SokboMetrics()
    let flusher = FlushService(buffer: buffer, store: store, spill: spill, rejected: rejected, interval: settings.flushInterval,
                               logger: logger, observer: { metrics.recordFlush($0) })
    let monitor = ServiceMonitor()
    let events = EventHub()
    let startedAt = Date()
    let eventLoopLag = LastLag()

    var named: [(String, any Service)] = [
        ("store", StoreService(store: store, logger: logger)),
        ("flush", flusher),
        ("event-loop-probe", EventLoopLagProbe(registry: metrics.registry, last: eventLoopLag)),
    ]
    // Active/standby: the lease runs beside the store (it stops after every venue service at shutdown,
    // then releases the lease); venue services wait for it to be won.
    let haNode = try await makeHANode(haSettings, database: settings.database,
                                      barrierWait: venues.kiwoom.orderTimeout + .seconds(1), logger: logger)
    if let haNode {
        named.append(("ha", haNode))
    }
    /// A venue service: on a standby it waits until this node is active.
    func venueService(_ service: any Service) -> any Service {
        haNode.map { ActiveOnlyService(inner: service, node: $0) } ?? service
    }

    // The simulator's venues come before their clients, so they stop after them.
    var dartReady: @Sendable () async throws -> String? = { nil }
    var simulated: SimulatedVenues?
    var simulatorRealtimeURL: (@Sendable () async throws -> String)?
    if let simulatorSettings = venues.simulator {
        var embedded: (LSSimulator, KiwoomSimulator, DARTSimulator)?
        if let external = simulatorSettings.externalURL {
            // A standalone simulator (`sokbo simulator`) shared with other nodes: its ports come from its
            // control endpoint when the clients first connect.
            let venue = ExternalSimulator(controlURL: external)
            venues.ls.resolveEndpoints = { () async throws -> (baseURL: String, webSocketURL: String) in
                let urls = try await venue.urls()
                return (urls.ls, urls.lsWebSocket)
            }
            venues.kiwoom.resolveBaseURL = { try await venue.urls().kiwoom }
            // DART asks once, at start: it waits for the simulator rather than stopping the node.
            dartReady = { try await venue.urls(patience: nil).dart }
            simulatorRealtimeURL = { try await venue.urls().kiwoomRealtime }
        } else {
            let lsSimulator = LSSimulator(configuration: LSSimulatorConfiguration(
                port: 0, framesPerSecond: simulatorSettings.newsPerSecond, seed: simulatorSettings.seed), logger: logger)
            var dartOptions = DARTSimulator.Options()
            dartOptions.port = 0
            dartOptions.seed = simulatorSettings.seed
            // The simulated venues accept the configured keys, so a test can prove no key reaches the logs.
            dartOptions.apiKeys = [venues.dart.apiKey]
            let dartSimulator = DARTSimulator(options: dartOptions, logger: logger)
            // The live venue's rate limits stay on (the simulator's defaults): paper trading shows what the
            // pacing costs, instead of hiding it.
            let kiwoomSimulator = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(
                appKey: venues.kiwoom.appKey, secretKey: venues.kiwoom.secretKey, seed: simulatorSettings.seed,
                tokenLifetime: simulatorSettings.kiwoomTokenLifetime, startingCash: simulatorSettings.startingCash),
                                                  port: 0, logger: logger)
            // A simulated headline lifts its stock in the simulated market, then the move decays (the news impulse).
            lsSimulator.onHeadline { realkey, tickers, tradeable in
                for ticker in tickers { kiwoomSimulator.newsImpulse(code: ticker.code, key: realkey, tradeable: tradeable) }
            }
            named.append(("simulator-ls", lsSimulator))
            named.append(("simulator-kiwoom", kiwoomSimulator))
            named.append(("simulator-dart", dartSimulator))
            // The clients ask for the simulator's URLs when they first connect; that waits until it listens.
            venues.ls.resolveEndpoints = { () async throws -> (baseURL: String, webSocketURL: String) in
                (try await lsSimulator.baseURL(), try await lsSimulator.webSocketURL())
            }
            venues.kiwoom.resolveBaseURL = { try await kiwoomSimulator.baseURL() }
            dartReady = { "http://127.0.0.1:\(try await dartSimulator.waitUntilListening())/api/" }
            simulatorRealtimeURL = { try await kiwoomSimulator.realtimeURL() }
            embedded = (lsSimulator, kiwoomSimulator, dartSimulator)
        }
        var telegramSimulator: TelegramSimulator?
        if alertSettings.simulator {
            // The fake Bot API and webhook sink, so simulate mode shows alerts end to end.
            let fake = TelegramSimulator(token: alertSettings.simulatorToken, logger: logger)
            named.append(("simulator-telegram", fake))
            alertSettings.configuration.telegram?.baseURL = { try await fake.baseURL() }
            if alertSettings.configuration.webhooks.isEmpty {
                alertSettings.configuration.webhooks = [.init(url: { try await fake.webhookURL("sokbo") }, host: "127.0.0.1",
                                                              format: alertSettings.webhookFormat)]
            }
            telegramSimulator = fake
        }
        if let embedded {
            simulated = SimulatedVenues(ls: embedded.0, kiwoom: embedded.1, dart: embedded.2, telegram: telegramSimulator)
        }
    }

    // The realtime feed runs whenever trading does: the account's `00`/`04` pushes are how fills and
    // balances arrive (the engine falls back to paced REST polls only while the socket is down), and the
    // positions' stocks join it through the broker's watch set. With a watchlist it also keeps those
    // stocks' books live, and the broker sizes their orders without a round trip; every other stock
    // still gets the concurrent REST snapshot.
    // Only the simulator reads `sokbo-node` (its request log): kiwoom-rest.md §2.2 lists the headers the venue
    // takes and nothing says it ignores others, so a real venue is never sent one.
    if settings.mode == .simulate, haSettings.enabled || haSettings.nodeNameConfigured {
        venues.kiwoom.simulatorNodeTag = haSettings.nodeName
    }
    let freeze = haSettings.faultPauseAfterFence.map { ProcessFreeze(duration: $0, logger: logger) }
    if haNode != nil || freeze != nil {
        // Every Kiwoom request, whichever service makes it, is checked against the lease after its pacing wait.
        let gateLogger = logger
        venues.kiwoom.requestGate = { apiID in
            if let freeze, apiID == "kt10000" || apiID == "kt10001" { freeze.freeze() }
            guard let haNode, !haNode.maySend() else { return nil }
            let why = haNode.standbyAnswer() ?? "this node's lease deadline has passed"
            gateLogger.error("venue request refused unsent: this node may not act", metadata: ["api-id": "\(apiID)", "why": "\(why)"])
            return why
        }
    }
    let quotes = KiwoomQuoteBook()
    let kiwoomBroker = KiwoomBroker(client: KiwoomClient(configuration: venues.kiwoom, logger: logger), quotes: quotes, logger: logger)
    // With two nodes every venue request goes through the lease: a standby makes none.
    let broker: any Broker = haNode.map { LeaseGatedBroker(kiwoomBroker, node: $0) } ?? kiwoomBroker
    let configuredURL = venues.kiwoomRealtime.webSocketURL
    let realtimeService = KiwoomRealtimeService(
        broker: kiwoomBroker,
        configuration: .init(webSocketURL: simulatorRealtimeURL ?? { configuredURL }, watchlist: venues.kiwoomRealtime.watchlist,
                             evictionBackoff: venues.kiwoomRealtime.evictionBackoff),
        logger: logger)
    named.append(("kiwoom-realtime", venueService(realtimeService)))
    let realtime = realtimeService
    // DART before the engine: its index confirms rules' disclosure patterns, and its corp-code map (once
    // loaded) names the stock of a headline whose frame has no code or several.
    let disclosureIndex = DisclosureIndex()
    let dart = DARTService(configuration: venues.dart, dataDirectory: settings.dataDirectory,
                           consumers: [disclosureIndex, DisclosurePipeline(buffer: buffer, events: events)], hours: nil,
                           ready: dartReady, logger: logger)
    var calendar = trading.calendar
    if trading.alwaysOpen {
        calendar.entryStart = 0
        calendar.entryEnd = 86_400
        calendar.holidays = []
    }
    let engine = TradingEngine(
        settings: .init(limits: trading.limits, calendar: calendar, startHalted: trading.startHalted, entryDeadline: trading.entryDeadline,
                        costs: trading.costs, flattenAtSecondsKST: trading.flattenAtSecondsKST, dailyLossLimit: trading.dailyLossLimit,
                        maxOpenPositions: trading.maxOpenPositions),
        rules: trading.rules, broker: broker, store: store, records: buffer,
        journal: try FileOrderJournal(path: settings.orderJournalPath), events: events, logger: logger,
        disclosures: disclosureIndex, tickers: TickerResolver(names: dart), fence: haNode)
    if trading.alwaysOpen, !settings.mode.isPaper {
        logger.warning("SOKBO_TRADING_HOURS=always: entries are allowed at any hour, holidays included")
    }
    let (inbox, inboxContinuation) = AsyncStream<NewsItem>.makeStream()
    let news = NewsPipeline(records: buffer, events: events, engineInbox: inboxContinuation)
    let listener = try LSNewsListener(configuration: venues.ls, consumer: news, logger: logger)
    named.append(("dart", venueService(dart)))
    // The engine before the listener: at shutdown the listener stops first, then the engine lets
    // orders in flight record their outcome.
    named.append(("engine", venueService(EngineService(engine: engine, inbox: inbox, logger: logger))))
    named.append(("news-listener", venueService(listener)))
    if haNode != nil {
        // With two nodes an order another node sent after losing the lease can reach the account: audited.
        named.append(("foreign-order-audit", venueService(ForeignOrderAudit(engine: engine, interval: .seconds(60), logger: logger))))
    }

    // Alerts last: at shutdown they stop first (what is still queued is logged), never holding up trading.
    var alertService: AlertService?
    if alertSettings.configuration.isEnabled {
        let flusherForHealth = flusher
        let service = AlertService(
            configuration: alertSettings.configuration, hub: events,
            control: EngineAlertControl(engine: engine, store: store, mode: settings.mode.rawValue, news: { await listener.status() }),
            health: {
                let news = await listener.status()
                let flush = await flusherForHealth.status()
                let poller = await dart.status().poller
                let feed = realtime.status()
                let rest = await kiwoomBroker.client.status()
                let refusal = rest.token.lastRefusal.map { "\($0.apiID) [\($0.code ?? "?")] \($0.message)" }
                return VenueHealth(
                    newsConnected: news.state == .connected, tokenRefusals: news.subscriptionsRefused + feed.loginRefusals,
                    kiwoomEvictions: feed.evictions, kiwoomEvicted: feed.state == "evicted",
                    dartBudgetExhausted: poller?.state == "budget_spent", databaseFailing: flush.consecutiveFailures > 0,
                    databaseError: flush.lastError?.error, rowsSetAside: flush.rejectedRows + (poller?.rejectedRows ?? 0),
                    brokerTokenRefusals: rest.token.refusals, brokerTokenLastRefusal: refusal,
                    brokerTokenIssueFailure: rest.token.state == .failing ? rest.token.lastIssueFailure?.error ?? "au10001 failed" : nil,
                    pacing: rest.buckets.map {
                        BrokerPacingBucket(name: $0.bucket, exhausted: $0.isExhausted, queued: $0.queued, refusedUnsent: $0.refused,
                                           rateLimited: $0.rateLimited)
                    })
            },
            logger: logger, redact: { SecretRedactor.shared.redact($0) })
        // Active only with two nodes: one Telegram bot has one `getUpdates` reader, and a standby's venue health
        // (no news socket, by design) is no alarm.
        named.append(("alerts", venueService(service)))
        alertService = service
    }
    let alerts = alertService

    let services: [any Service] = named.map { MonitoredService($0.0, $0.1, monitor: monitor, logger: logger) }
    for (name, _) in named { await monitor.set(name, .starting) }

    let status: @Sendable () async -> any Encodable & Sendable = {
        StatusReport(
            mode: settings.mode.rawValue,
            startedAt: startedAt,
            uptimeSeconds: Date().timeIntervalSince(startedAt),
            services: await monitor.snapshot().mapValues(\.rawValue),
            buffer: await buffer.stats(),
            flush: await flusher.status(),
            database: .init(kind: store.kind, url: settings.database.description),
            news: await listener.status(),
            engine: await engine.status(),
            dart: await dart.status(),
            kiwoomRealtime: realtime.status(),
            eventLoopLagSeconds: eventLoopLag.seconds,
            tokens: .init(lsRenewsAt: await listener.tokens.renewalDue(), lsIssued: await listener.tokens.issuedCount,
                          kiwoomIssued: await kiwoomBroker.client.tokens.issuances),
            kiwoomRest: await kiwoomBroker.client.status(),
            alerts: alerts?.status(),
            ha: haNode?.status()
        )
    }
    // Replays keep the venue's hours, as `sokbo replay` does: `always` (simulate's default) would trade at midnight.
    let replaySettings = (try? TradingSettings(reader: reader, mode: .mock)) ?? trading
    var replayBase = ReplayConfiguration(rules: replaySettings.rules, limits: replaySettings.limits, calendar: replaySettings.calendar,
                                         costs: replaySettings.costs, dailyLossLimit: replaySettings.dailyLossLimit,
                                         maxOpenPositions: replaySettings.maxOpenPositions)
    // A recorded day's missing candles are fetched through the broker (the simulator in simulate mode), paced
    // behind trading and lookups, and stored.
    replayBase.fetchMissing = CandleFetcher(broker: broker, store: store)
    let replays = ReplayJobs(base: replayBase, store: store)
    var dependencies = APIDependencies(
        apiToken: apiToken, status: status, flush: { await flusher.flush() }, store: store, events: events,
        newsBodies: listener.newsBodies, broker: broker, engine: engine,
        metrics: metrics.registry,
        renderMetrics: {
            await metrics.render(buffer: await buffer.stats(), flush: await flusher.status(), news: await listener.status(),
                                 engine: await engine.status(), ha: haNode?.status())
        })
    dependencies.replays = replays
    if let haNode { dependencies.standby = { haNode.standbyAnswer() } }
    let router = buildRouter(dependencies)
    let port = SetOnce<Int>()
    let application = Application(
        router: router,
        configuration: .init(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: "sokbo"),
        services: services,
        onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    logger.info("sokbo configured", metadata: [
        "mode": "\(settings.mode.rawValue)", "http": "\(settings.httpHost):\(settings.httpPort)",
        "database": "\(settings.database)", "flush_ms": "\(Int(settings.flushInterval.milliseconds))",
    ])
    return Sokbo(application: application, settings: settings, buffer: buffer, store: store, flusher: flusher,
                 monitor: monitor, apiToken: apiToken, events: events, engine: engine, simulated: simulated, kiwoomRealtime: realtime,
                 alerts: alerts, broker: broker, ha: haNode,
                 routes: router.routes.map(\.description), port: port)
}

/// The built-in simulator's venues, running inside the process in `simulate` mode.
public struct SimulatedVenues: Sendable {
    /// LS news (token, NWS WebSocket, t3102).
    public let ls: LSSimulator
    /// The Kiwoom broker.
    public let kiwoom: KiwoomSimulator
    /// DART.
    public let dart: DARTSimulator
    /// The Telegram Bot API and webhook sink (with `SOKBO_ALERTS_SIMULATOR=on`).
    public let telegram: TelegramSimulator?
}

/// The `/api/status` document.
struct StatusReport: Encodable, Sendable {
    struct Database: Encodable, Sendable {
        let kind: String
        let url: String
    }
    let mode: String
    let startedAt: Date
    let uptimeSeconds: Double
    let services: [String: String]
    let buffer: RowBuffer.Stats
    let flush: FlushService.Status
    let database: Database
    let news: LSListenerStatus
    let engine: EngineStatus
    let dart: DARTStatusReport
    let kiwoomRealtime: KiwoomRealtimeService.Status?
    /// The last event-loop lag measured (max over the server's loops), nil before the first probe.
    let eventLoopLagSeconds: Double?
    /// The venues' access tokens, as far as their providers tell.
    let tokens: Tokens

    /// What `/api/status` says about the venues' access tokens.
    struct Tokens: Encodable, Sendable {
        /// When the LS token held is replaced (a margin before its 07:00 KST expiry); nil while none is held.
        let lsRenewsAt: Date?
        /// LS tokens issued since start.
        let lsIssued: Int
        /// Kiwoom tokens issued since start (`au10001`).
        let kiwoomIssued: Int
    }

    /// The Kiwoom REST client: its token's times and its pacing budgets.
    let kiwoomRest: KiwoomRESTStatus

    /// The alerts' state, when alerts run.
    let alerts: AlertsStatus?
    /// Active/standby (`SOKBO_HA=on`): role, epoch, lease age, last takeover; absent on a single node.
    let ha: HANode.Status?
}

/// The HA node when `SOKBO_HA=on` (settings already checked that the database is MySQL).
private func makeHANode(_ settings: HASettings, database: DatabaseURL, barrierWait: Duration, logger: Logger) async throws -> HANode? {
    guard settings.enabled, case .mysql(let mysql) = database else { return nil }
    #if MySQL
    let store = try MySQLLeaseStore.open(settings: mysql, logger: logger)
    logger.info("active/standby on", metadata: ["node": "\(settings.nodeName)", "lease_ms": "\(Int(settings.timings.lease.milliseconds))"])
    return HANode(nodeName: settings.nodeName, store: store, timings: settings.timings, barrierWait: barrierWait, logger: logger)
    #else
    _ = mysql
    throw SettingsError(key: "sokbo.ha", message: "this build has no MySQL support; build with `--traits MySQL`")
    #endif
}
