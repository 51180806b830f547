/// One message of the venue-trouble detector: its alert kind (each kind has its own mode) and its text.
public struct VenueNotice: Sendable, Hashable {
    /// `venue`, `kiwoom.token` or `kiwoom.pacing`.
    public var kind: AlertKind
    /// The message.
    public var text: String

    /// Creates a notice.
    public init(_ kind: AlertKind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}
