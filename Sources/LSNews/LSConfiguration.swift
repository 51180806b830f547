import Foundation
/// Everything the LS adapter needs, from plain values (the app maps the `ls` configuration scope onto it).
public struct LSConfiguration: Sendable, CustomStringConvertible {
    /// REST base URL, e.g. `https://openapi.ls-sec.co.kr:8080` (token and t3102).
    public var baseURL: String
    /// WebSocket URL, e.g. `wss://openapi.ls-sec.co.kr:9443/websocket`.
    public var webSocketURL: String
    /// The app key (secret: never logged).
    public var appKey: String
    /// The app secret (secret: never logged).
    public var appSecret: String
    /// Deadline for TCP connect + TLS + WebSocket upgrade; the client library has none of its own.
    public var connectTimeout: Duration
    /// WebSocket protocol ping period, and how long a ping may go unanswered before the socket is presumed
    /// dead and replaced (the WebSocket library's auto-ping closes it). The only liveness test: news can be
    /// silent for minutes and that is not a failure (spec §5.7, §8). LS documents no application ping.
    public var pingInterval: Duration
    /// First reconnect delay bound; doubled per failed attempt, with full jitter.
    public var backoffInitial: Duration
    /// Upper bound of the reconnect delay.
    public var backoffCap: Duration
    /// Renew the token this long before it expires (and reconnect with it).
    public var tokenRefreshMargin: Duration
    /// Realkeys remembered for deduplication.
    public var dedupeCapacity: Int
    /// Messages larger than this are dropped unread and counted as `oversized`.
    public var maxMessageBytes: Int
    /// Minimum spacing of t3102 calls (LS allows 1/s per appkey).
    public var t3102Interval: Duration
    /// How long a t3102 request may wait in the pacing queue before it is refused with 429.
    public var t3102MaxQueueWait: Duration
    /// REST request timeout.
    public var requestTimeout: Duration
    /// Extra trusted CA certificates (PEM) for https/wss, e.g. the simulator's test CA.
    public var trustedCAPEM: String?
    /// TLS server name to verify and send as SNI when the URL host is an IP address.
    public var tlsServerName: String?
    /// How long closing the socket may take on shutdown.
    public var closeTimeout: Duration
    /// When set, asked for the REST base and WebSocket URLs at each use instead of the fixed ones: the
    /// built-in simulator binds a free port only once it runs. Must keep the configured schemes.
    public var resolveEndpoints: (@Sendable () async throws -> (baseURL: String, webSocketURL: String))?
    /// The wall clock for token expiry and renewal (the system clock; tests put the listener at 06:55 KST).
    public var now: @Sendable () -> Date

    /// Creates a configuration; unspecified values are the live defaults.
    public init(
        baseURL: String, webSocketURL: String, appKey: String, appSecret: String,
        connectTimeout: Duration = .seconds(10), pingInterval: Duration = .seconds(20), backoffInitial: Duration = .seconds(1),
        backoffCap: Duration = .seconds(30), tokenRefreshMargin: Duration = .seconds(300),
        dedupeCapacity: Int = 100_000, maxMessageBytes: Int = 64 * 1024,
        t3102Interval: Duration = .milliseconds(1050), t3102MaxQueueWait: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10), trustedCAPEM: String? = nil, tlsServerName: String? = nil,
        closeTimeout: Duration = .milliseconds(500)
    ) {
        self.baseURL = baseURL
        self.webSocketURL = webSocketURL
        self.appKey = appKey
        self.appSecret = appSecret
        self.connectTimeout = connectTimeout
        self.pingInterval = pingInterval
        self.backoffInitial = backoffInitial
        self.backoffCap = backoffCap
        self.tokenRefreshMargin = tokenRefreshMargin
        self.dedupeCapacity = dedupeCapacity
        self.maxMessageBytes = maxMessageBytes
        self.t3102Interval = t3102Interval
        self.t3102MaxQueueWait = t3102MaxQueueWait
        self.requestTimeout = requestTimeout
        self.trustedCAPEM = trustedCAPEM
        self.tlsServerName = tlsServerName
        self.closeTimeout = closeTimeout
        self.resolveEndpoints = nil
        self.now = { Date() }
    }

    /// The REST base and WebSocket URLs to use now.
    func endpoints() async throws -> (baseURL: String, webSocketURL: String) {
        try await resolveEndpoints?() ?? (baseURL, webSocketURL)
    }

    /// Default hosts per run mode: `live` → the real hosts, `mock` → the paper-trading WebSocket port,
    /// `simulate` → the built-in simulator's default loopback ports (the app overrides them with the bound ones).
    ///
    /// Why pings every 20 s: the period of the clients the spec cites (T32, the `ls-sec` library; spec §5.7);
    /// a dead path is noticed within two periods, while a quiet feed (NWS is silent for 90 s and more,
    /// spec §5.4) keeps its socket.
    public static func defaults(for mode: String) -> LSConfiguration {
        switch mode {
        case "live":
            LSConfiguration(baseURL: "https://openapi.ls-sec.co.kr:8080",
                            webSocketURL: "wss://openapi.ls-sec.co.kr:9443/websocket", appKey: "", appSecret: "")
        case "mock":
            LSConfiguration(baseURL: "https://openapi.ls-sec.co.kr:8080",
                            webSocketURL: "wss://openapi.ls-sec.co.kr:29443/websocket", appKey: "", appSecret: "")
        default:
            LSConfiguration(baseURL: "http://127.0.0.1:18080", webSocketURL: "ws://127.0.0.1:19443/websocket",
                            appKey: "PSsimulatorappkey000000000000000000", appSecret: "simulatorsecret0000000000000000000000")
        }
    }

    /// Hosts and timings only; the key and secret are redacted.
    public var description: String {
        "LSConfiguration(baseURL: \(baseURL), webSocketURL: \(webSocketURL), appKey: <redacted>, appSecret: <redacted>)"
    }
}
