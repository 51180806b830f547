import Foundation
import Hummingbird
import Prometheus
import Replay
import SokboCore
import Storage
import Trading

/// What the routes need from the running process, as closures so the API does not depend on the venues.
public struct APIDependencies: Sendable {
    /// The bearer token every `/api` route requires.
    public var apiToken: String
    /// The status document (`GET /api/status`).
    public var status: @Sendable () async -> any Encodable & Sendable
    /// Flushes the buffer now (`POST /api/flush`).
    public var flush: @Sendable () async -> FlushService.Report
    /// The store, for reads.
    public var store: any Store
    /// Live events for `GET /api/events`.
    public var events: EventHub
    /// News bodies for `GET /api/news/{id}` (LS t3102).
    public var newsBodies: any NewsBodySource
    /// The broker, for stock snapshots, charts and the account.
    public var broker: any Broker
    /// The trading engine (orders, rules, kill switch).
    public var engine: TradingEngine
    /// The metrics registry (HTTP latency is recorded into it).
    public var metrics: PrometheusCollectorRegistry
    /// Renders `/metrics` (refreshes snapshot-derived figures, then emits the registry).
    public var renderMetrics: @Sendable () async -> String
    /// The dashboard's files served at `/` and `/dashboard/{file}` (the bundled ones unless a test gives others).
    public var dashboard: DashboardAssets = .bundled
    /// Why this node does not take trading commands (a standby, `SOKBO_HA=on`), nil when it does.
    public var standby: @Sendable () -> String? = { nil }
    /// Replays run through the API (`/api/replays`); nil answers 503.
    public var replays: ReplayJobs?

    /// Creates the dependencies.
    public init(apiToken: String, status: @escaping @Sendable () async -> any Encodable & Sendable,
                flush: @escaping @Sendable () async -> FlushService.Report, store: any Store, events: EventHub,
                newsBodies: any NewsBodySource, broker: any Broker, engine: TradingEngine, metrics: PrometheusCollectorRegistry, renderMetrics: @escaping @Sendable () async -> String) {
        self.apiToken = apiToken
        self.status = status
        self.flush = flush
        self.store = store
        self.events = events
        self.newsBodies = newsBodies
        self.broker = broker
        self.engine = engine
        self.metrics = metrics
        self.renderMetrics = renderMetrics
    }
}

/// Builds the HTTP router: open `/health`, and `/api/*` behind the bearer token.
public func buildRouter(_ deps: APIDependencies) -> Router<SokboRequestContext> {
    let router = Router(context: SokboRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: HTTPMetricsMiddleware(registry: deps.metrics))
    router.add(middleware: JSONErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware())
    router.get("/health") { _, _ in
        JSONResponse(["status": "ok"])
    }
    MetricsRoute(render: deps.renderMetrics, apiToken: deps.apiToken).register(on: router)
    OpenAPIRoute().register(on: router)
    DashboardRoutes(assets: deps.dashboard).register(on: router)
    let api = router.group("api").add(middleware: BearerTokenMiddleware(token: deps.apiToken))
        .add(middleware: StandbyMiddleware(answer: deps.standby))
    api.get("status") { _, _ in
        JSONResponse(await deps.status())
    }
    api.post("flush") { _, _ in
        let report = await deps.flush()
        if let error = report.error {
            throw APIError(.serviceUnavailable, code: "flush_failed", message: "the database refused the write: \(error)")
        }
        return JSONResponse(report)
    }
    NewsRoutes(store: deps.store).register(on: api)
    NewsBodyRoutes(store: deps.store, source: deps.newsBodies).register(on: api)
    DisclosureRoutes(store: deps.store).register(on: api)
    StockRoutes(broker: deps.broker).register(on: api)
    TradingRoutes(engine: deps.engine, store: deps.store).register(on: api)
    PositionRoutes(engine: deps.engine, store: deps.store).register(on: api)
    EventRoutes(hub: deps.events).register(on: api)
    ReplayRoutes(replays: deps.replays, engine: deps.engine).register(on: api)
    // Last, so it wraps only the not-found responder (see the type).
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// A JSON response from any encodable value, with sorted keys so the bytes are stable.
public struct JSONResponse: ResponseGenerator {
    let value: any Encodable & Sendable
    let status: HTTPResponse.Status

    /// Wraps a value.
    public init(_ value: any Encodable & Sendable, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    /// Encodes the value.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try Self.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The bytes every JSON answer is made of (the conformance test encodes through this too).
    public static func encode(_ value: any Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}
