import Foundation
@testable import Kiwoom
import SokboCore
import Testing

/// The pure readers of the position side: realtime `00`/`04`/`1h`/`0B`/`0D` items, `ka10076` rows and the
/// `kt00018` sold-out row, from fixtures in the documented shapes (`kiwoom-rest.md` §6.7, §6.9, §8.5).
@Suite struct KiwoomPushDecoderTests {
    let samsung = Ticker("005930")!

    func realItems() throws -> (items: [KiwoomRealtimeFrame.Item], skipped: Int) {
        let text = String(decoding: try FixtureParseTests.fixture("ws_real_00_04_1h"), as: UTF8.self)
        guard case .real(let items, let skipped) = try KiwoomRealtimeFrame.parse(text) else {
            Issue.record("not a REAL frame")
            return ([], 0)
        }
        return (items, skipped)
    }

    @Test func orderEventsHoldingsAndHaltsAreReadItemByItem() throws {
        let (items, skipped) = try realItems()
        #expect(skipped == 0)
        let outcomes = items.map { KiwoomPushDecoder.decode($0, lastPrice: { _ in nil }, now: Date(timeIntervalSince1970: 0)) }
        #expect(outcomes.count == 8)

        guard case .push(.execution(let received)) = outcomes[0] else { Issue.record("\(outcomes[0])"); return }
        #expect(received.brokerOrderNo == "0000018" && received.ticker == samsung && received.side == .buy)
        #expect(received.status == .received && received.orderQuantity == 1 && received.openQuantity == 1 && received.orderPrice == 0)
        #expect(received.originalOrderNo == nil && received.executionQuantity == nil && received.time == "094022")

        guard case .push(.execution(let filled)) = outcomes[1] else { Issue.record("\(outcomes[1])"); return }
        #expect(filled.status == .filled && filled.executionID == "0000201" && filled.executionPrice == 60_700)
        #expect(filled.executionQuantity == 1 && filled.openQuantity == 0 && filled.cumulativeQuantity == 1)

        // 9001 with the A prefix, as kt00018 sends codes.
        #expect(outcomes[2] == .push(.holding(BrokerHolding(ticker: samsung, quantity: 1, averagePrice: 60_700, sellableQuantity: 1))))
        #expect(outcomes[3] == .push(.halt(samsung, true)))
        #expect(outcomes[4] == .push(.halt(samsung, false)))
        // An order event without an order number is counted, never a crash, and the rest are still read.
        guard case .malformed = outcomes[5] else { Issue.record("\(outcomes[5])"); return }
        guard case .push(.quote(let tick)) = outcomes[6] else { Issue.record("\(outcomes[6])"); return }
        #expect(tick.price == 20_800 && tick.bestAsk == 20_850 && tick.bestBid == 20_800 && tick.ticker == samsung)
        #expect(outcomes[7] == .ignored)
    }

    @Test func aCancelsReportsCarryTheOriginalOrder() {
        let values = ["9203": "0000031", "904": "0000030", "9001": "005930", "913": "확인", "900": "7", "902": "0",
                      "905": "+매수취소", "907": "2", "908": "100102"]
        let report = KiwoomPushDecoder.execution(values)
        #expect(report?.status == .confirmed && report?.originalOrderNo == "0000030" && report?.side == .buy)
        #expect(report?.cumulativeQuantity == 0, "a confirmation carries no filled count")
        var cancelled = values
        cancelled["913"] = "취소"
        cancelled["9203"] = "0000030"
        cancelled["904"] = "0000000"
        cancelled["907"] = ""
        #expect(KiwoomPushDecoder.execution(cancelled)?.status == .cancelled)
        #expect(KiwoomPushDecoder.execution(cancelled)?.originalOrderNo == nil)
        #expect(KiwoomPushDecoder.execution(cancelled)?.side == .buy, "905 when 907 is empty")
        cancelled["913"] = "거부"
        cancelled["919"] = "주문가능금액 부족"
        #expect(KiwoomPushDecoder.execution(cancelled)?.status == .rejected && KiwoomPushDecoder.execution(cancelled)?.reason == "주문가능금액 부족")
        cancelled["913"] = "알수없음"
        #expect(KiwoomPushDecoder.execution(cancelled) == nil)
    }

