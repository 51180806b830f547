import Foundation

/// The alerts' part of `/api/status`.
public struct AlertsStatus: Sendable, Codable, Hashable {
    /// The bot's command side.
    public struct Telegram: Sendable, Codable, Hashable {
        /// `polling`, `failing` (the last `getUpdates` failed) or `stopped`.
        public var state = "polling"
        /// Updates received.
        public var updates = 0
        /// Commands answered (from allowed chats).
        public var commands = 0
        /// Updates from chats not allowed: ignored, never answered.
        public var ignoredUpdates = 0
        /// `getUpdates` calls that failed.
        public var pollFailures = 0
        /// The last poll failure, redacted.
        public var lastError: String?

        /// A fresh status: polling, nothing counted.
        public init() {}
    }

    /// The bot's command side (nil without a bot).
    public var telegram: Telegram?
    /// Each destination's queue and delivery.
    public var destinations: [AlertOutbox.Status]
    /// Messages made from events, by kind.
    public var messages: [String: Int]
    /// Events with no entry in the mapping table.
    public var unmappedEvents: Int
    /// Events the alerts' subscription lost because it fell behind (`gap`).
    public var eventsMissed: Int
    /// Each kind's mode.
    public var modes: [String: String]

    /// Creates the section.
    public init(telegram: Telegram?, destinations: [AlertOutbox.Status], messages: [String: Int], unmappedEvents: Int, eventsMissed: Int,
                modes: [String: String]) {
        self.telegram = telegram
        self.destinations = destinations
        self.messages = messages
        self.unmappedEvents = unmappedEvents
        self.eventsMissed = eventsMissed
        self.modes = modes
    }
}
