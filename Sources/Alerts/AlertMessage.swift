import Foundation

/// One message on its way to the phone: Korean text already formatted, with its kind.
public struct AlertMessage: Sendable, Hashable {
    /// What it is about (decides whether a full queue may drop it).
    public var kind: AlertKind
    /// The text, a few short lines.
    public var text: String
    /// Sent without a notification sound.
    public var silent: Bool
    /// Only to this Telegram chat (a command's reply); nil: to every destination.
    public var chatID: Int64?
    /// When it was made.
    public var createdAt: Date

    /// Creates a message.
    public init(kind: AlertKind, text: String, silent: Bool = false, chatID: Int64? = nil, createdAt: Date = Date()) {
        self.kind = kind
        self.text = text
        self.silent = silent
        self.chatID = chatID
        self.createdAt = createdAt
    }

    /// True when a full queue must keep it.
    public var isTradingCritical: Bool { kind.isTradingCritical }
}
