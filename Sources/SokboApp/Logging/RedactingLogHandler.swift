import Logging

/// Wraps a log handler and scrubs secrets (see `SecretRedactor`) from the message, the handler's own
/// metadata, the metadata provider's and the call's, at every level, before the wrapped handler sees them.
///
/// The wrapper owns the metadata and the provider so that nothing reaches the wrapped handler unscrubbed;
/// an attached error is rendered into `error.message` / `error.type` metadata for the same reason.
public struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler
    private let redactor: SecretRedactor

    /// Metadata added to every message (scrubbed when logged).
    public var metadata: Logger.Metadata
    /// Contextual metadata (scrubbed when logged).
    public var metadataProvider: Logger.MetadataProvider?

    /// The wrapped handler's level.
    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    /// Wraps `handler`, taking over its metadata and metadata provider.
    public init(wrapping handler: any LogHandler, redactor: SecretRedactor = .shared) {
        var handler = handler
        self.metadata = handler.metadata
        self.metadataProvider = handler.metadataProvider
        handler.metadata = [:]
        handler.metadataProvider = nil
        self.wrapped = handler
        self.redactor = redactor
    }

    /// One metadata entry.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Scrubs, then forwards.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        var scrubbed = event
        if let error = event.error {
            merged["error.message"] = .string("\(error)")
            merged["error.type"] = .string(String(reflecting: type(of: error)))
            scrubbed.error = nil
        }
        scrubbed.message = "\(redactor.redact(event.message.description))"
        scrubbed.metadata = merged.isEmpty ? nil : merged.mapValues { redactor.redact($0) }
        wrapped.log(event: scrubbed)
    }
}
