import Foundation

/// Everything the alerts need, read by the app from `SOKBO_ALERTS_*`.
public struct AlertsConfiguration: Sendable {
    /// The Telegram bot.
    public struct Telegram: Sendable {
        /// `https://api.telegram.org`, or the simulator's (known once it listens).
        public var baseURL: @Sendable () async throws -> String
        /// The bot's token (secret).
        public var token: String
        /// Chats that get alerts and may send commands (secret).
        public var chatIDs: [Int64]
        /// Seconds `getUpdates` is held open.
        public var pollTimeoutSeconds: Int

        /// Creates the bot's settings.
        public init(baseURL: @escaping @Sendable () async throws -> String, token: String, chatIDs: [Int64], pollTimeoutSeconds: Int = 25) {
            self.baseURL = baseURL
            self.token = token
            self.chatIDs = chatIDs
            self.pollTimeoutSeconds = pollTimeoutSeconds
        }
    }

    /// One webhook.
    public struct Webhook: Sendable {
        /// The URL (secret), known once its server listens (the simulator's sink).
        public var url: @Sendable () async throws -> String
        /// The URL's host, for the status (a webhook's secret is in its path).
        public var host: String
        /// The body format.
        public var format: WebhookFormat

        /// Creates a webhook.
        public init(url: @escaping @Sendable () async throws -> String, host: String, format: WebhookFormat) {
            self.url = url
            self.host = host
            self.format = format
        }
    }

    /// The bot, if configured.
    public var telegram: Telegram?
    /// Webhooks.
    public var webhooks: [Webhook]
    /// Modes by kind (missing kinds at their default).
    public var modes: [AlertKind: AlertMode]
    /// Retry, pacing and queue bound of each webhook.
    public var webhookPolicy: AlertOutbox.Policy
    /// Retry, pacing and queue bound of each Telegram chat.
    public var telegramPolicy: AlertOutbox.Policy
    /// Sends a second over all chats of the bot.
    public var telegramOverallPerSecond: Double
    /// The news socket is reported after this many seconds down.
    public var newsDownAfterSeconds: Double
    /// How often the status sources are read.
    public var healthInterval: Duration
    /// When Kiwoom's token and pacing trouble counts as an episode, and when it is over.
    public var brokerTrouble: BrokerTroubleDetector.Thresholds
    /// The daily summary's KST time, seconds after midnight.
    public var dailySummarySecondsIntoDay: Int
    /// How often the live events gathered since the last read are read and turned into messages; zero: each
    /// event as it is published (the publisher then wakes the alerts' reader for every event).
    public var eventReadInterval: Duration
    /// Events held between two reads before the oldest are dropped (counted as missed).
    public var eventCapacity: Int

    /// Creates a configuration. Defaults: Telegram's documented limits (1 message a second per chat, 30 a
    /// second in all), one POST a second per webhook (Slack's incoming-webhook limit), queues of 1,000.
    public init(telegram: Telegram? = nil, webhooks: [Webhook] = [], modes: [AlertKind: AlertMode] = [:],
                webhookPolicy: AlertOutbox.Policy = .init(), telegramPolicy: AlertOutbox.Policy = .init(),
                telegramOverallPerSecond: Double = 30, newsDownAfterSeconds: Double = 60, healthInterval: Duration = .seconds(5),
                dailySummarySecondsIntoDay: Int = 15 * 3600 + 40 * 60, brokerTrouble: BrokerTroubleDetector.Thresholds = .init(),
                eventReadInterval: Duration = .milliseconds(100), eventCapacity: Int = 10_000) {
        self.telegram = telegram
        self.webhooks = webhooks
        self.modes = modes
        self.webhookPolicy = webhookPolicy
        self.telegramPolicy = telegramPolicy
        self.telegramOverallPerSecond = telegramOverallPerSecond
        self.newsDownAfterSeconds = newsDownAfterSeconds
        self.healthInterval = healthInterval
        self.dailySummarySecondsIntoDay = dailySummarySecondsIntoDay
        self.brokerTrouble = brokerTrouble
        self.eventReadInterval = eventReadInterval
        self.eventCapacity = eventCapacity
    }

    /// True when there is somewhere to send.
    public var isEnabled: Bool { telegram != nil || !webhooks.isEmpty }
}
