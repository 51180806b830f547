import Hummingbird

/// `GET /openapi.json`: the API description, open like `/health` so tools can discover the API.
struct OpenAPIRoute {
    /// Encoded once: the document never changes while the process runs.
    static let body = ByteBuffer(string: OpenAPIDocument.json)

    func register(on router: Router<SokboRequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: Self.body))
        }
    }
}
