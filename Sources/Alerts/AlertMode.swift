/// How a kind of alert is delivered.
public enum AlertMode: String, Sendable, Codable, CaseIterable, Hashable {
    /// Sent with a notification.
    case on
    /// Sent without sound (Telegram `disable_notification`; webhooks have no such flag and post it as usual).
    case silent
    /// Not sent.
    case off
}
