import Hummingbird

/// `GET /metrics`: Prometheus text. Open to loopback peers; others need the API token.
struct MetricsRoute {
    let render: @Sendable () async -> String
    let apiToken: String

    func register(on router: Router<SokboRequestContext>) {
        router.get("metrics") { request, context in
            if !context.isLoopbackPeer {
                _ = try await BearerTokenMiddleware<SokboRequestContext>(token: apiToken).handle(request, context: context) { _, _ in
                    Response(status: .ok)
                }
            }
            let text = await render()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
