import Alerts
import Configuration
import Foundation
import Simulator

/// The alerts' settings (scope `sokbo.alerts`), documented in the README's configuration table.
///
/// | key (env) | default | meaning |
/// |---|---|---|
/// | `SOKBO_ALERTS_TELEGRAM_TOKEN` (secret) | unset | the bot's token; with it, alerts go to the chats below and commands are read |
/// | `SOKBO_ALERTS_TELEGRAM_CHAT_IDS` (secret) | unset | comma-separated chat ids that get alerts and may send commands |
/// | `SOKBO_ALERTS_TELEGRAM_URL` | `https://api.telegram.org` | the Bot API |
/// | `SOKBO_ALERTS_TELEGRAM_POLL_TIMEOUT_SECONDS` | `25` | long-poll hold of `getUpdates` (1–50) |
/// | `SOKBO_ALERTS_WEBHOOK_URLS` (secret) | unset | comma-separated URLs; `slack=`, `discord=` or `json=` before one picks its body |
/// | `SOKBO_ALERTS_WEBHOOK_FORMAT` | `json` | body of URLs without a prefix |
/// | `SOKBO_ALERTS_<KIND>` | see `AlertKind` | `on`, `silent` or `off` per kind |
/// | `SOKBO_ALERTS_QUEUE_CAPACITY` | `1000` | messages held per destination before informational ones are dropped |
/// | `SOKBO_ALERTS_RETRY_BASE_MS`, `SOKBO_ALERTS_RETRY_MAX_MS` | `1000`, `60000` | back-off of a failing destination |
/// | `SOKBO_ALERTS_SOCKET_DOWN_SECONDS` | `60` | the news socket is reported after this long down |
/// | `SOKBO_ALERTS_HEALTH_INTERVAL_MS` | `5000` | how often the status sources are read |
/// | `SOKBO_ALERTS_PACING_REFUSALS`, `SOKBO_ALERTS_PACING_WINDOW_SECONDS` | `3`, `30` | Kiwoom requests refused unsent (or 429) within the window that start a pacing episode; a bucket exhausted that long starts one too |
/// | `SOKBO_ALERTS_RECOVERY_SECONDS` | `60` | seconds without a new sign of Kiwoom token or pacing trouble that end its episode |
/// | `SOKBO_ALERTS_SUMMARY_TIME` | `15:40` | KST time of the daily summary |
/// | `SOKBO_ALERTS_SIMULATOR` | `off` | simulate mode only: run the fake Bot API and webhook sink and send to them |
/// | `SOKBO_ALERTS_EVENT_READ_MS` | `100` | the live events are read in batches this often (0: each as published, waking the alerts per event) |
struct AlertsSettings: Sendable {
    /// The configuration handed to the service (the simulator's URLs are filled in by the builder).
    var configuration: AlertsConfiguration
    /// Run the built-in fake Bot API and webhook sink.
    var simulator: Bool
    /// The token the simulator accepts (the configured one, or a fixed fake).
    var simulatorToken: String
    /// The body of URLs without a prefix (and of the simulator's sink).
    var webhookFormat: WebhookFormat

    /// The fake bot token of simulate mode (not a secret: it opens nothing but the simulator).
    static let simulatedToken = TelegramSimulator.simulatedToken
    /// The chat the simulator's alerts go to when none is configured.
    static let simulatedChatID: Int64 = 1001

