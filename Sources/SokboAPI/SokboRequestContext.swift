import Hummingbird
import NIOCore

/// The request context of every route: the framework's core storage, a 1 MiB body limit.
public struct SokboRequestContext: RequestContext {
    /// Framework storage.
    public var coreContext: CoreRequestContextStorage

    /// Creates a context for one request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Request bodies above 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}
