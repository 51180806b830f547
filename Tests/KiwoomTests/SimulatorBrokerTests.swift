import AsyncHTTPClient
import Foundation
import Kiwoom
import NIOCore
import Simulator
import SokboCore
import Testing

/// The broker against the simulator over real loopback sockets.
@Suite struct SimulatorBrokerTests {
    let samsung = Ticker("005930")!

    @Test func tokenExpiryMidRunCausesExactlyOneReissueForConcurrentQueries() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            _ = try await client.ka10001(stockCode: "005930")
            #expect(sim.tokenIssuances == 1)
            sim.expireTokens()
            let before = sim.requestCount("au10001")
            // Two calls of each query api-id at once (the venue's pace is about one per api-id per second).
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<8 {
                    let code = KiwoomSimulator.universe[i % KiwoomSimulator.universe.count].code
                    switch i % 4 {
                    case 0: group.addTask { try await client.ka10001(stockCode: code).stk_nm != nil }
                    case 1: group.addTask { try await !client.ka10004(stockCode: code).sel.isEmpty }
                    case 2: group.addTask { try await client.ka10100(stockCode: code).state != nil }
                    default: group.addTask { try await client.kt00011(stockCode: code).stk_profa_rt != nil }
                    }
                }
                var answered = 0
                for try await ok in group where ok { answered += 1 }
                #expect(answered == 8)
            }
            #expect(sim.tokenIssuances == 2)
            #expect(sim.requestCount("au10001") - before == 1)
            #expect(await client.tokens.issuances == 2)
            #expect(sim.rateLimitedReplies == 0)
        }
    }

    @Test func queriesSucceedAfterInjected429Bursts() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            sim.inject(status: 429, count: 3, apiIDs: ["ka10001"])
            let info = try await client.ka10001(stockCode: "005930")
            #expect(info.stk_nm == "삼성전자")
            #expect(sim.requestCount("ka10001") == 4)
            sim.inject(status: 503, count: 2)
            let book = try await client.ka10004(stockCode: "005930")
            #expect(book.sel.count == 10)
            #expect(sim.requestCount("ka10004") == 3)
        }
    }

    @Test func theVenuesOwnRateLimitIsHonouredByBackingOff() async throws {
        let config = KiwoomSimulatorConfiguration(rateLimit: .init(perSecond: 2, burst: 1))
        try await withSimulator(config) { sim, url in
            // A client paced faster than the venue allows (a wrong setting): the venue's 429s pause the
            // api-id's bucket, and every call still gets its answer.
            let client = KiwoomClient(configuration: testConfiguration(url, rateLimits: KiwoomRateLimits(
                perAPIID: .init(perSecond: 50, burst: 4), backoff: .milliseconds(250))))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await client.ka10100(stockCode: "000660") } }
                try await group.waitForAll()
            }
            // More requests than calls: the venue answered 429 and the client paused and retried.
            #expect(sim.requestCount("ka10100") > 4)
            #expect(sim.rateLimitedReplies == sim.requestCount("ka10100") - 4)
        }
    }

    @Test func anOrderFacing429IsUnknownAndSentExactlyOnce() async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url))
            _ = try await broker.snapshot(samsung)
            sim.inject(status: 429, count: 5, apiIDs: ["kt10000"])
            let outcome = await broker.submit(OrderRequest(clientOrderID: "c1", ticker: samsung, side: .buy, quantity: 1, price: .market))
            guard case .unknown = outcome else { Issue.record("expected unknown, got \(outcome)"); return }
            #expect(sim.orderRequests == 1)
            sim.inject(status: 500, count: 1, apiIDs: ["kt10001"])
            let sell = await broker.submit(OrderRequest(clientOrderID: "c2", ticker: samsung, side: .sell, quantity: 1, price: .market))
            guard case .unknown = sell else { Issue.record("expected unknown, got \(sell)"); return }
            #expect(sim.orderRequests == 2)
        }
    }

    @Test func anOrderThatTimesOutIsUnknownAndSentExactlyOnce() async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url, orderTimeout: .milliseconds(300)))
            let price = try await broker.snapshot(samsung).limits.lower
            sim.setLatency(.seconds(2), for: "kt10000")
            let outcome = await broker.submit(OrderRequest(clientOrderID: "t1", ticker: samsung, side: .buy, quantity: 1, price: .limit(price)))
            guard case .unknown = outcome else { Issue.record("expected unknown, got \(outcome)"); return }
            #expect(sim.orderRequests == 1)
            // The order did reach the venue: reconciliation finds it.
            var open: [BrokerOrder] = []
            for _ in 0..<100 where open.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                open = try await broker.openOrdersAndFills(samsung)
            }
            #expect(open.count == 1 && open.first?.price == price)
            #expect(sim.orderRequests == 1)
        }
    }

    @Test func invalidInputsAreRefusedBeforeAnyRequest() async throws {
        try await withSimulator { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            for code in ["00593", "0059300", "005930_XX", "A005930", "", "abcdef"] {
                await #expect(throws: KiwoomError.self) { _ = try await client.ka10001(stockCode: code) }
            }
            await #expect(throws: KiwoomError.self) { _ = try await client.ka10081(stockCode: "005930", baseDate: "2025-09-08") }
            await #expect(throws: KiwoomError.self) { _ = try await client.ka10080(stockCode: "005930", tickScope: 2) }
            for outcome in [
                await client.kt10000(stockCode: "005930", quantity: 0, price: 70_000),
                await client.kt10000(stockCode: "005930", quantity: 1, price: 70_050),
                await client.kt10001(stockCode: "12345", quantity: 1, price: nil),
            ] {
                guard case .rejected(let e) = outcome, e.category == .invalidRequest else { Issue.record("\(outcome)"); continue }
            }
            #expect(sim.totalRequests == 0)

            let broker = KiwoomBroker(client: client)
            let snapshot = try await broker.snapshot(samsung)
            let seen = sim.totalRequests
            for order in [
                OrderRequest(clientOrderID: "a", ticker: samsung, side: .buy, quantity: 0, price: .market),
                OrderRequest(clientOrderID: "b", ticker: samsung, side: .buy, quantity: -3, price: .limit(snapshot.price)),
                OrderRequest(clientOrderID: "c", ticker: samsung, side: .buy, quantity: 1, price: .limit(snapshot.price + 1)),
                OrderRequest(clientOrderID: "d", ticker: samsung, side: .buy, quantity: 1, price: .limit(KRXTick.up(from: snapshot.limits.upper))),
                OrderRequest(clientOrderID: "e", ticker: samsung, side: .sell, quantity: 1, price: .limit(KRXTick.down(from: snapshot.limits.lower))),
            ] {
                let outcome = await broker.submit(order)
                #expect(outcome.isInvalidInput, "\(order.clientOrderID): \(outcome)")
            }
            #expect(sim.totalRequests == seen)
            #expect(sim.orderRequests == 0)
        }
    }

    @Test func dailyChartPagesThroughContYnAndNextKey() async throws {
        let config = KiwoomSimulatorConfiguration(dailyPageSize: 100, historyDays: 350)
        try await withSimulator(config) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            let rows = try await client.ka10081Pages(stockCode: "005930", baseDate: KST.dayString(Date()))
            #expect(rows.count == 350)
            #expect(sim.requestCount("ka10081") == 4)
            let dates = rows.compactMap(\.dt)
            #expect(Set(dates).count == 350 && dates == dates.sorted(by: >))
            let broker = KiwoomBroker(client: client)
            let from = try #require(KST.date(yyyymmdd: dates[150], hhmmss: "000000"))
            let candles = try await broker.chart(samsung, interval: .day, from: from, to: nil)
            #expect(candles.count == 151 && candles.first?.time == from)
            #expect(candles.allSatisfy { KRXTick.isOnGrid($0.close) && $0.low <= $0.close && $0.close <= $0.high })
            // Up to a past session's close: five whole sessions, whatever the hour this runs at.
            let pastClose = try #require(KST.date(yyyymmdd: dates[1], hhmmss: "153000"))
            let minutes = try await broker.chart(samsung, interval: .minute, from: nil, to: pastClose)
            #expect(minutes.count == 5 * 390)
            // As the venue: no bar after the current minute, even for today's session.
            let now = Date()
            let stamps = try await client.ka10080Pages(stockCode: "005930", maxPages: 20).compactMap(\.cntr_tm)
            #expect(!stamps.isEmpty && stamps.allSatisfy { $0 <= KST.dayString(now) + KST.timeString(now) },
                    "latest bar \(stamps.max() ?? "none")")
        }
    }

    @Test func snapshotAssemblesAllPartsFromOneRoundTrip() async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url))
            let s = try await broker.snapshot(samsung)
            #expect(s.name == "삼성전자" && s.basePrice == 70_000 && s.limits == DailyLimits(upper: 91_000, lower: 49_000))
            #expect(s.missing.isEmpty && s.marginRatePercent == 20 && s.halted == false)
            let book = try #require(s.book)
            #expect(book.asks.count == 10 && book.bids.count == 10 && book.asks[0].price > book.bids[0].price)
            #expect(book.asks.allSatisfy { KRXTick.isOnGrid($0.price) && s.limits.contains($0.price) })
            for code in ["ka10001", "ka10004", "kt00011", "ka10100"] { #expect(sim.requestCount(code) == 1) }
            // The day's reference (margin rate, halt state) is kept for the day; the price and book are fetched again.
            let again = try await broker.snapshot(samsung)
            #expect(again.halted == false && again.missing.isEmpty)
            for code in ["ka10001", "ka10004"] { #expect(sim.requestCount(code) == 2) }
            for code in ["kt00011", "ka10100"] { #expect(sim.requestCount(code) == 1) }
        }
    }

    @Test func ordersFillAndTheAccountStaysConsistent() async throws {
        try await withSimulator { sim, url in
            let broker = KiwoomBroker(configuration: testConfiguration(url))
            let start = try await broker.account()
            #expect(start.cash == 100_000_000 && start.positions.isEmpty)
            guard case .accepted(let number) = await broker.submit(OrderRequest(clientOrderID: "m", ticker: samsung, side: .buy, quantity: 10, price: .market)) else {
                Issue.record("market buy not accepted"); return
            }
            #expect(number.count == 7)
            let after = try await broker.account()
            let position = try #require(after.positions.first)
            #expect(position.ticker == samsung && position.quantity == 10 && position.sellableQuantity == 10)
            #expect(after.cash == start.cash - position.averagePrice * 10)
            #expect(sim.position("005930") == 10)
            // A resting bid at the lower limit shows as open; cancelling it removes it.
            let lower = try await broker.snapshot(samsung).limits.lower
            guard case .accepted(let resting) = await broker.submit(OrderRequest(clientOrderID: "r", ticker: samsung, side: .buy, quantity: 2, price: .limit(lower))) else {
                Issue.record("limit buy not accepted"); return
            }
            let open = try await broker.openOrdersAndFills(nil)
            #expect(open.map(\.brokerOrderNo) == [resting] && open.first?.side == .buy && open.first?.openQuantity == 2)
            #expect(try await broker.account().orderableCash == after.cash - lower * 2)
            guard case .accepted = await broker.cancel(CancelRequest(brokerOrderNo: resting, ticker: samsung)) else {
                Issue.record("cancel not accepted"); return
            }
            #expect(try await broker.openOrdersAndFills(samsung).isEmpty)
            // Selling more than held is the venue's 800033 rejection, not an unknown.
            let oversell = await broker.submit(OrderRequest(clientOrderID: "o", ticker: samsung, side: .sell, quantity: 11, price: .market))
            #expect(oversell == .rejected(code: "800033", message: "[2000](800033:모의투자 매도가능수량이 부족합니다.)"))
            let unknownCancel = await broker.cancel(CancelRequest(brokerOrderNo: "0999999", ticker: samsung))
            guard case .rejected(let code, _) = unknownCancel else { Issue.record("\(unknownCancel)"); return }
            #expect(code == "RC4032")
        }
    }

    @Test func wrongApiIdsAndMissingFieldsAnswerAsTheSpecShows() async throws {
        try await withSimulator { _, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            _ = try await client.ka10001(stockCode: "005930")
            let token = try await client.tokens.token()
            func post(_ path: String, apiID: String?, body: String) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: url + path)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json;charset=UTF-8")
                request.headers.add(name: "authorization", value: "Bearer " + token)
                if let apiID { request.headers.add(name: "api-id", value: apiID) }
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), String(buffer: bytes))
            }
            let wrongPath = try await post("/api/dostk/chart", apiID: "ka10001", body: #"{"stk_cd":"005930"}"#)
            #expect(wrongPath.0 == 200 && wrongPath.1.contains("[1504:") && wrongPath.1.contains(#""return_code":2"#))
            let unknown = try await post("/api/dostk/stkinfo", apiID: "ka99999", body: "{}")
            #expect(unknown.1.contains("[1505:"))
            let missing = try await post("/api/dostk/stkinfo", apiID: nil, body: "{}")
            #expect(missing.1.contains("[1501:"))
            let noQryTp = try await post("/api/dostk/acnt", apiID: "kt00001", body: "{}")
            #expect(noQryTp.1.contains("[1511:") && noQryTp.1.contains("qry_tp"))
            let noAllStkTp = try await post("/api/dostk/acnt", apiID: "ka10075", body: #"{"trde_tp":"0","stex_tp":"0"}"#)
            #expect(noAllStkTp.1.contains("필수입력 파라미터=all_stk_tp"))
            let unknownStock = try await post("/api/dostk/stkinfo", apiID: "ka10001", body: #"{"stk_cd":"999999"}"#)
            #expect(unknownStock.1.contains("[1902:") && unknownStock.1.contains(#""return_code":7"#))
        }
    }
}

