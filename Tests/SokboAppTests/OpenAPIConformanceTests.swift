import Alerts
@testable import DART
import Foundation
@testable import Kiwoom
import LSNews
@testable import Replay
@testable import SokboAPI
@testable import SokboApp
import SokboCore
@testable import Storage
import Testing
@testable import Trading
import Yams

/// Every answer the routes send, and every live event, validated against the OpenAPI document's schema
/// for it. Each sample sets every optional field (checked by reflection), so a property added to a type
/// and not to the document fails here, as does a documented property the type no longer has (where the
/// schema requires it) and any property the schema does not list (`additionalProperties: false`).
@Suite struct OpenAPIConformanceTests {
    static let at = Date(timeIntervalSince1970: 1_767_571_200)
    static let ticker = Ticker("005930")!

    let document: JSONValue
    let validator: JSONSchemaValidator

    init() throws {
        document = try JSONValue.parse(Data(OpenAPIDocument.json.utf8))
        validator = JSONSchemaValidator(document: document)
    }

    // MARK: - Samples, every optional set

    static func order(_ price: OrderPrice) -> Order {
        var order = Order(id: "n-202601050900001234567890-005930-buy", newsID: "202601050900001234567890", rule: "supply-contract",
                          ticker: ticker, side: .buy, quantity: 25, price: price, createdAt: at)
        order.state = .partiallyFilled
        order.brokerOrderNo = "0000123"
        order.filledQuantity = 10
        order.averageFillPrice = 39_250.5
        order.reason = "partly filled"
        order.eventCount = 4
        order.positionBefore = 0
        order.committedAmount = 392_500
        order.exitReason = .stopLoss
        order.updatedAt = at.addingTimeInterval(1)
        return order
    }

    static let news = NewsItem(id: "202601050900001234567890", publishedAt: at, source: "한경", title: "삼성전자 공급계약 체결",
                               tickers: [ticker], bodySize: 1200, category: "공시", receivedAt: at)
    static let disclosure = DisclosureRecord(id: "20260105000123", corpCode: "00126380", corpName: "삼성전자", ticker: ticker,
                                             reportName: "단일판매ㆍ공급계약체결", filer: "삼성전자", receivedDate: "20260105",
                                             remark: "유", createdAt: at)
    static let signal = SignalRecord(newsID: "202601050900001234567890", rule: "supply-contract", ticker: ticker, decision: .buy,
                                     reason: "matched rule supply-contract", createdAt: at, companyName: "삼성전자")
    static let snapshot = StockSnapshot(
        ticker: ticker, name: "삼성전자", price: 70_000, basePrice: 69_000, change: 1_000, changePercent: 1.45, open: 69_500,
        high: 70_500, low: 69_000, volume: 1_234_567, limits: DailyLimits(upper: 89_700, lower: 48_300), halted: false,
        marginRatePercent: 20,
        book: OrderBook(asks: [BookLevel(price: 70_100, quantity: 10)], bids: [BookLevel(price: 70_000, quantity: 5)],
                        totalAskQuantity: 10, totalBidQuantity: 5, time: "090001"),
        missing: [.orderBook, .marginRate, .haltStatus], asOf: at, source: .realtime)
    static let account = AccountSnapshot(
        cash: 100_000_000, orderableCash: 90_000_000, totalPurchase: 700_000, totalValuation: 710_000, profitLoss: 10_000,
        estimatedAssets: 100_710_000,
        positions: [Position(ticker: ticker, name: "삼성전자", quantity: 10, sellableQuantity: 10, averagePrice: 70_000,
                             currentPrice: 71_000, profitLoss: 10_000)])

    static let trade = TradeRecord(id: "t-x-005930-1-stop-loss", trade: Trade(
        ticker: ticker, rule: "supply-contract", newsID: "202601050900001234567890", openedAt: at, closedAt: at.addingTimeInterval(60),
        quantity: 10, entryPrice: 70_000, exitPrice: 67_900, exitReason: .stopLoss, grossPnL: -21_000, commission: 207, tax: 1_358,
        netPnL: -22_565))
    static let position = PositionView(
        ticker: ticker, quantity: 10, sellable: 10, averageCost: 70_000, openedAt: at, rule: "supply-contract",
        newsID: "202601050900001234567890", mark: 70_500, markedAt: at, unrealisedPnL: 3_470, realisedPnL: -105, commission: 105,
        tax: 0, exiting: false, halted: false, waiting: "stop-loss waits: trading in 005930 is halted",
        exits: ExitPolicy(roi: [ROIStep(minutes: 10, minimumReturnPercent: 1)]))
    static let pnlToday = PnLToday(realised: -22_565, unrealised: 3_470, lossLimitHit: false)

