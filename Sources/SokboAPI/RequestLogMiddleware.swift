import HTTPTypes
import Hummingbird
import Logging
import SokboCore

/// Logs every finished request (method, route template, status, duration) through the request's logger,
/// which carries Hummingbird's `hb.request.id`, and returns that id as `X-Request-ID` so a client can
/// quote it when something went wrong. The raw path and query are not logged: route templates keep
/// the log free of ids and parameters.
public struct RequestLogMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = SokboRequestContext
    /// The response header carrying the request id.
    public static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    /// Creates the middleware.
    public init() {}

    /// Runs the request, turning a thrown HTTP error into its response so it can be logged and tagged.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let requestID = context.logger[metadataKey: "hb.request.id"]?.description
        if let requestID {
            response.headers[Self.requestIDHeader] = requestID
        }
        let elapsed = start.duration(to: .now)
        context.logger.log(
            level: response.status.code >= 500 ? .warning : .debug,
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(context.endpointPath ?? "unmatched")",
                "http.status": "\(response.status.code)",
                "http.duration_ms": "\(elapsed.milliseconds)",
            ])
        return response
    }
}
