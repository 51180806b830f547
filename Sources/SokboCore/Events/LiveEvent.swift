import Foundation

/// Something a live client wants to see (`GET /api/events`).
public struct LiveEvent: Sendable, Codable, Hashable {
    /// The event kind: `news`, `signal`, `order`, `connection`, `disclosure`.
    public var kind: String
    /// When it happened.
    public var at: Date
    /// The payload, already encoded as JSON (encoded once, sent to every client).
    public var json: String

    /// Creates an event from an encodable payload.
    public init(kind: String, at: Date = Date(), payload: some Encodable) {
        self.kind = kind
        self.at = at
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.json = (try? encoder.encode(payload)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

/// What a subscriber receives: an event, or word that it fell behind and lost some.
public enum LiveDelivery: Sendable, Hashable {
    /// One event.
    case event(LiveEvent)
    /// `missed` events were dropped (oldest first) because this subscriber read too slowly.
    case gap(missed: Int)
}

