import Logging
import ServiceLifecycle

/// The simulated venues on their own (`sokbo simulator`): Kiwoom (REST and realtime), LS (REST and NWS) and
/// DART, with the limits simulate mode runs with, a request log and a control endpoint, so several Sokbo
/// processes (or other tools) can share one paper venue; optionally the fake Telegram Bot API and webhook
/// sink too, so a node's alerts go to another process (as a phone's would), not to one inside it.
public struct StandaloneSimulator: Sendable {
    /// Where and how it runs.
    public struct Configuration: Sendable {
        /// Bind address of every server (loopback by default; the control endpoint has no token).
        public var host = "127.0.0.1"
        /// Control endpoint port (0: free).
        public var controlPort = 0
        /// Kiwoom REST port (0: free).
        public var kiwoomPort = 0
        /// Kiwoom realtime WebSocket port (0: free).
        public var kiwoomRealtimePort = 0
        /// LS REST port (0: free).
        public var lsPort = 0
        /// LS WebSocket port (0: free).
        public var lsWebSocketPort = 0
        /// DART port (0: free).
        public var dartPort = 0
        /// Seed of the market, the headlines and the filings.
        public var seed: UInt64 = 20_260_101
        /// Generated headlines per second while somebody subscribes (simulate mode's default, 0.5).
        public var headlinesPerSecond = 0.5
        /// The simulated account's starting cash, won.
        public var startingCash = 100_000_000
        /// The Kiwoom appkey and secret key accepted (simulate mode's defaults unless set).
        public var kiwoomAppKey = "sokbo-simulator-appkey"
        /// The Kiwoom secret key accepted.
        public var kiwoomSecretKey = "sokbo-simulator-secretkey"
        /// DART keys accepted besides the simulator's default.
        public var dartAPIKeys: Set<String> = []
        /// Serve the fake Telegram Bot API and webhook sink (off by default).
        public var telegram = false
        /// Their port (0: free).
        public var telegramPort = 0
        /// The bot token the fake Bot API accepts (simulate mode's fake token unless set).
        public var telegramToken = TelegramSimulator.simulatedToken

        /// Defaults: loopback, free ports.
        public init() {}
    }

    /// Kiwoom: REST and the realtime socket, rate limits on as in simulate mode.
    public let kiwoom: KiwoomSimulator
    /// LS: token, t3102, the NWS socket.
    public let ls: LSSimulator
    /// Open DART.
    public let dart: DARTSimulator
    /// The fake Telegram Bot API and webhook sink, when `Configuration.telegram`.
    public let telegram: TelegramSimulator?
    /// The control endpoint.
    public let control: SimulatorControl

    /// Builds the venues; nothing listens until `services` run.
    public init(configuration: Configuration, logger: Logger) {
        // One log for both venues: one order of events across them.
        let requestLog = SimulatorRequestLog()
        let ls = LSSimulator(configuration: LSSimulatorConfiguration(
            host: configuration.host, port: configuration.lsPort, webSocketPort: configuration.lsWebSocketPort,
            framesPerSecond: configuration.headlinesPerSecond, seed: configuration.seed), requestLog: requestLog, logger: logger)
        var dartOptions = DARTSimulator.Options()
        dartOptions.host = configuration.host
        dartOptions.port = configuration.dartPort
        dartOptions.seed = configuration.seed
        dartOptions.apiKeys.formUnion(configuration.dartAPIKeys)
        let dart = DARTSimulator(options: dartOptions, logger: logger)
        // The simulator's default limits, as the embedded simulator in simulate mode: per api-id and per
        // category buckets, 429s past them, one token per appkey, one realtime session per appkey.
        let kiwoom = KiwoomSimulator(
            configuration: KiwoomSimulatorConfiguration(appKey: configuration.kiwoomAppKey, secretKey: configuration.kiwoomSecretKey,
                                                        seed: configuration.seed, startingCash: configuration.startingCash),
            host: configuration.host, port: configuration.kiwoomPort, realtimePort: configuration.kiwoomRealtimePort,
            requestLog: requestLog, logger: logger)
        // A headline lifts its stock, as in simulate mode.
        ls.onHeadline { realkey, tickers, tradeable in
            for ticker in tickers { kiwoom.newsImpulse(code: ticker.code, key: realkey, tradeable: tradeable) }
        }
        self.ls = ls
        self.dart = dart
        self.kiwoom = kiwoom
        let telegram = configuration.telegram
            ? TelegramSimulator(token: configuration.telegramToken, host: configuration.host, port: configuration.telegramPort, logger: logger)
            : nil
        self.telegram = telegram
        self.control = SimulatorControl(kiwoom: kiwoom, ls: ls, dart: dart, telegram: telegram, host: configuration.host,
                                        port: configuration.controlPort, logger: logger)
    }

    /// The servers, in start order (the control endpoint last, so it stops first).
    public var services: [any Service] { [ls, kiwoom, dart] + (telegram.map { [$0] } ?? []) + [control] }

    /// Every server's port once all listen.
    public func ports() async throws -> SimulatorPorts { try await control.ports() }

    /// What the venue received.
    public var requestLog: SimulatorRequestLog { kiwoom.requestLog }
}