    static func replayResult(variant: String) -> ReplayResult {
        let figures = RuleFigures(rule: "supply-contract", trades: 1, winRatePercent: 0, averageReturnPercent: -3.2, medianReturnPercent: -3.2,
                                  totalPnl: -22_565, maxDrawdown: 22_565, exposurePercent: 1.5, exitReasons: ["stop-loss": 1],
                                  skipped: ["max rise #%": 2], unfilled: 1)
        var total = figures
        total.rule = "total"
        return ReplayResult(
            latencyMs: 300, slippageTicks: 1, firstDay: "20261102", lastDay: "20261102", days: 1, headlines: 700, outOfOrder: 0,
            rules: [figures], total: total,
            trades: [ReplayTrade(day: "20261102", rule: "supply-contract", ticker: "005930", newsID: "202611021000001234567890",
                                 headline: "삼성전자 공급계약 체결", entryAt: at.epochMilliseconds, entryPrice: 70_000, quantity: 10,
                                 exitAt: at.epochMilliseconds + 60_000, exitPrice: 67_900, exitReason: "stop-loss", pnl: -22_565,
                                 returnPercent: -3.2236)],
            missing: [MissingData(day: "20261102", ticker: "011810", reason: "no recorded minute candles for 011810 on 20261102")],
            equity: [EquityPoint(at: at.epochMilliseconds + 60_000, pnl: -22_565, rule: "supply-contract")], variant: variant)
    }

    /// A replay job with every field set; `results` is one result or a sweep's.
    static func replayJob(_ state: ReplayJob.State, results: [ReplayResult]) -> ReplayJob {
        ReplayJob(id: "r1-5f3a9c", state: state,
                  request: ReplayRequest(sample: false, from: "2026-11-02", to: "2026-11-02", rules: "rules: []", latencyMs: 300,
                                         slippageTicks: 1, flattenAt: "15:20", set: "supply-contract.stop-loss-percent=5,10"),
                  createdAt: at, startedAt: at, finishedAt: at.addingTimeInterval(2),
                  progress: .init(fraction: 1, lines: 2_000, headlines: 700, day: "20261102", trades: 3, variant: 2, variants: 2),
                  error: "cannot open the recording", result: ReplayResults(results))
    }

    static func flushReport() -> FlushService.Report {
        FlushService.Report(at: at, rows: 3, attempted: 4, durationMs: 1.5, error: "database refused")
    }

    static func status() -> StatusReport {
        var news = LSListenerStatus()
        news.state = .connected
        news.lastFrameAt = at
        news.connectedSince = at
        news.framesRejected = ["notJSON": 1]
        news.lastError = "reset"
        news.nextAttemptAt = at
        var realtime = KiwoomRealtimeService.Status()
        realtime.lastError = "reset"
        realtime.subscribedSince = at
        realtime.evictedUntil = at
        var dart = DARTStatus(state: "polling", mapSource: .cache, mapEntries: 3, mapListed: 2, pollsToday: 1,
                              pollRequestsToday: 1, requestsToday: 2, budgetLeft: 100, pollBudgetLeft: 50, intervalMs: 3_000,
                              delivered: 1)
        dart.mapFetchedAt = at
        dart.mapAgeSeconds = 60
        dart.lastPollAt = at
        dart.backoffUntil = at
        dart.lastError = "020"
        dart.lastFullyPolledDay = "20261201"
        return StatusReport(
            mode: "simulate", startedAt: at, uptimeSeconds: 1.5, services: ["engine": "running"],
            buffer: RowBuffer.Stats(depth: ["news": 1], total: 1, capacity: 1_000_000, appended: 5, highWater: 2),
            flush: FlushService.Status(lastFlush: flushReport(), lastError: flushReport(), consecutiveFailures: 1, rowsWritten: 3,
                                       spilledRows: 0, rejectedRows: 0, intervalMs: 1_000),
            database: .init(kind: "sqlite", url: "sqlite:///tmp/sokbo.sqlite"),
            news: news,
            engine: EngineStatus(halted: false, rules: 3,
                                 counters: TradingEngine.Counters(evaluated: 5, noMatch: 1, vetoed: 1, skipped: 1, ordersSent: 2,
                                                                  byState: ["accepted": 2]),
                                 committedToday: 700_000, budgetLeft: 9_300_000, openUnknown: 0,
                                 newsToOrder: LatencySummary(count: 2, p50: 0.4, p99: 0.5, max: 0.6),
                                 tickToExit: LatencySummary(count: 1, p50: 0.3, p99: 0.3, max: 0.3), positions: 1,
                                 pnl: pnlToday, positionDifferences: ["005930: the store's fills hold 10, the broker 8"]),
            dart: DARTStatusReport(state: "running", poller: dart, warning: "the company map is a day old"),
            kiwoomRealtime: realtime, eventLoopLagSeconds: 0.0004,
            tokens: .init(lsRenewsAt: at, lsIssued: 1, kiwoomIssued: 1),
            kiwoomRest: kiwoomRest(),
            alerts: alerts(),
            ha: HANode.Status(node: "node-b", holder: "node-b#1a2b3c4d", role: "active", epoch: 7, activeNode: "node-b", leaseAgeMs: 412,
                              lastTakeover: .init(at: at, epoch: 7, cause: "expired", previousNode: "node-a", inFlightOrders: 1,
                                                  barrierWaitMs: 0, inFlightHoldMs: 9_000, inFlightHeldUntil: at.addingTimeInterval(9)),
                              demotedCause: "the lease was taken by another node"))

    }

