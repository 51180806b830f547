import Foundation
import SokboCore
import Testing

/// `OrderPrice` is written as `{"type":"limit","value":39250}` or `{"type":"market"}` everywhere (API,
/// store, journal), and rows stored in the synthesised form before stay readable.
@Suite struct OrderPriceCodingTests {
    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func order(_ price: OrderPrice) -> Order {
        var order = Order(id: "m-1", newsID: nil, rule: nil, ticker: Ticker("005930")!, side: .buy, quantity: 3, price: price,
                          createdAt: Date(timeIntervalSince1970: 1_767_571_200))
        order.eventCount = 2
        return order
    }

    @Test func aPriceIsWrittenAsTypeAndValue() throws {
        #expect(try Self.encoded(OrderPrice.limit(39_250)) == #"{"type":"limit","value":39250}"#)
        #expect(try Self.encoded(OrderPrice.market) == #"{"type":"market"}"#)
        #expect(try Self.encoded(Self.order(.limit(39_250))).contains(#""price":{"type":"limit","value":39250}"#))
    }

    @Test func theStoredRowHoldsTheNewFormAndReadsBack() throws {
        for price in [OrderPrice.limit(39_250), .market] {
            let order = Self.order(price)
            let detail = try #require(order.row.values[8].text)
            #expect(detail.contains(try Self.encoded(price)), "\(detail)")
            #expect(Order(row: order.row) == order)
        }
    }

    /// The row's detail JSON is written by hand (it is on the way to the broker): it must say what
    /// `JSONEncoder` said, member for member, and read back to the same order, whatever the fields hold.
    @Test func theHandWrittenDetailSaysWhatTheEncoderSaid() throws {
        struct Detail: Encodable {
            var rule: String?, price: OrderPrice, filledQuantity: Int, averageFillPrice: Double?, reason: String?, eventCount: Int,
                positionBefore: Int?, committedAmount: Int?, exitReason: ExitReason?
        }
        var orders: [Order] = [Self.order(.market), Self.order(.limit(39_250))]
        var full = Self.order(.limit(10_530))
        full.rule = "공급-계약_1"
        full.filledQuantity = 7
        full.averageFillPrice = 10_533.333333333334
        full.reason = "[RC4027] \"상한가\" 초과\n\t\\ 다음 줄 \u{1}"
        full.positionBefore = 10
        full.committedAmount = 1_000_000
        full.exitReason = .takeProfit
        orders.append(full)
        var whole = full
        whole.averageFillPrice = 69_700
        orders.append(whole)
        for order in orders {
            let written = try #require(order.row.values[8].text)
            let reference = Detail(rule: order.rule, price: order.price, filledQuantity: order.filledQuantity,
                                   averageFillPrice: order.averageFillPrice, reason: order.reason, eventCount: order.eventCount,
                                   positionBefore: order.positionBefore, committedAmount: order.committedAmount, exitReason: order.exitReason)
            let ours = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSDictionary
            let expected = try Self.encoded(reference)
            let theirs = try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? NSDictionary
            #expect(ours == theirs, "\(written) vs \(expected)")
            #expect(Order(row: order.row) == order)
        }
    }

    @Test func rowsStoredInTheOldSynthesisedFormStayReadable() throws {
        for (old, price) in [(#"{"limit":{"_0":39250}}"#, OrderPrice.limit(39_250)), (#"{"market":{}}"#, .market)] {
            var values = Self.order(.limit(1)).row.values
            values[8] = .text(#"{"eventCount":2,"filledQuantity":0,"price":\#(old)}"#)
            let order = try #require(Order(row: Row(values)), "a row with \(old) no longer reads")
            #expect(order.price == price)
            #expect(order.eventCount == 2)
        }
    }

    @Test func anUnknownPriceTypeIsRefused() {
        for text in [#"{"type":"stop","value":1}"#, #"{"type":"limit"}"#, #"{}"#, #"{"value":5}"#] {
            #expect(throws: DecodingError.self, "\(text)") { try JSONDecoder().decode(OrderPrice.self, from: Data(text.utf8)) }
        }
    }
}
