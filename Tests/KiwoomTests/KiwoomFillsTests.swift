import Foundation
import Kiwoom
import Logging
import Simulator
import SokboCore
import SokboTestSupport
import Testing

/// Every push the broker handed its consumer, in order.
actor PushLog {
    private(set) var pushes: [BrokerPush] = []

    func append(_ push: BrokerPush) { pushes.append(push) }

    /// The order reports of one order number, in order.
    func reports(_ number: String) -> [BrokerExecution] {
        pushes.compactMap { if case .execution(let e) = $0, e.brokerOrderNo == number { e } else { nil } }
    }

    /// Shares pushed as filled for one order.
    func filled(_ number: String) -> Int {
        reports(number).filter { $0.status == .filled }.reduce(0) { $0 + ($1.executionQuantity ?? 0) }
    }

    /// The latest holding pushed for a stock.
    func holding(_ ticker: Ticker) -> BrokerHolding? {
        pushes.last { if case .holding(let h) = $0 { h.ticker == ticker } else { false } }.flatMap { if case .holding(let h) = $0 { h } else { nil } }
    }

    /// Quote pushes of a stock so far.
    func quotes(_ ticker: Ticker) -> Int {
        pushes.count { if case .quote(let q) = $0 { q.ticker == ticker } else { false } }
    }

    /// Where a push first appears, if it does.
    func index(of push: BrokerPush) -> Int? { pushes.firstIndex(of: push) }

    /// How many times a push appears.
    func count(of push: BrokerPush) -> Int { pushes.count { $0 == push } }
}

/// Fills and order life against the simulator over loopback, with its limits on: the realtime `00`/`04`/`1h`
/// pushes reach `KiwoomBroker.pushes()`, consistent with the REST replies; `watch` follows the engine's
/// positions; `ka10076` and `kt00018` answer the REST side. Waits are long (60 s): they wait on events, and
/// the machine may be loaded.
@Suite(.serialized) struct KiwoomFillsTests {
    let samsung = Ticker("005930")!
    let hynix = Ticker("000660")!

    /// A market that moves only when a test steps it, with no random VI (tests start them).
    static func still() -> KiwoomSimulatorConfiguration {
        var configuration = KiwoomSimulatorConfiguration(realtimeMarketStep: nil)
        configuration.viPerHour = 0
        configuration.impulseRise = .zero
        return configuration
    }

    /// Runs a broker whose realtime service watches `watchlist` (and the account), and a consumer logging every push.
    func withFeed(_ configuration: KiwoomSimulatorConfiguration = still(), watchlist: [Ticker] = [],
                  _ body: @Sendable @escaping (KiwoomSimulator, KiwoomBroker, PushLog) async throws -> Void) async throws {
        try await withSimulator(configuration) { sim, url in
            var logger = Logger(label: "test.fills")
            logger.logLevel = .critical
            let broker = KiwoomBroker(client: KiwoomClient(configuration: testConfiguration(url)), quotes: KiwoomQuoteBook(), logger: logger)
            let service = KiwoomRealtimeService(
                broker: broker,
                configuration: .init(webSocketURL: { try await sim.realtimeURL() }, watchlist: watchlist,
                                     backoffInitial: .milliseconds(50), backoffCap: .milliseconds(200)),
                logger: logger)
            let log = PushLog()
            let pushes = broker.pushes()
            let consumer = Task { for await push in pushes { await log.append(push) } }
            let task = Task { try await service.run() }
            defer { task.cancel(); consumer.cancel() }
            let connected = try await eventually(timeout: .seconds(60)) { await log.index(of: .feed(connected: true)) != nil }
            try #require(connected, "the account feed comes up (until then the venue's pushes reach nobody)")
            #expect(broker.accountFeedConnected)
            try await body(sim, broker, log)
            task.cancel()
            _ = await task.result
            consumer.cancel()
        }
    }

    func accepted(_ submission: OrderSubmission) throws -> String {
        guard case .accepted(let number) = submission else {
            Issue.record("not accepted: \(submission)")
            throw CancellationError()
        }
        return number
    }