    @Test func aVIWithoutAKnownFlagReadsTheReleaseTime() {
        let start = KiwoomRealtimeFrame.Item(type: "1h", name: nil, item: "005930", values: ["9068": "", "1224": ""])
        let end = KiwoomRealtimeFrame.Item(type: "1h", name: nil, item: "005930", values: ["9068": "", "1224": "094300"])
        #expect(KiwoomPushDecoder.halt(start)! == (samsung, true))
        #expect(KiwoomPushDecoder.halt(end)! == (samsung, false))
        #expect(KiwoomPushDecoder.halt(.init(type: "1h", name: nil, item: "", values: [:])) == nil)
    }

    @Test func aBookPushIsAQuoteAtTheLastPrice() {
        let item = KiwoomRealtimeFrame.Item(type: "0D", name: nil, item: "005930_NX", values: ["41": "+70100", "51": "70000", "21": "093000"])
        #expect(KiwoomPushDecoder.decode(item, lastPrice: { _ in nil }) == .malformed("0D without a readable price"))
        guard case .push(.quote(let tick)) = KiwoomPushDecoder.decode(item, lastPrice: { $0 == "005930" ? 70_000 : nil }) else {
            Issue.record("no quote")
            return
        }
        #expect(tick.price == 70_000 && tick.bestAsk == 70_100 && tick.bestBid == 70_000 && tick.ticker == samsung)
    }

    @Test func ka10076RowsAreFillReports() throws {
        let reply = try FixtureParseTests.decode(KA10076Response.self, .ka10076, "http_ka10076_ok")
        let fills = (reply.cntr ?? []).compactMap(KiwoomBroker.fill)
        #expect(fills.count == 2, "a row with nothing filled is not a fill")
        #expect(fills[0].brokerOrderNo == "0000123" && fills[0].side == .buy && fills[0].cumulativeQuantity == 4)
        #expect(fills[0].openQuantity == 6 && fills[0].executionPrice == 70_100 && fills[0].orderPrice == 70_000 && fills[0].status == .filled)
        #expect(fills[0].originalOrderNo == nil)
        #expect(fills[1].side == .sell && fills[1].ticker == Ticker("000660")! && fills[1].cumulativeQuantity == 3 && fills[1].openQuantity == 0)
    }

    @Test func aStockSoldOutTodayIsNotAPosition() throws {
        let deposit = try FixtureParseTests.decode(KT00001Response.self, .kt00001, "http_kt00001_ok")
        let balance = try FixtureParseTests.decode(KT00018Response.self, .kt00018, "http_kt00018_soldout")
        #expect(balance.acnt_evlt_remn_indv_tot?.count == 2)
        let account = KiwoomBroker.account(deposit: deposit, balance: balance)
        #expect(account.positions.map(\.ticker) == [samsung])
    }

    @Test func registrationFramesCarryAccountTypesWithAnEmptyItem() throws {
        let frame = KiwoomRealtimeFrame.registerFrame(group: "1", entries: [([""], ["00", "04"]), (["005930"], ["0B", "0D", "1h"])])
        let json = try #require(JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])
        let data = try #require(json["data"] as? [[String: [String]]])
        #expect(json["trnm"] as? String == "REG" && json["refresh"] as? String == "1")
        #expect(data[0]["item"] == [""] && data[0]["type"] == ["00", "04"])
        #expect(data[1]["item"] == ["005930"] && data[1]["type"] == ["0B", "0D", "1h"])
        let remove = try #require(JSONSerialization.jsonObject(with: Data(KiwoomRealtimeFrame.removeFrame(group: "1", items: ["000660"], types: ["0B"]).utf8)) as? [String: Any])
        #expect(remove["trnm"] as? String == "REMOVE")
    }
}
