import AsyncHTTPClient
import Foundation
import NIOCore

/// POSTs alerts to one webhook URL. The URL is a secret (Slack's and Discord's carry their key in the
/// path): it is never logged, and the status names only its host.
public struct WebhookClient: Sendable {
    /// The URL (secret), known once its server listens (the simulator's sink).
    let url: @Sendable () async throws -> String
    /// The host, for the status.
    public let host: String
    /// The body format.
    public let format: WebhookFormat
    private let http: HTTPClient
    private let timeout: TimeAmount

    /// A client for `url` in `format`; each POST is bounded by `timeout`.
    public init(url: @escaping @Sendable () async throws -> String, host: String, format: WebhookFormat, http: HTTPClient = .shared,
                timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.host = host
        self.format = format
        self.http = http
        self.timeout = timeout
    }

    /// One POST: 2xx delivered; 429 and 5xx (and no answer) retry, honouring `Retry-After`; other 4xx are final.
    public func post(_ message: AlertMessage) async -> AlertOutbox.Delivery {
        let target: String
        do { target = try await url() } catch { return .retry(after: nil, error: TelegramBotClient.describe(error)) }
        var request = HTTPClientRequest(url: target)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: format.body(message)))
        do {
            let response = try await http.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered }
            if code == 429 || code >= 500 {
                return .retry(after: response.headers.first(name: "Retry-After").flatMap(Double.init), error: "HTTP \(code)")
            }
            return .refused(error: "HTTP \(code)")
        } catch {
            return .retry(after: nil, error: TelegramBotClient.describe(error))
        }
    }
}