    static func kiwoomRest() -> KiwoomRESTStatus {
        let token = KiwoomTokenStatus(
            state: .failing, issued: 2, issuedAt: at, expiresAt: at.addingTimeInterval(86_400), renewsAt: at.addingTimeInterval(85_800),
            refusals: 1, lastRefusal: .init(at: at, apiID: "kt10000", code: "8005", message: "인증에 실패했습니다[8005:Token이 유효하지 않습니다]"),
            lastIssueFailure: .init(at: at, error: "transport: connection refused"))
        let bucket = KiwoomBucketStatus(bucket: "kt10000", kind: .apiID, available: 0, limit: 1, perSecond: 1, queued: 2, used: 5,
                                        rateLimited: 1, refused: 1, pausedFor: .seconds(1), sinceRateLimited: .zero, at: at)
        let category = KiwoomBucketStatus(bucket: "orders", kind: .category, available: 2.5, limit: 3, perSecond: 5, queued: 0, used: 5,
                                          rateLimited: 0, refused: 0, pausedFor: .seconds(1), sinceRateLimited: .seconds(2), at: at)
        return KiwoomRESTStatus(token: token, buckets: [category, bucket])
    }

    static func alerts() -> AlertsStatus {
        var telegram = AlertsStatus.Telegram()
        telegram.lastError = "getUpdates: HTTP 502"
        var webhook = AlertOutbox.Status(type: "webhook", name: "webhook 1 (hooks.slack.com, slack)")
        webhook.state = "failing"
        webhook.failingSince = at
        webhook.lastError = "HTTP 503"
        return AlertsStatus(telegram: telegram, destinations: [webhook], messages: ["order.accepted": 1], unmappedEvents: 0,
                            eventsMissed: 0, modes: ["order.filled": "on"])
    }

    /// Every response body a route sends: the operation, its status, and the value the route encodes.
    static func responses() -> [(operation: String, status: String, value: any Encodable & Sendable)] {
        [
            ("GET /health", "200", ["status": "ok"]),
            ("GET /api/status", "200", status()),
            ("POST /api/flush", "200", flushReport()),
            ("GET /api/news", "200", Listing(items: [news])),
            ("GET /api/news/{id}", "200", NewsBodyRoutes.NewsDetail(id: news.id, title: news.title, body: "본문", tickers: [ticker],
                                                                     publishedAt: at)),
            ("GET /api/disclosures", "200", Listing(items: [disclosure])),
            ("GET /api/stocks/{code}", "200", snapshot),
            ("GET /api/stocks/{code}/chart", "200", StockRoutes.ChartReply(
                ticker: ticker, interval: .minute, candles: [Candle(time: at, open: 1, high: 2, low: 1, close: 2, volume: 3)])),
            ("GET /api/account", "200", account),
            ("GET /api/signals", "200", Listing(items: [signal])),
            ("GET /api/orders", "200", Listing(items: [order(.limit(39_250)), order(.market)])),
            ("POST /api/orders", "201", order(.limit(39_250))),
            ("POST /api/orders", "201", order(.market)),
            ("POST /api/orders/{id}/cancel", "200", order(.market)),
            ("POST /api/trading/halt", "200", ["halted": true]),
            ("GET /api/positions", "200", Listing(items: [position])),
            ("POST /api/positions/{ticker}/close", "202", PositionRoutes.ExitAnswer(ticker: "005930", sent: true, reason: "sent")),
            ("POST /api/trading/flatten", "202", Listing(items: [PositionRoutes.ExitAnswer(ticker: "005930", sent: false,
                                                                                           reason: "an exit is already in flight")])),
            ("GET /api/trades", "200", Listing(items: [trade])),
            ("GET /api/pnl", "200", PositionRoutes.PnLReport(days: [PositionRoutes.DailyPnL(
                day: "20260105", trades: 1, netPnL: -22_565,
                byRule: [PositionRoutes.DailyPnL.RulePnL(rule: "supply-contract", trades: 1, netPnL: -22_565)])], today: pnlToday)),
            ("POST /api/trading/resume", "200", ["halted": false]),
            ("POST /api/events/disconnect", "200", ["closed": 2]),
            ("POST /api/replays", "202", replayJob(.queued, results: [replayResult(variant: "supply-contract.stop-loss-percent=5")])),
            ("GET /api/replays/{id}", "200", replayJob(.done, results: [replayResult(variant: "supply-contract.stop-loss-percent=5")])),
            ("GET /api/replays/{id}", "200", replayJob(.done, results: [replayResult(variant: "supply-contract.stop-loss-percent=5"),
                                                                         replayResult(variant: "supply-contract.stop-loss-percent=10")])),
        ]
    }