    @Test func aMarketBuyIsReceivedThenFilledAndHeldAndAMarketSellEmptiesIt() async throws {
        try await withFeed { sim, broker, log in
            let buy = try accepted(await broker.submit(OrderRequest(clientOrderID: "b1", ticker: samsung, side: .buy, quantity: 10, price: .market)))
            let bought = try await eventually(timeout: .seconds(60)) {
                let filled = await log.filled(buy), held = await log.holding(samsung)?.quantity
                return filled == 10 && held == 10
            }
            #expect(bought)
            let reports = await log.reports(buy)
            #expect(reports.first?.status == .received && reports.first?.openQuantity == 10 && reports.first?.orderPrice == 0)
            let fills = reports.filter { $0.status == .filled }
            #expect(!fills.isEmpty && fills.allSatisfy { $0.executionID != nil && ($0.executionPrice ?? 0) > 0 && $0.side == .buy })
            #expect(Set(fills.compactMap(\.executionID)).count == fills.count, "each execution has its own number")
            #expect(fills.last?.openQuantity == 0 && fills.last?.cumulativeQuantity == 10)
            #expect(sim.position("005930") == 10)
            let holding = await log.holding(samsung)
            #expect(holding?.sellableQuantity == 10 && (holding?.averagePrice ?? 0) > 0)

            // A market sell (kt10001, trde_tp "3", ord_uv "") end to end.
            let sell = try accepted(await broker.submit(OrderRequest(clientOrderID: "s1", ticker: samsung, side: .sell, quantity: 10, price: .market)))
            let sold = try await eventually(timeout: .seconds(60)) {
                let filled = await log.filled(sell), held = await log.holding(samsung)?.quantity
                return filled == 10 && held == 0
            }
            #expect(sold)
            #expect(await log.reports(sell).allSatisfy { $0.side == .sell })
            #expect(sim.position("005930") == 0)

            // kt00018 keeps the sold-out stock's row (rmnd_qty 0) as the live venue does; the broker drops it.
            let rows = try await broker.client.kt00018().acnt_evlt_remn_indv_tot ?? []
            #expect(rows.contains { $0.stk_cd == "A005930" && Int($0.rmnd_qty ?? "") == 0 })
            #expect(try await broker.account().positions.isEmpty)
        }
    }

    @Test func aLargeOrderFillsOverSeveralExecutionsAsTheBookReplenishes() async throws {
        try await withFeed { sim, broker, log in
            let offered = sim.book("005930").asks.reduce(0) { $0 + $1.quantity }
            let quantity = offered + 40
            let number = try accepted(await broker.submit(OrderRequest(clientOrderID: "big", ticker: samsung, side: .buy, quantity: quantity, price: .market)))
            let firstSweep = try await eventually(timeout: .seconds(60)) { await log.filled(number) == offered }
            #expect(firstSweep, "the ten levels are taken, one execution each")
            #expect(await log.reports(number).last?.openQuantity == 40)
            // The rest waits on the book; each step of the market brings new offers.
            let done = try await eventually(timeout: .seconds(60)) {
                sim.stepMarket("005930")
                return await log.filled(number) == quantity
            }
            #expect(done)
            let fills = await log.reports(number).filter { $0.status == .filled }
            #expect(fills.count > 10)
            #expect(fills.last?.openQuantity == 0)
            #expect(await log.holding(samsung)?.quantity == quantity)
        }
    }

