import Foundation

/// Where a standalone simulator listens: the line `sokbo simulator` prints on stdout once every server is
/// bound, and the `ports` of the control endpoint's `GET /status`.
public struct SimulatorPorts: Codable, Sendable, Equatable {
    /// The bind address.
    public var host: String
    /// The control endpoint (HTTP).
    public var control: Int
    /// Kiwoom REST.
    public var kiwoom: Int
    /// Kiwoom's realtime WebSocket (`/api/dostk/websocket`).
    public var kiwoomRealtime: Int
    /// LS REST (token, t3102).
    public var ls: Int
    /// LS's WebSocket (`/websocket`, NWS).
    public var lsWebSocket: Int
    /// Open DART (`/api/`).
    public var dart: Int
    /// The fake Telegram Bot API and webhook sink (`/bot<token>/…`, `/hooks/<name>`), when served.
    public var telegram: Int?

    /// Creates the set of ports.
    public init(host: String, control: Int, kiwoom: Int, kiwoomRealtime: Int, ls: Int, lsWebSocket: Int, dart: Int, telegram: Int? = nil) {
        self.host = host
        self.control = control
        self.kiwoom = kiwoom
        self.kiwoomRealtime = kiwoomRealtime
        self.ls = ls
        self.lsWebSocket = lsWebSocket
        self.dart = dart
        self.telegram = telegram
    }

    /// The one JSON line `sokbo simulator` prints on stdout once every server listens (keys sorted; `telegram`
    /// only when the fake Bot API is served).
    public func listeningLine() -> String {
        struct Line: Encodable {
            let event = "listening"
            let host: String
            let control, kiwoom, kiwoomRealtime, ls, lsWebSocket, dart: Int
            let telegram: Int?
            let controlURL: String
        }
        let line = Line(host: host, control: control, kiwoom: kiwoom, kiwoomRealtime: kiwoomRealtime, ls: ls, lsWebSocket: lsWebSocket,
                        dart: dart, telegram: telegram, controlURL: urls().control)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The venues' URLs on `host` (the bind address unless a client reaches it by another name).
    public func urls(host: String? = nil) -> SimulatorURLs {
        let h = host ?? self.host
        return SimulatorURLs(control: "http://\(h):\(control)", kiwoom: "http://\(h):\(kiwoom)",
                             kiwoomRealtime: "ws://\(h):\(kiwoomRealtime)/api/dostk/websocket",
                             ls: "http://\(h):\(ls)", lsWebSocket: "ws://\(h):\(lsWebSocket)/websocket", dart: "http://\(h):\(dart)/api/",
                             telegram: telegram.map { "http://\(h):\($0)" })
    }
}

/// The URLs a Sokbo node's venue settings take (`KIWOOM_BASE_URL`, `KIWOOM_WS_URL`, `LS_BASE_URL`,
/// `LS_WS_URL`, `DART_BASE_URL`), and the control endpoint's.
public struct SimulatorURLs: Codable, Sendable, Equatable {
    /// The control endpoint.
    public var control: String
    /// Kiwoom REST base.
    public var kiwoom: String
    /// Kiwoom realtime WebSocket.
    public var kiwoomRealtime: String
    /// LS REST base.
    public var ls: String
    /// LS WebSocket.
    public var lsWebSocket: String
    /// DART API root (ends in `/api/`).
    public var dart: String
    /// The fake Telegram Bot API (`SOKBO_ALERTS_TELEGRAM_URL`); its webhook sink is `<this>/hooks/<name>`. Nil when not served.
    public var telegram: String?
}
