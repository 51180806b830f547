#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// A loopback TCP proxy in front of one server (MariaDB) that a test can cut off and heal, to show what a
/// client does when its network to the server fails.
///
/// - `cut(.reset)`: every proxied connection is reset (RST, `SO_LINGER` 0) and each new one is reset as soon
///   as it is accepted: the client learns at once ("connection lost", "lost connection at reading initial
///   communication packet").
/// - `cut(.blackhole)`: nothing passes either way and nothing is closed: bytes and closes are held, as
///   dropped packets are retransmitted; a new connection is accepted and left waiting for the server's
///   greeting. The client's reads hang until its own timeouts fire.
/// - `heal()`: new connections pass again; what a blackhole held is delivered in order (a statement sent
///   into the blackhole reaches the server late, as TCP would deliver it), then the closes it held.
///
/// Why its own one-thread event loop, with all state touched on that loop only: the relaying, the cut and
/// the heal are then ordered with no locks (`@unchecked Sendable` rests on that confinement).
public final class FaultProxy: @unchecked Sendable {
    /// How the proxy is cut off.
    public enum Fault: Sendable { case reset, blackhole }

    /// The port the proxy listens on (127.0.0.1).
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop
    private let upstreamHost: String
    private let upstreamPort: Int
    private var listener: (any Channel)?
    // Loop-confined state.
    private var fault: Fault?
    private var links: [ObjectIdentifier: Link] = [:]
    private var accepted = 0
    fileprivate var heldToServer = 0

    private init(group: MultiThreadedEventLoopGroup, upstreamHost: String, upstreamPort: Int, port: Int) {
        self.group = group
        self.loop = group.next()
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.port = port
    }

    /// Starts a proxy on a free loopback port that forwards to `upstreamHost:upstreamPort`.
    public static func start(upstreamHost: String, upstreamPort: Int) async throws -> FaultProxy {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // The port is only known once bound; the proxy object is made first, so the accept closure can use it.
        let box = ProxyBox()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture(withResultOf: { box.proxy?.accept(child) ?? () })
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = FaultProxy(group: group, upstreamHost: upstreamHost, upstreamPort: upstreamPort,
                               port: listener.localAddress?.port ?? 0)
        proxy.listener = listener
        box.proxy = proxy
        return proxy
    }

    /// Cuts the server off from every client of the proxy, as `fault` says.
    public func cut(_ fault: Fault) async throws {
        try await loop.submit {
            self.fault = fault
            if fault == .reset { for link in self.links.values { link.reset() } }
        }.get()
    }

    /// Lets connections pass again; a blackhole's held bytes and closes are delivered.
    public func heal() async throws {
        try await loop.submit {
            self.fault = nil
            for link in self.links.values { link.release() }
        }.get()
    }

    /// Connections accepted so far (a client that reconnected shows here).
    public func acceptedConnections() async throws -> Int {
        try await loop.submit { self.accepted }.get()
    }

    /// Bytes a blackhole held on their way to the server so far (a statement sent into it shows here).
    public func bytesHeldForTheServer() async throws -> Int {
        try await loop.submit { self.heldToServer }.get()
    }

    /// Closes the listener and every connection, and stops the loop.
    public func stop() async {
        try? await listener?.close()
        _ = try? await loop.submit { for link in self.links.values { link.closeBoth() } }.get()
        try? await group.shutdownGracefully()
    }

    // MARK: - On the loop

    fileprivate var isBlackholed: Bool { fault == .blackhole }

    private func accept(_ client: any Channel) {
        accepted += 1
        if fault == .reset {
            Link.resetClose(client)
            return
        }
        let link = Link(proxy: self, client: client)
        links[ObjectIdentifier(link)] = link
        try? client.pipeline.syncOperations.addHandler(RelayHandler(link: link, side: .client))
        if fault == nil { connect(link) }
    }

    fileprivate func connect(_ link: Link) {
        link.connecting = true
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    try channel.pipeline.syncOperations.addHandler(RelayHandler(link: link, side: .server))
                })
            }
            .connect(host: upstreamHost, port: upstreamPort)
            .whenComplete { result in
                switch result {
                case .success(let server): link.connected(server)
                case .failure: link.closeBoth()
                }
            }
    }

    fileprivate func forget(_ link: Link) {
        links[ObjectIdentifier(link)] = nil
    }
}

/// Holds the proxy for the accept closure, which is made before the proxy is (set once, before any accept
/// can use it; then only read on the loop).
private final class ProxyBox: @unchecked Sendable {
    var proxy: FaultProxy?
}

/// One proxied connection: the client's channel and, once connected, the server's. Touched on the proxy's
/// loop only.
private final class Link: @unchecked Sendable {
    enum Side { case client, server }

    unowned let proxy: FaultProxy
    let client: any Channel
    var server: (any Channel)?
    var connecting = false
    private var toServer: [ByteBuffer] = []
    private var toClient: [ByteBuffer] = []
    private var clientGone = false
    private var serverGone = false

    init(proxy: FaultProxy, client: any Channel) {
        self.proxy = proxy
        self.client = client
    }

    func received(_ bytes: ByteBuffer, from side: Side) {
        switch side {
        case .client:
            if proxy.isBlackholed { proxy.heldToServer += bytes.readableBytes }
            if proxy.isBlackholed || server == nil { toServer.append(bytes) } else { server?.writeAndFlush(bytes, promise: nil) }
        case .server:
            if proxy.isBlackholed { toClient.append(bytes) } else { client.writeAndFlush(bytes, promise: nil) }
        }
    }

    func closed(_ side: Side) {
        switch side {
        case .client: clientGone = true
        case .server: serverGone = true
        }
        if !proxy.isBlackholed { release() }
    }

    func connected(_ channel: any Channel) {
        connecting = false
        server = channel
        if !proxy.isBlackholed { release() }
    }

    /// Delivers what was held, then the closes.
    func release() {
        if server == nil, !connecting, !clientGone {
            proxy.connect(self)
            return
        }
        if let server, !toServer.isEmpty {
            for bytes in toServer { server.write(bytes, promise: nil) }
            server.flush()
            toServer = []
        }
        if !toClient.isEmpty {
            for bytes in toClient { client.write(bytes, promise: nil) }
            client.flush()
            toClient = []
        }
        if clientGone, server != nil || !connecting { closeBoth() }
        if serverGone { closeBoth() }
    }

    func reset() {
        Self.resetClose(client)
        if let server { Self.resetClose(server) }
        toServer = []
        toClient = []
        proxy.forget(self)
    }

    func closeBoth() {
        client.close(promise: nil)
        server?.close(promise: nil)
        proxy.forget(self)
    }

    /// Closes with a reset (`SO_LINGER` on with 0 s), not an orderly FIN.
    static func resetClose(_ channel: any Channel) {
        if let options = channel as? any SocketOptionProvider {
            options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }
}

/// Hands one side's bytes and its close to its link.
private final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let link: Link
    let side: Link.Side

    init(link: Link, side: Link.Side) {
        self.link = link
        self.side = side
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        link.received(unwrapInboundIn(data), from: side)
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.closed(side)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
