import Foundation

/// Something a live client wants to see (`GET /api/events`).
public struct LiveEvent: Sendable, Codable, Hashable {
    /// The event kind, one of `Kind` (the SSE `event:` field).
    public var kind: String
    /// When it happened.
    public var at: Date
    /// The payload, already encoded as JSON (encoded once, sent to every client).
    public var json: String

    /// Creates an event from an encodable payload.
    public init(kind: Kind, at: Date = Date(), payload: some Encodable) {
        self.kind = kind.rawValue
        self.at = at
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.json = (try? encoder.encode(payload)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

extension LiveEvent {
    /// Every kind of event `GET /api/events` sends, besides `gap`. The OpenAPI document lists the same
    /// kinds with their payloads, and a test holds the two together: a new kind is added here, or it
    /// cannot be published.
    public enum Kind: String, Sendable, CaseIterable {
        /// A headline as stored (`NewsItem`).
        case news
        /// A DART disclosure as stored (`DisclosureRecord`).
        case disclosure
        /// The engine's decision on a headline (`SignalRecord`).
        case signal
        /// An order after a change (`Order`).
        case order
        /// The kill switch turned on or off (`{"halted": Bool}`).
        case trading
        /// Shares of an order filled (`TradingEngine.FillReport`).
        case fill
        /// An exit sell sent, or an exit that waits and why (`TradingEngine.ExitNotice`).
        case exit
        /// A round trip closed (`TradeRecord`).
        case trade
        /// A protection acted: the daily loss limit halted entries (`TradingEngine.ProtectionNotice`).
        case protection
    }
}

/// What a subscriber receives: an event, or word that it fell behind and lost some.
public enum LiveDelivery: Sendable, Hashable {
    /// One event.
    case event(LiveEvent)
    /// `missed` events were dropped (oldest first) because this subscriber read too slowly.
    case gap(missed: Int)
}

