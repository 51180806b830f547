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
