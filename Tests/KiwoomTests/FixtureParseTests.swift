import Foundation
@testable import Kiwoom
import SokboCore
import Testing

/// Every api-id's reply and error shapes, parsed from fixtures in the spec's wire format.
@Suite struct FixtureParseTests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ api: KiwoomAPI, _ name: String, status: Int = 200) throws -> T {
        try KiwoomClient.decode(type, api: api, status: status, body: try fixture(name))
    }

    static func failure(_ api: KiwoomAPI, _ name: String, status: Int = 200) throws -> KiwoomError {
        do {
            _ = try decode(KiwoomWireFields.self, api, name, status: status)
        } catch let error as KiwoomError {
            return error
        }
        Issue.record("\(name) parsed as a success")
        throw KiwoomError(.decoding, apiID: api.rawValue, message: "no error")
    }

    @Test func au10001() throws {
        let ok = try Self.decode(AU10001Response.self, .au10001, "http_au10001_ok")
        #expect(ok.expires_dt == "20260918201008" && ok.token?.count == 86 && ok.token_type?.lowercased() == "bearer")
        #expect(!ok.description.contains(ok.token ?? "-"))
        #expect(try Self.failure(.au10001, "http_au10001_8001").category == .credentials)
        #expect(try Self.failure(.au10001, "http_au10001_8030").category == .modeMismatch)
    }

    @Test func ka10001() throws {
        let info = try Self.decode(KA10001Response.self, .ka10001, "http_ka10001_ok")
        #expect(info.stk_nm == "삼성전자" && info.hgst250 == "+169400" && info.mac_wght == "")
        let broker = KiwoomBroker(configuration: .defaults(for: "simulate"))
        let snapshot = try broker.assemble(ticker: Ticker("005930")!, info: info, book: nil, margin: nil, state: nil)
        #expect(snapshot.price == 160_400 && snapshot.basePrice == 169_100 && snapshot.change == -8_700)
        #expect(snapshot.changePercent == -5.14 && snapshot.limits == DailyLimits(upper: 219_500, lower: 118_400))
        #expect(snapshot.open == 168_000 && snapshot.low == 159_800 && snapshot.volume == 21_873_456)
        #expect(snapshot.missing == [.orderBook, .marginRate, .haltStatus] && snapshot.halted == nil)
        let e = try Self.failure(.ka10001, "http_ka10001_1902")
        #expect(e.category == .symbolNotFound && e.code == "1902" && e.returnCode == 7)
    }

    @Test func ka10004() throws {
        let wire = try Self.decode(KA10004Response.self, .ka10004, "http_ka10004_ok")
        #expect(wire.sel.count == 10 && wire.sel[0].bid == "-288500" && wire.buy[1].bid == "-287500" && wire.sel[9].req == "4780")
        let book = KiwoomBroker.orderBook(wire)
        #expect(book.asks.map(\.price) == stride(from: 288_500, through: 293_000, by: 500).map { $0 })
        #expect(book.bids.first == BookLevel(price: 288_000, quantity: 2_210) && book.bids.count == 10)
        #expect(book.totalAskQuantity == book.asks.reduce(0) { $0 + $1.quantity })
        #expect(book.time == "101523")
        let e = try Self.failure(.ka10004, "http_ka10004_429_1700", status: 429)
        #expect(e.category == .rateLimited && e.code == "1700" && e.isRetryable && e.httpStatus == 429)
    }

    @Test func ka10100() throws {
        let state = try Self.decode(KA10100Response.self, .ka10100, "http_ka10100_ok")
        #expect(KiwoomValue.marginRate(inState: state.state) == 20 && state.name == "삼성전자")
        let halted = try Self.decode(KA10100Response.self, .ka10100, "http_ka10100_halted")
        let info = try Self.decode(KA10001Response.self, .ka10001, "http_ka10001_ok")
        let snapshot = try KiwoomBroker(configuration: .defaults(for: "simulate"))
            .assemble(ticker: Ticker("005930")!, info: info, book: nil, margin: nil, state: halted)
        #expect(snapshot.halted == true && snapshot.marginRatePercent == 100 && snapshot.missing == [.orderBook])
    }

    @Test func kt00011() throws {
        let margin = try Self.decode(KT00011Response.self, .kt00011, "http_kt00011_ok")
        #expect(KiwoomValue.percent(margin.stk_profa_rt) == 20)
        #expect(KiwoomValue.signedInt(margin.byRate[20]?.ord_alow_amt) == 50_000_000)
        #expect(KiwoomValue.signedInt(margin.byRate[100]?.ord_alowq) == 10_000_000 / 160_400)
        let e = try Self.failure(.kt00011, "http_kt00011_rc9000")
        #expect(e.category == .unsupported && e.code == "RC9000")
    }

    @Test func kt10000AndKt10001() throws {
        #expect(try Self.decode(KT10000Response.self, .kt10000, "http_kt10000_ok").ord_no == "0157630")
        #expect(try Self.decode(KT10000Response.self, .kt10001, "http_kt10001_ok").ord_no == "0000138")
        #expect(try Self.failure(.kt10000, "http_kt10000_rc4058").category == .marketClosed)
        #expect(try Self.failure(.kt10000, "http_kt10000_rc4003").code == "RC4003")
        let shares = try Self.failure(.kt10001, "http_kt10001_800033")
        #expect(shares.category == .rejected && shares.code == "800033")
    }

    @Test func kt10002AndKt10003() throws {
        let modify = try Self.decode(KT10002Response.self, .kt10002, "http_kt10002_ok")
        #expect(modify.base_orig_ord_no == "0000139" && KiwoomValue.signedInt(modify.mdfy_qty) == 1)
        #expect(try Self.failure(.kt10002, "http_kt10002_rc4032").code == "RC4032")
        let cancel = try Self.decode(KT10003Response.self, .kt10003, "http_kt10003_ok")
        #expect(cancel.ord_no == "0000141" && KiwoomValue.signedInt(cancel.cncl_qty) == 1)
        #expect(try Self.failure(.kt10003, "http_kt10003_1511").category == .input)
    }

    @Test func ka10081WithAStringReturnCodeAndADegenerateRow() throws {
        let chart = try Self.decode(KA10081Response.self, .ka10081, "http_ka10081_ok")
        let rows = chart.stk_dt_pole_chart_qry ?? []
        #expect(rows.count == 3 && rows[0].dt == "20250908")
        let candles = rows.compactMap { r in
            KST.date(yyyymmdd: r.dt ?? "", hhmmss: "000000").flatMap { KiwoomBroker.candle($0, r.open_pric, r.high_pric, r.low_pric, r.cur_prc, r.trde_qty) }
        }
        #expect(candles.count == 2 && candles[1].close == 69_500 && candles[1].open == 70_300)
        let e = try Self.failure(.ka10081, "http_ka10081_1511")
        #expect(e.category == .input && e.message.contains("base_dt"))
    }

    @Test func ka10080() throws {
        let chart = try Self.decode(KA10080Response.self, .ka10080, "http_ka10080_ok")
        let row = try #require(chart.stk_min_pole_chart_qry?.first)
        #expect(KiwoomValue.price(row.cur_prc) == 78_800 && KiwoomValue.signedInt(row.pred_pre) == -600)
        let time = try #require(KiwoomBroker.minuteTime(row.cntr_tm))
        #expect(time == KST.date(yyyymmdd: "20250917", hhmmss: "132000"))
    }

    @Test func kt00001AndKt00018() throws {
        let deposit = try Self.decode(KT00001Response.self, .kt00001, "http_kt00001_ok")
        #expect(KiwoomValue.signedInt(deposit.d1_slby_exct_amt) == -84 && deposit.stk_ord_alow_amt20 == "000000048636250")
        let balance = try Self.decode(KT00018Response.self, .kt00018, "http_kt00018_ok")
        let account = KiwoomBroker.account(deposit: deposit, balance: balance)
        #expect(account.cash == 10_000_000 && account.orderableCash == 9_727_250 && account.estimatedAssets == 10_014_242)
        #expect(account.positions == [Position(ticker: Ticker("005930")!, name: "삼성전자", quantity: 1, sellableQuantity: 1,
                                               averagePrice: 272_750, currentPrice: 288_000, profitLoss: 14_242)])
        #expect(try Self.failure(.kt00001, "http_kt00001_1511").message.contains("qry_tp"))
        let e = try Self.failure(.kt00018, "http_kt00018_8005")
        #expect(e.requiresNewToken && e.category == .token)
    }

    @Test func ka10075() throws {
        let open = try Self.decode(KA10075Response.self, .ka10075, "http_ka10075_ok")
        let orders = (open.oso ?? []).compactMap(KiwoomBroker.order)
        #expect(orders.count == 2)
        #expect(orders[0].side == .buy && orders[0].openQuantity == 10 && orders[0].originalOrderNo == nil && orders[0].fillPrice == nil)
        #expect(orders[1].side == .sell && orders[1].filledQuantity == 3 && orders[1].fillPrice == 201_000)
        #expect(try Self.failure(.ka10075, "http_ka10075_1511").message.contains("all_stk_tp"))
    }

    @Test func routingErrors() throws {
        #expect(try Self.failure(.ka10001, "http_error_1504").code == "1504")
        #expect(try Self.failure(.ka10001, "http_error_1505").category == .input)
        let batch = try Self.failure(.ka10001, "http_error_1634")
        #expect(batch.category == .batchTooLarge && !batch.isRetryable)
    }
}