    // MARK: - Tests

    @Test func everyResponseBodyConformsToItsDocumentedSchema() throws {
        for (operation, status, value) in Self.responses() {
            let unset = Self.unsetOptionals(value)
            #expect(unset.isEmpty, "\(operation): the sample leaves optionals unset, so they go unchecked: \(unset)")
            let schema = try #require(self.schema(operation, status), "\(operation) \(status) documents no JSON schema")
            let json = try JSONValue.parse(JSONResponse.encode(value))
            let errors = validator.errors(json, schema)
            #expect(errors.isEmpty, "\(operation) \(status) does not match its schema:\n\(errors.joined(separator: "\n"))")
        }
    }

    @Test func theRulesFileServedConformsToItsDocumentedSchema() throws {
        let rules = [
            Rule(name: "every-field", enabled: false, anyKeywords: ["공급계약"], allKeywords: ["체결"], vetoKeywords: ["취소"],
                 disclosurePattern: "단일판매ㆍ공급계약체결", budget: 1_000_000, orderType: .market, maxRisePercent: 15,
                 entryTimeoutSeconds: 30, exits: ExitPolicy(roi: [ROIStep(minutes: 10, minimumReturnPercent: 1)])),
            Rule(name: "exits-off", anyKeywords: ["무상증자"], budget: 1_000_000, exits: .none),
        ]
        // The first rule sets every field; the second turns every exit off (rendered `off`).
        let unset = Self.unsetOptionals(rules[0])
        #expect(unset.isEmpty, "the sample leaves optionals unset: \(unset)")
        let text = RulesYAML.render(rules)
        let loaded = try Yams.load(yaml: text)
        let json = try JSONValue.parse(JSONSerialization.data(withJSONObject: try #require(loaded)))
        for (method, content) in [("get", "text/yaml"), ("put", "text/yaml")] {
            let response = try #require(document["paths"]?["/api/rules"]?[method]?["responses"]?["200"])
            let schema = try #require(response["content"]?[content]?["schema"], "\(method) /api/rules 200 \(content)")
            let errors = validator.errors(json, schema)
            #expect(errors.isEmpty, "\(method) /api/rules: \(errors)")
        }
        // What PUT takes is what GET serves.
        let request = try #require(document["paths"]?["/api/rules"]?["put"]?["requestBody"]?["content"]?["text/yaml"]?["schema"])
        #expect(validator.errors(json, request).isEmpty)
    }

    @Test func theErrorEnvelopeConformsToEveryDocumentedErrorResponse() throws {
        let json = try JSONValue.parse(APIError.body(code: "not_found", message: "no such order"))
        let operations = try #require(document["paths"]?.object)
        var checked = 0
        for (path, item) in operations {
            for (method, operation) in item.object ?? [:] {
                for (status, _) in operation["responses"]?.object ?? [:] where (Int(status) ?? 0) >= 400 {
                    let schema = try #require(self.schema("\(method.uppercased()) \(path)", status))
                    #expect(validator.errors(json, schema).isEmpty, "\(method) \(path) \(status)")
                    checked += 1
                }
            }
        }
        #expect(checked > 40)
    }

    @Test func everyLiveEventKindIsDocumentedWithItsPayload() throws {
        let kinds = try #require(document["paths"]?["/api/events"]?["get"]?["x-event-kinds"]?.object)
        #expect(Set(kinds.keys) == Set(LiveEvent.Kind.allCases.map(\.rawValue) + ["gap"]),
                "published kinds and the document's x-event-kinds differ")
        for kind in LiveEvent.Kind.allCases {
            // Exhaustive: a new kind does not compile here until it has a sample payload.
            let event: LiveEvent = switch kind {
            case .news: LiveEvent(kind: kind, payload: Self.news)
            case .disclosure: LiveEvent(kind: kind, payload: Self.disclosure)
            case .signal: LiveEvent(kind: kind, payload: Self.signal)
            case .order: LiveEvent(kind: kind, payload: Self.order(.limit(39_250)))
            case .trading: LiveEvent(kind: kind, payload: ["halted": true])
            case .fill: LiveEvent(kind: kind, payload: TradingEngine.FillReport(
                orderID: "n-1-005930-buy", ticker: Self.ticker, side: .buy, quantity: 4, price: 39_250, cumulativeQuantity: 4,
                averagePrice: 39_250, at: Self.at))
            case .exit: LiveEvent(kind: kind, payload: TradingEngine.ExitNotice(
                ticker: Self.ticker, reason: .stopLoss, orderID: "x-005930-1-stop-loss", quantity: 4, waiting: "halted"))
            case .trade: LiveEvent(kind: kind, payload: Self.trade)
            case .protection: LiveEvent(kind: kind, payload: TradingEngine.ProtectionNotice(
                kind: "daily-loss-limit", detail: "entries halted", pnl: -600_000, limit: 500_000))
            }
            let schema = try #require(kinds[kind.rawValue])
            let errors = validator.errors(try JSONValue.parse(Data(event.json.utf8)), schema)
            #expect(errors.isEmpty, "event \(kind): \(errors)")
        }
        let gap = EventRoutes.frame(.gap(missed: 3))
        let data = try #require(gap.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
        #expect(validator.errors(try JSONValue.parse(Data(data.utf8)), try #require(kinds["gap"])).isEmpty)
    }

    @Test func everyObjectSchemaIsClosed() throws {
        var open: [String] = []
        func visit(_ node: JSONValue, _ path: String) {
            switch node {
            case .object(let object):
                if object["properties"] != nil, object["additionalProperties"] != .bool(false) { open.append(path) }
                for (key, value) in object { visit(value, "\(path)/\(key)") }
            case .array(let items):
                for (index, item) in items.enumerated() { visit(item, "\(path)/\(index)") }
            default:
                break
            }
        }
        visit(try #require(document["components"]), "#/components")
        visit(try #require(document["paths"]), "#/paths")
        #expect(open.isEmpty, "object schemas that let unknown properties through (schemathesis would too): \(open.sorted())")
    }

    @Test func theValidatorRefusesUnknownAndMissingPropertiesAndWrongTypes() throws {
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/BookLevel")])
        #expect(validator.errors(.object(["price": .integer(1), "quantity": .integer(2)]), schema).isEmpty)
        #expect(!validator.errors(.object(["price": .integer(1), "quantity": .integer(2), "extra": .null]), schema).isEmpty)
        #expect(!validator.errors(.object(["price": .integer(1)]), schema).isEmpty)
        #expect(!validator.errors(.object(["price": .number(1.5), "quantity": .integer(2)]), schema).isEmpty)
        let price = JSONValue.object(["$ref": .string("#/components/schemas/OrderPrice")])
        #expect(validator.errors(.object(["type": .string("market")]), price).isEmpty)
        #expect(!validator.errors(.object(["limit": .object(["_0": .integer(39_250)])]), price).isEmpty)
        #expect(!validator.errors(.object(["type": .string("limit")]), price).isEmpty)
    }

    // MARK: - Helpers

    /// The JSON schema of one documented response, following `$ref`s to `components/responses`.
    func schema(_ operation: String, _ status: String) -> JSONValue? {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        var response = document["paths"]?[parts[1]]?[parts[0].lowercased()]?["responses"]?[status]
        if let ref = response?["$ref"]?.string { response = validator.resolve(ref) }
        return response?["content"]?["application/json"]?["schema"]
    }

    /// Paths of optional properties that are nil anywhere in the value.
    static func unsetOptionals(_ value: Any, at path: String = "$") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return unsetOptionals(wrapped, at: path)
        }
        guard mirror.displayStyle == .struct || mirror.displayStyle == .collection || mirror.displayStyle == .dictionary
                || mirror.displayStyle == .set else { return [] }
        return mirror.children.enumerated().flatMap { index, child in
            unsetOptionals(child.value, at: "\(path).\(child.label ?? String(index))")
        }
    }
}
