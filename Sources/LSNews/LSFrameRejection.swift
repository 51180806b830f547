/// Why an inbound WebSocket frame was refused; each kind is counted separately in the listener status.
public enum LSFrameRejection: String, Error, Sendable, Codable, CaseIterable {
    /// Not JSON, or not a JSON object.
    case notJSON
    /// A field the frame needs is absent (or `null`).
    case missingField
    /// A field has the wrong JSON type (object, array or bool where a string or number belongs).
    case wrongType
    /// A text field is not valid UTF-8.
    case invalidUTF8
    /// A field is present but unusable (bad date or time, bad realkey).
    case badValue
    /// The message is larger than the configured limit; dropped unread.
    case oversized
}
