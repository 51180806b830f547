import HTTPTypes
import Hummingbird

/// Refuses request bodies above the context's `maxUploadSize` with 413 on every route, including routes
/// that never read their body (Hummingbird only enforces the limit where a route decodes).
///
/// A declared `Content-Length` is checked without reading anything; a body without one (chunked) is
/// read here up to the limit, so no route is ever handed more.
public struct BodyLimitMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = SokboRequestContext

    /// Creates the middleware.
    public init() {}

    /// Checks the size, then passes the request on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = context.maxUploadSize
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw APIError.badRequest("Content-Length is not a number", code: "bad_request")
            }
            guard length <= limit else { throw Self.tooLarge(limit) }
            return try await next(request, context)
        }
        guard request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
        return try await next(request, context)
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "request body too large (limit \(limit) bytes)")
    }
}
