import Foundation
import Synchronization

/// Something a live client wants to see (`GET /api/events`).
///
/// The publisher hands over the payload as a value and pays nothing more: the JSON is encoded on first
/// use, by whichever subscriber asks for it (an SSE client's writer, off the engine), and kept, so several
/// clients share one encoding. In-process subscribers (the alerts) read `payload` and never encode at all.
public struct LiveEvent: Sendable, Hashable {
    /// The event kind, one of `Kind` (the SSE `event:` field).
    public var kind: String
    /// When it happened.
    public var at: Date
    private let body: Body

    /// Creates an event from a payload; nothing is encoded yet.
    public init(kind: Kind, at: Date = Date(), payload: some Encodable & Sendable) {
        self.kind = kind.rawValue
        self.at = at
        self.body = Body(payload)
    }

    /// The payload as published.
    public var payload: any Encodable & Sendable { body.payload }

    /// The payload as JSON (sorted keys, unescaped slashes, ISO 8601 dates), encoded once per event on first use.
    public var json: String { body.json() }

    /// Events are equal when their kind, time and JSON are (a test's comparison: it encodes both).
    public static func == (lhs: LiveEvent, rhs: LiveEvent) -> Bool {
        lhs.kind == rhs.kind && lhs.at == rhs.at && (lhs.body === rhs.body || lhs.json == rhs.json)
    }

    /// Hashes the kind and time (equal events have equal ones).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(at)
    }

    /// The payload and its JSON once encoded. The lock is held while encoding, so two clients asking at once
    /// encode it once; neither is the engine, which never asks.
    private final class Body: Sendable {
        let payload: any Encodable & Sendable
        private let encoded = Mutex<String?>(nil)

        init(_ payload: any Encodable & Sendable) { self.payload = payload }

        func json() -> String {
            encoded.withLock { cached in
                if let cached { return cached }
                let text = Self.encode(payload)
                cached = text
                return text
            }
        }

        private static func encode(_ payload: any Encodable) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return (try? encoder.encode(payload)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        }
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

