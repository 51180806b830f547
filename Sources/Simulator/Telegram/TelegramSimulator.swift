import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SokboCore
import Synchronization

/// The Telegram Bot API and a webhook sink on loopback, for simulate mode and the tests.
///
/// Bot API: `POST /bot<token>/sendMessage` and `POST /bot<token>/getUpdates` (long polling: held until an
/// update arrives or `timeout` seconds pass; `offset` confirms earlier updates), a wrong token answered
/// 401 as the real API does. Its limits are on by default: about one message a second per chat and 30 a
/// second in all (Bot FAQ, "My bot is hitting limits"); past them, 429 with `parameters.retry_after`. The
/// FAQ allows short bursts without a figure: we assume 3 per chat.
/// Webhook sink: `POST /hooks/<name>` records the body, or answers 503 while it is set down.
public final class TelegramSimulator: Service, Sendable {
    /// A message the bot sent.
    public struct SentMessage: Sendable, Hashable {
        /// The chat.
        public var chatID: Int64
        /// The text.
        public var text: String
        /// `disable_notification`.
        public var silent: Bool
    }

    /// A body a webhook received.
    public struct WebhookPost: Sendable, Hashable {
        /// The hook's name (the path after `/hooks/`).
        public var name: String
        /// The JSON body.
        public var body: String
    }

    private struct State {
        var updates: [(id: Int, chat: Int64, text: String)] = []
        var nextUpdateID = 1
        var sent: [SentMessage] = []
        var posts: [WebhookPost] = []
        var webhookDown = false
        var webhookRefusals = 0
        var tooManyRequests = 0
        var chatBuckets: [Int64: TokenBucket] = [:]
        var overall = TokenBucket(rate: 30, burst: 30, now: .now)
    }

    /// The fake bot token of simulate mode (not a secret: it opens nothing but the simulator).
    public static let simulatedToken = "1000001:sokbo-simulated"

    /// The token the fake API accepts.
    public let token: String
    /// Whether the Bot API's rate limits are enforced (on by default).
    public let limitsEnabled: Bool
    /// Messages a second per chat, and the burst allowed (the FAQ's "about one a second"; the burst of 3 is assumed).
    public let chatLimit: TokenBucket.Limit
    private let state = Mutex(State())
    private let port = BoundPort("the Telegram simulator")
    private let host: String
    private let requestedPort: Int
    private let logger: Logger

    /// A fake Bot API accepting `token`, on `host:port` (0: any free port).
    public init(token: String, host: String = "127.0.0.1", port: Int = 0, limitsEnabled: Bool = true,
                chatLimit: TokenBucket.Limit = .init(perSecond: 1, burst: 3), logger: Logger = Logger(label: "simulator.telegram")) {
        self.chatLimit = chatLimit
        self.token = token
        self.host = host
        self.requestedPort = port
        self.limitsEnabled = limitsEnabled
        self.logger = logger
    }

    /// The port once listening.
    public func waitUntilListening() async throws -> Int { try await port.wait() }

    /// `http://<host>:<port>`: the Bot API's base URL.
    public func baseURL() async throws -> String { "http://\(host):\(try await waitUntilListening())" }

