import AsyncHTTPClient
import Foundation
import NIOCore

/// The Telegram Bot API over HTTPS (`https://api.telegram.org/bot<token>/<method>`), the two methods the
/// alerts use: `sendMessage` and `getUpdates` (long polling). The token is part of every URL, so no URL
/// and no request is ever logged; errors are described without them.
public struct TelegramBotClient: Sendable {
    /// One update from `getUpdates` (only messages are asked for).
    public struct Update: Sendable, Decodable, Hashable {
        /// The update's id (the next poll's `offset` is the last id + 1, which confirms it).
        public var update_id: Int
        /// The message, if the update is one.
        public var message: Message?
    }

    /// A message of an update.
    public struct Message: Sendable, Decodable, Hashable {
        /// The chat it came from.
        public var chat: Chat
        /// Its text, if any.
        public var text: String?
    }

    /// A chat.
    public struct Chat: Sendable, Decodable, Hashable {
        /// The chat's id.
        public var id: Int64
    }

    private struct Reply<Result: Decodable>: Decodable {
        struct Parameters: Decodable { var retry_after: Double? }
        var ok: Bool
        var result: Result?
        var error_code: Int?
        var description: String?
        var parameters: Parameters?
    }

    /// A call that failed, with the Bot API's `retry_after` when it gave one.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// HTTP or Bot API error code (0: no answer).
        public var code: Int
        /// What went wrong (no URL, no token).
        public var description: String
        /// Seconds to wait before the next call (429).
        public var retryAfter: Double?
    }

    private let baseURL: @Sendable () async throws -> String
    private let token: String
    private let http: HTTPClient

    /// A client of the Bot API at `baseURL` (`https://api.telegram.org`, or the simulator's, known once it
    /// listens) with `token`.
    public init(baseURL: @escaping @Sendable () async throws -> String, token: String, http: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.token = token
        self.http = http
    }

    /// `sendMessage`: delivered, or why not (429 and 5xx retry; other refusals are final).
    public func sendMessage(chat: Int64, text: String, silent: Bool) async -> AlertOutbox.Delivery {
        struct Body: Encodable { var chat_id: Int64; var text: String; var disable_notification: Bool }
        struct Sent: Decodable { var message_id: Int }
        do {
            _ = try await call("sendMessage", Body(chat_id: chat, text: text, disable_notification: silent), as: Sent.self, timeout: .seconds(10))
            return .delivered
        } catch let failure as Failure {
            if failure.code == 429 || failure.code == 0 || failure.code >= 500 {
                return .retry(after: failure.retryAfter, error: failure.description)
            }
            return .refused(error: failure.description)
        } catch {
            return .retry(after: nil, error: Self.describe(error))
        }
    }

    /// `getUpdates` from `offset`, held by the server up to `timeout` seconds when there is nothing.
    public func getUpdates(offset: Int?, timeout: Int) async throws -> [Update] {
        struct Body: Encodable { var offset: Int?; var timeout: Int; var allowed_updates: [String] }
        return try await call("getUpdates", Body(offset: offset, timeout: timeout, allowed_updates: ["message"]),
                              as: [Update].self, timeout: .seconds(Int64(timeout) + 10))
    }

    private func call<Result: Decodable>(_ method: String, _ body: some Encodable, as: Result.Type, timeout: TimeAmount) async throws -> Result {
        var base: String
        do { base = try await baseURL() } catch { throw Failure(code: 0, description: Self.describe(error), retryAfter: nil) }
        if base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: "\(base)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw Failure(code: 0, description: Self.describe(error), retryAfter: nil)
        }
        let reply = try? JSONDecoder().decode(Reply<Result>.self, from: Data(bytes.readableBytesView))
        guard let reply, reply.ok, let result = reply.result else {
            let code = reply?.error_code ?? Int(response.status.code)
            let text = reply?.description.map { String($0.prefix(200)) } ?? "HTTP \(response.status.code)"
            throw Failure(code: code, description: "\(method): \(text)", retryAfter: reply?.parameters?.retry_after)
        }
        return result
    }

    /// An error's description without the request (AsyncHTTPClient's errors name no URL; NIO's name the address).
    static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "cancelled" }
        return String(String(describing: error).prefix(200))
    }
}
