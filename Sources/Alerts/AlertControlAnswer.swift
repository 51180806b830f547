/// An answer, or word that the engine cannot do it yet.
public enum AlertControlAnswer<Value: Sendable>: Sendable {
    /// The answer.
    case answer(Value)
    /// Not available (yet); the reason is shown.
    case notAvailable(String)
}