    /// `http://<host>:<port>/hooks/<name>`: a webhook URL.
    public func webhookURL(_ name: String) async throws -> String { "\(try await baseURL())/hooks/\(name)" }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        // One route for both: `/bot<token>/<method>` and `/hooks/<name>` have the same shape.
        router.post("/:first/:second") { [self] request, context in
            let first = context.parameters.get("first") ?? ""
            let second = context.parameters.get("second") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            if first == "hooks" { return self.hook(name: second, body: String(buffer: body)) }
            return try await self.botAPI(bot: first, method: second, body: Data(buffer: body))
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: requestedPort)),
                              onServerRunning: { [self] channel in self.port.set(channel.localAddress?.port) }, logger: logger)
        try await app.run()
    }

    // MARK: - What tests drive and read

    /// A user writes `text` in `chat`: the next `getUpdates` returns it.
    public func sendUpdate(chat: Int64, text: String) {
        state.withLock { state in
            state.updates.append((state.nextUpdateID, chat, text))
            state.nextUpdateID += 1
        }
    }

    /// Messages the bot sent, oldest first.
    public var sent: [SentMessage] { state.withLock { $0.sent } }

    /// Bodies the webhooks took, oldest first.
    public var webhookPosts: [WebhookPost] { state.withLock { $0.posts } }

    /// POSTs answered 503 because the sink was down.
    public var webhookRefusals: Int { state.withLock { $0.webhookRefusals } }

    /// `sendMessage` calls answered 429.
    public var tooManyRequests: Int { state.withLock { $0.tooManyRequests } }

    /// Whether the webhook sink answers 503.
    public var webhookDown: Bool { state.withLock { $0.webhookDown } }

    /// What the fakes took so far: the standalone simulator's `GET /status` `telegram` section.
    public struct Counts: Codable, Sendable, Hashable {
        /// Messages the bot sent (taken by `sendMessage`).
        public var sent: Int
        /// `sendMessage` calls answered 429.
        public var tooManyRequests: Int
        /// Whether the webhook sink answers 503.
        public var webhookDown: Bool
        /// Bodies the webhook sink took.
        public var webhookPosts: Int
        /// POSTs answered 503.
        public var webhookRefusals: Int
    }

    /// The counters, read at once.
    public func counts() -> Counts {
        state.withLock { state in
            Counts(sent: state.sent.count, tooManyRequests: state.tooManyRequests, webhookDown: state.webhookDown,
                   webhookPosts: state.posts.count, webhookRefusals: state.webhookRefusals)
        }
    }

    /// Takes the webhook sink down (503 to every POST) or up again.
    public func setWebhookDown(_ down: Bool) { state.withLock { $0.webhookDown = down } }

    // MARK: - Handlers

    private func hook(name: String, body: String) -> Response {
        let accepted = state.withLock { state -> Bool in
            guard !state.webhookDown else {
                state.webhookRefusals += 1
                return false
            }
            state.posts.append(WebhookPost(name: name, body: body))
            return true
        }
        return accepted ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
                        : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "down")))
    }

    /// Takes one message's token from `bucket`, if it holds one.
    private static func take(_ bucket: inout TokenBucket, now: ContinuousClock.Instant) -> Bool {
        bucket.refill(to: now)
        guard bucket.tokens >= 1 else { return false }
        bucket.tokens -= 1
        return true
    }

    private func botAPI(bot: String, method: String, body: Data) async throws -> Response {
        guard bot == "bot" + token else { return Self.reply(status: .unauthorized, ["ok": false, "error_code": 401, "description": "Unauthorized"]) }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        switch method {
        case "sendMessage":
            guard let chat = (object["chat_id"] as? NSNumber)?.int64Value, let text = object["text"] as? String, !text.isEmpty else {
                return Self.reply(status: .badRequest, ["ok": false, "error_code": 400, "description": "Bad Request: message text is empty"])
            }
            let silent = (object["disable_notification"] as? Bool) ?? false
            let limited = limitsEnabled && state.withLock { state -> Bool in
                let now = ContinuousClock.now
                var bucket = state.chatBuckets[chat] ?? TokenBucket(rate: chatLimit.perSecond, burst: Double(chatLimit.burst), now: now)
                let chatOK = Self.take(&bucket, now: now)
                state.chatBuckets[chat] = bucket
                let overallOK = chatOK && Self.take(&state.overall, now: now)
                if !(chatOK && overallOK) { state.tooManyRequests += 1 }
                return !(chatOK && overallOK)
            }
            if limited {
                return Self.reply(status: .tooManyRequests, ["ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                                             "parameters": ["retry_after": 1]])
            }
            let id = state.withLock { state -> Int in
                state.sent.append(SentMessage(chatID: chat, text: text, silent: silent))
                return state.sent.count
            }
            return Self.reply(status: .ok, ["ok": true, "result": ["message_id": id, "chat": ["id": Int(chat)], "text": text]])
        case "getUpdates":
            let offset = (object["offset"] as? NSNumber)?.intValue ?? 0
            let timeout = min(50, max(0, (object["timeout"] as? NSNumber)?.intValue ?? 0))
            let deadline = ContinuousClock.now + .seconds(timeout)
            while true {
                let pending = state.withLock { state -> [[String: Any]] in
                    // An offset confirms every update before it: they are never returned again.
                    state.updates.removeAll { $0.id < offset }
                    return state.updates.map { update in
                        ["update_id": update.id, "message": ["message_id": update.id, "chat": ["id": Int(update.chat), "type": "private"],
                                                             "date": Int(Date().timeIntervalSince1970), "text": update.text]]
                    }
                }
                if !pending.isEmpty || ContinuousClock.now >= deadline {
                    return Self.reply(status: .ok, ["ok": true, "result": pending])
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        default:
            return Self.reply(status: .notFound, ["ok": false, "error_code": 404, "description": "Not Found"])
        }
    }

    private static func reply(status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: SimJSON.buffer(object)))
    }
}