    /// Reads and validates `sokbo.alerts`.
    init(reader: ConfigReader, mode: TradingMode) throws(SettingsError) {
        let config = reader.settingsScope("sokbo.alerts")
        simulator = try config.parse("simulator", default: false) { Self.flag($0) }
        if simulator, mode != .simulate {
            throw config.error("simulator", "the alerts simulator runs in simulate mode only")
        }
        let token = config.string(forKey: "telegram.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        let chatText = config.string(forKey: "telegram.chat.ids", isSecret: true) ?? ""
        var chats: [Int64] = []
        for part in chatText.split(separator: ",") {
            // The value is secret: the error does not repeat it.
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)) else {
                throw config.error("telegram.chat.ids", "a chat id is not a number (the value is secret and not shown)")
            }
            chats.append(id)
        }
        if token != nil, chats.isEmpty, !simulator {
            throw config.error("telegram.chat.ids", "a Telegram token needs at least one allowed chat id")
        }
        if token == nil, !chats.isEmpty, !simulator {
            throw config.error("telegram.token", "allowed chat ids are set but no Telegram token")
        }
        let url = try config.parse("telegram.url", default: "https://api.telegram.org") { URL(string: $0)?.host != nil ? $0 : nil }
        let pollTimeout = try config.parse("telegram.poll.timeout.seconds", default: 25) { Int($0).flatMap { (1...50).contains($0) ? $0 : nil } }
        let format = try config.parse("webhook.format", default: WebhookFormat.json) { WebhookFormat(rawValue: $0.lowercased()) }
        webhookFormat = format
        var webhooks: [AlertsConfiguration.Webhook] = []
        for part in (config.string(forKey: "webhook.urls", isSecret: true) ?? "").split(separator: ",") {
            var text = part.trimmingCharacters(in: .whitespaces)
            var chosen = format
            if let equals = text.firstIndex(of: "="), let prefixed = WebhookFormat(rawValue: String(text[..<equals]).lowercased()) {
                chosen = prefixed
                text = String(text[text.index(after: equals)...])
            }
            guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw config.error("webhook.urls", "a webhook URL is not an http(s) URL (the value is secret and not shown)")
            }
            let fixed = text
            webhooks.append(.init(url: { fixed }, host: parsed.host ?? "?", format: chosen))
        }
        var modes: [AlertKind: AlertMode] = [:]
        for kind in AlertKind.configurable {
            modes[kind] = try config.parse(kind.rawValue, default: kind.defaultMode) { AlertMode(rawValue: $0.lowercased()) }
        }
        let capacity = try config.parse("queue.capacity", default: 1_000) { Int($0).flatMap { (10...1_000_000).contains($0) ? $0 : nil } }
        let retryBase = try config.parse("retry.base.ms", default: 1_000) { Int($0).flatMap { (10...600_000).contains($0) ? $0 : nil } }
        let retryMax = try config.parse("retry.max.ms", default: 60_000) { Int($0).flatMap { (10...3_600_000).contains($0) ? $0 : nil } }
        let downSeconds = try config.parse("socket.down.seconds", default: 60) { Int($0).flatMap { (1...86_400).contains($0) ? $0 : nil } }
        let healthMs = try config.parse("health.interval.ms", default: 5_000) { Int($0).flatMap { (50...600_000).contains($0) ? $0 : nil } }
        let summary = try config.parse("summary.time", default: 15 * 3600 + 40 * 60) { Self.timeOfDay($0) }
        let pacingRefusals = try config.parse("pacing.refusals", default: 3) { Int($0).flatMap { (1...10_000).contains($0) ? $0 : nil } }
        let pacingWindow = try config.parse("pacing.window.seconds", default: 30) { Int($0).flatMap { (1...3_600).contains($0) ? $0 : nil } }
        let recovery = try config.parse("recovery.seconds", default: 60) { Int($0).flatMap { (1...3_600).contains($0) ? $0 : nil } }
        let eventReadMs = try config.parse("event.read.ms", default: 100) { Int($0).flatMap { (0...10_000).contains($0) ? $0 : nil } }

        var webhookPolicy = AlertOutbox.Policy(capacity: capacity, perSecond: 1, retryBase: .milliseconds(retryBase), retryMax: .milliseconds(max(retryBase, retryMax)))
        webhookPolicy.maxAttemptsInformational = 5
        let telegramPolicy = AlertOutbox.Policy(capacity: capacity, perSecond: 1, retryBase: .milliseconds(retryBase), retryMax: .milliseconds(max(retryBase, retryMax)))
        simulatorToken = token ?? Self.simulatedToken
        var telegram: AlertsConfiguration.Telegram?
        if let token {
            telegram = .init(baseURL: { url }, token: token, chatIDs: chats.isEmpty ? [Self.simulatedChatID] : chats,
                             pollTimeoutSeconds: pollTimeout)
        } else if simulator {
            telegram = .init(baseURL: { url }, token: Self.simulatedToken, chatIDs: chats.isEmpty ? [Self.simulatedChatID] : chats,
                             pollTimeoutSeconds: pollTimeout)
        }
        configuration = AlertsConfiguration(
            telegram: telegram, webhooks: webhooks, modes: modes, webhookPolicy: webhookPolicy, telegramPolicy: telegramPolicy,
            newsDownAfterSeconds: Double(downSeconds), healthInterval: .milliseconds(healthMs), dailySummarySecondsIntoDay: summary,
            brokerTrouble: .init(refusals: pacingRefusals, window: Double(pacingWindow), recoverAfter: Double(recovery)),
            eventReadInterval: .milliseconds(eventReadMs))
    }

    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }

    /// `HH:MM` → seconds after midnight.
    static func timeOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
            return nil
        }
        return hour * 3600 + minute * 60
    }
}