    @Test func aRestingLimitSellFillsWhenTheNewsLiftsThePriceToIt() async throws {
        try await withFeed { sim, broker, log in
            let buy = try accepted(await broker.submit(OrderRequest(clientOrderID: "b", ticker: samsung, side: .buy, quantity: 5, price: .market)))
            let bought = try await eventually(timeout: .seconds(60)) { await log.filled(buy) == 5 }
            #expect(bought)
            let target = KRXTick.up(from: try #require(sim.price("005930")), ticks: 5)
            let sell = try accepted(await broker.submit(OrderRequest(clientOrderID: "tp", ticker: samsung, side: .sell, quantity: 5, price: .limit(target))))
            let resting = try await broker.openOrdersAndFills(samsung)
            #expect(resting.contains { $0.brokerOrderNo == sell && $0.openQuantity == 5 }, "the sell rests (ka10075)")
            #expect(await log.filled(sell) == 0)

            sim.impulse(code: "005930", percent: 5)
            let filled = try await eventually(timeout: .seconds(60)) {
                sim.stepMarket("005930")
                return await log.filled(sell) == 5
            }
            #expect(filled)
            #expect(await log.reports(sell).filter { $0.status == .filled }.allSatisfy { ($0.executionPrice ?? 0) >= target })
            #expect(await log.holding(samsung)?.quantity == 0)
            #expect(try await broker.openOrdersAndFills(samsung).isEmpty)
        }
    }

    @Test func aCancelIsConfirmedAndTheRestNeverFills() async throws {
        try await withFeed { sim, broker, log in
            let limit = KRXTick.down(from: try #require(sim.price("005930")), ticks: 20)
            let order = try accepted(await broker.submit(OrderRequest(clientOrderID: "c", ticker: samsung, side: .buy, quantity: 7, price: .limit(limit))))
            // kt10003 with cncl_qty "0": the whole remainder.
            let cancel = try accepted(await broker.cancel(CancelRequest(brokerOrderNo: order, ticker: samsung)))
            let confirmed = try await eventually(timeout: .seconds(60)) {
                let cancelReports = await log.reports(cancel), orderReports = await log.reports(order)
                return cancelReports.contains { $0.status == .confirmed } && orderReports.contains { $0.status == .cancelled }
            }
            #expect(confirmed)
            let cancelReports = await log.reports(cancel)
            #expect(cancelReports.map(\.status) == [.received, .confirmed])
            #expect(cancelReports.allSatisfy { $0.originalOrderNo == order && $0.orderQuantity == 7 })
            #expect(await log.reports(order).last?.openQuantity == 0)

            // The price falls through the cancelled limit: nothing of it fills.
            sim.impulse(code: "005930", percent: -12)
            for _ in 0..<5 { sim.stepMarket("005930") }
            #expect(try #require(sim.price("005930")) < limit)
            // A later order's report arrives after everything queued before it.
            let marker = try accepted(await broker.submit(OrderRequest(clientOrderID: "m", ticker: hynix, side: .buy, quantity: 1, price: .market)))
            let markerSeen = try await eventually(timeout: .seconds(60)) { await !log.reports(marker).isEmpty }
            #expect(markerSeen)
            #expect(await log.filled(order) == 0)
            #expect(sim.position("005930") == 0)
        }
    }

    @Test func aModifyIsConfirmedOnItsNewNumberWhichThenFills() async throws {
        try await withFeed { sim, broker, log in
            let price = try #require(sim.price("005930"))
            let original = try accepted(await broker.submit(OrderRequest(clientOrderID: "o", ticker: samsung, side: .buy, quantity: 4,
                                                                         price: .limit(KRXTick.down(from: price, ticks: 10)))))
            // kt10002: the same quantity at the best ask, which crosses at once.
            guard case .accepted(_, let modified) = await broker.client.kt10002(originalOrderNo: original, stockCode: "005930", quantity: 4,
                                                                              price: KRXTick.up(from: price, ticks: 1)) else {
                Issue.record("modify not accepted")
                return
            }
            let filled = try await eventually(timeout: .seconds(60)) { await log.filled(modified) == 4 }
            #expect(filled)
            let reports = await log.reports(modified)
            #expect(Array(reports.map(\.status).prefix(2)) == [.received, .confirmed])
            #expect(reports.prefix(2).allSatisfy { $0.originalOrderNo == original })
            #expect(await log.filled(original) == 0)
            #expect(sim.position("005930") == 4)
        }
    }

    @Test func anOrderRefusedAfterItWasTakenIsReportedAndNeverFills() async throws {
        try await withFeed { sim, broker, log in
            sim.refuseNextOrder(reason: "주문가능수량 초과")
            let refused = try accepted(await broker.submit(OrderRequest(clientOrderID: "r", ticker: samsung, side: .buy, quantity: 2, price: .market)))
            let reported = try await eventually(timeout: .seconds(60)) { await log.reports(refused).contains { $0.status == .rejected } }
            #expect(reported)
            #expect(await log.reports(refused).map(\.status) == [.received, .rejected])
            #expect(await log.reports(refused).last?.reason == "주문가능수량 초과")
            let next = try accepted(await broker.submit(OrderRequest(clientOrderID: "n", ticker: samsung, side: .buy, quantity: 2, price: .market)))
            let filled = try await eventually(timeout: .seconds(60)) { await log.filled(next) == 2 }
            #expect(filled)
            #expect(await log.filled(refused) == 0)
            #expect(sim.position("005930") == 2)
        }
    }

    @Test func aDroppedFeedIsReportedAndComesBackRegistered() async throws {
        try await withFeed { sim, broker, log in
            await sim.dropRealtimeConnections()
            let down = try await eventually(timeout: .seconds(60)) { await log.index(of: .feed(connected: false)) != nil ? !broker.accountFeedConnected : false }
            #expect(down)
            let back = try await eventually(timeout: .seconds(60)) { await log.count(of: .feed(connected: true)) == 2 ? broker.accountFeedConnected : false }
            #expect(back)
            // The account types were registered again on the new socket.
            let number = try accepted(await broker.submit(OrderRequest(clientOrderID: "after", ticker: samsung, side: .buy, quantity: 1, price: .market)))
            let pushed = try await eventually(timeout: .seconds(60)) { await log.filled(number) == 1 }
            #expect(pushed)
        }
    }

    @Test func watchAddsAStocksTicksAndRemoveStopsThem() async throws {
        var configuration = Self.still()
        configuration.realtimeMarketStep = .milliseconds(20)
        try await withFeed(configuration) { sim, broker, log in
            #expect(await log.quotes(hynix) == 0)
            await broker.watch([samsung, hynix])
            let flowing = try await eventually(timeout: .seconds(60)) {
                let h = await log.quotes(hynix), s = await log.quotes(samsung)
                return h >= 3 && s >= 3
            }
            #expect(flowing)
            await broker.watch([samsung])
            let removed = try await eventually(timeout: .seconds(60)) { !(await sim.realtimeRegisteredCodes()).contains("000660") }
            #expect(removed)
            // Everything pushed before the REMOVE was taken has arrived once a later order's report has.
            let marker = try accepted(await broker.submit(OrderRequest(clientOrderID: "m", ticker: samsung, side: .buy, quantity: 1, price: .market)))
            let markerSeen = try await eventually(timeout: .seconds(60)) { await !log.reports(marker).isEmpty }
            #expect(markerSeen)
            let hynixQuotes = await log.quotes(hynix)
            let samsungQuotes = await log.quotes(samsung)
            let stillFlowing = try await eventually(timeout: .seconds(60)) { await log.quotes(samsung) >= samsungQuotes + 5 }
            #expect(stillFlowing)
            #expect(await log.quotes(hynix) == hynixQuotes, "no tick of a removed stock")
        }
    }

    @Test func aVolatilityInterruptionHaltsTradingUntilItEnds() async throws {
        try await withFeed(watchlist: [samsung]) { sim, broker, log in
            sim.startVolatilityInterruption(code: "005930")
            let halted = try await eventually(timeout: .seconds(60)) { await log.index(of: .halt(samsung, true)) != nil }
            #expect(halted)
            let number = try accepted(await broker.submit(OrderRequest(clientOrderID: "vi", ticker: samsung, side: .buy, quantity: 3, price: .market)))
            let received = try await eventually(timeout: .seconds(60)) { await !log.reports(number).isEmpty }
            #expect(received, "the order is taken during the VI")
            sim.stepMarket("005930")
            #expect(sim.inVolatilityInterruption("005930"))
            sim.endVolatilityInterruption(code: "005930")
            sim.stepMarket("005930")
            let filled = try await eventually(timeout: .seconds(60)) { await log.filled(number) == 3 }
            #expect(filled)
            let pushes = await log.pushes
            let end = try #require(pushes.firstIndex(of: .halt(samsung, false)))
            let firstFill = try #require(pushes.firstIndex { if case .execution(let e) = $0 { e.brokerOrderNo == number && e.status == .filled } else { false } })
            #expect(firstFill > end, "no fill before the VI ends")
        }
    }

    @Test func todaysFillsArePagedOverKa10076() async throws {
        var configuration = Self.still()
        configuration.fillsPageSize = 2
        try await withFeed(configuration) { sim, broker, log in
            var numbers: [String] = []
            for n in 1...5 {
                numbers.append(try accepted(await broker.submit(OrderRequest(clientOrderID: "f\(n)", ticker: samsung, side: .buy, quantity: n, price: .market))))
            }
            let fills = try await broker.fills(nil)
            #expect(Set(fills.map(\.brokerOrderNo)) == Set(numbers), "three pages of two rows")
            #expect(fills.allSatisfy { $0.status == .filled && $0.side == .buy && $0.openQuantity == 0 && ($0.executionPrice ?? 0) > 0 })
            #expect(fills.map(\.cumulativeQuantity).sorted() == [1, 2, 3, 4, 5])
            #expect(sim.requestCount("ka10076") == 3)
            #expect(try await broker.fills(hynix).isEmpty)
        }
        var quirk = Self.still()
        quirk.emptyFillHistory = true
        try await withFeed(quirk) { _, broker, _ in
            _ = await broker.submit(OrderRequest(clientOrderID: "q", ticker: samsung, side: .buy, quantity: 1, price: .market))
            let fills = try await broker.fills(nil)
            #expect(fills.isEmpty, "the mock host's empty ka10076")
        }
    }
}
