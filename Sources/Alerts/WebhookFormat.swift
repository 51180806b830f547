import Foundation

/// The JSON body a webhook takes.
public enum WebhookFormat: String, Sendable, Codable, CaseIterable {
    /// Slack incoming webhook: `{"text": "…"}`.
    case slack
    /// Discord webhook: `{"content": "…"}` (Discord cuts at 2,000 characters, so longer text is shortened).
    case discord
    /// Sokbo's own: `{"kind", "text", "critical", "silent", "at"}`.
    case json

    /// The body for `message`.
    public func body(_ message: AlertMessage) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        struct Slack: Encodable { var text: String }
        struct Discord: Encodable { var content: String }
        struct Own: Encodable { var kind: String; var text: String; var critical: Bool; var silent: Bool; var at: Date }
        let data: Data?
        switch self {
        case .slack: data = try? encoder.encode(Slack(text: message.text))
        case .discord: data = try? encoder.encode(Discord(content: AlertFormat.short(message.text, limit: 2_000)))
        case .json:
            data = try? encoder.encode(Own(kind: message.kind.rawValue, text: message.text, critical: message.isTradingCritical,
                                           silent: message.silent, at: message.createdAt))
        }
        return data ?? Data("{}".utf8)
    }
}
