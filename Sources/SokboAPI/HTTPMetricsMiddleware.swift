import Hummingbird
import Prometheus
import SokboCore

/// Records every request's latency by route template (never the raw path, so ids do not explode the
/// label set), method and status class.
public struct HTTPMetricsMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = SokboRequestContext
    let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    /// Creates the middleware over a registry.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Times the request.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let route = context.endpointPath ?? "unmatched"
            registry.makeDurationHistogram(
                descriptor: .named("sokbo_http_request_duration_seconds", "HTTP request latency by route"),
                labels: [("route", route), ("method", request.method.rawValue), ("status", "\(status / 100)xx")],
                buckets: Self.buckets
            ).recordNanoseconds(start.duration(to: .now).nanoseconds)
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
