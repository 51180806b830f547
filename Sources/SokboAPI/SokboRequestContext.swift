import Hummingbird
import NIOCore

/// The request context of every route: the framework's core storage, the peer address, a 1 MiB body limit.
public struct SokboRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Framework storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's address (for loopback-only routes such as `/metrics`).
    public let remoteAddress: SocketAddress?

    /// Creates a context for one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies above 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// True when the peer is on this machine.
    public var isLoopbackPeer: Bool {
        guard let ip = remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