extension OrderSubmission {
    var isInvalidInput: Bool {
        if case .rejected(let code, _) = self { return code == "invalid_input" }
        return false
    }
}

@Suite struct SimulateModeTests {
    @Test func theBaseURLCanBeResolvedOnceTheSimulatorListens() async throws {
        try await withSimulator { sim, url in
            var config = KiwoomConfiguration.defaults(for: "simulate")
            config.resolveBaseURL = { try await sim.baseURL() }
            let snapshot = try await KiwoomBroker(configuration: config).snapshot(Ticker("000660")!)
            #expect(snapshot.name == "SK하이닉스" && url.hasPrefix("http://127.0.0.1:"))
        }
    }
}

@Suite struct MarketHoursTests {
    /// 2026-11-26 is a Thursday; 2026-11-28 a Saturday.
    @Test(arguments: [
        ("20261126", "083000", "RC4057"), ("20261126", "153100", "RC4058"), ("20261128", "100000", "RC4058"), ("20261126", "100000", nil),
    ])
    func ordersOutsideTheSessionAreRefusedWhenHoursAreEnforced(day: String, time: String, code: String?) async throws {
        let instant = try #require(KST.date(yyyymmdd: day, hhmmss: time))
        let config = KiwoomSimulatorConfiguration(enforceMarketHours: true, marketClock: { instant })
        try await withSimulator(config) { sim, url in
            let client = KiwoomClient(configuration: testConfiguration(url))
            let outcome = await client.kt10000(stockCode: "005930", quantity: 1, price: nil)
            switch (outcome, code) {
            case (.rejected(let e), let expected?):
                #expect(e.code == expected && e.category == .marketClosed && e.message.contains("모의투자"))
            case (.accepted, nil):
                break
            default:
                Issue.record("\(day) \(time): \(outcome)")
            }
            #expect(sim.orderRequests == 1)
        }
    }
}
