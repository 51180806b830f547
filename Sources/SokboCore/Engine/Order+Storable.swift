import Foundation

extension Order: Storable {
    /// Orders live in `orders`, written through (not buffered).
    public static var table: Table { .orders }

    /// Fields that have no column of their own, kept as JSON in `detail`.
    private struct Detail: Codable {
        var rule: String?
        var price: OrderPrice
        var filledQuantity: Int
        var averageFillPrice: Double?
        var reason: String?
        var eventCount: Int
        var positionBefore: Int?
        var committedAmount: Int?
        var exitReason: ExitReason?

        /// The same JSON as `JSONEncoder` with sorted keys gives (nil members left out), written by hand:
        /// every order's row is built on the way to the broker, and the encoder was most of the journal step.
        var json: String {
            var out = "{"
            func member(_ key: String, _ value: String) {
                if out.count > 1 { out += "," }
                out += "\"" + key + "\":" + value
            }
            if let averageFillPrice { member("averageFillPrice", Self.number(averageFillPrice)) }
            if let committedAmount { member("committedAmount", String(committedAmount)) }
            member("eventCount", String(eventCount))
            if let exitReason { member("exitReason", JSONString.quoted(exitReason.rawValue)) }
            member("filledQuantity", String(filledQuantity))
            if let positionBefore { member("positionBefore", String(positionBefore)) }
            switch price {
            case .limit(let value): member("price", #"{"type":"limit","value":"# + String(value) + "}")
            case .market: member("price", #"{"type":"market"}"#)
            }
            if let reason { member("reason", JSONString.quoted(reason)) }
            if let rule { member("rule", JSONString.quoted(rule)) }
            return out + "}"
        }

        /// A JSON number: whole values without a fraction, others in Swift's shortest round-trip form.
        private static func number(_ value: Double) -> String {
            guard value.isFinite else { return "0" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        }
    }

    /// The row.
    public var row: Row {
        let detail = Detail(rule: rule, price: price, filledQuantity: filledQuantity, averageFillPrice: averageFillPrice,
                            reason: reason, eventCount: eventCount, positionBefore: positionBefore,
                            committedAmount: committedAmount, exitReason: exitReason)
        let json = detail.json
        return Row([
            .text(id), newsID.map { .text($0) } ?? .null, .text(ticker.code), .text(side.rawValue), .integer(Int64(quantity)),
            price.limitPrice.map { .integer(Int64($0)) } ?? .null, .text(state.rawValue),
            brokerOrderNo.map { .text($0) } ?? .null, .text(json),
            .integer(createdAt.epochMilliseconds), .integer(updatedAt.epochMilliseconds),
        ])
    }

    /// Rebuilds an order from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 11, let id = v[0].text, let ticker = v[2].text.flatMap({ Ticker($0) }),
              let side = v[3].text.flatMap(OrderSide.init), let quantity = v[4].integer,
              let state = v[6].text.flatMap(OrderState.init), let json = v[8].text,
              let detail = try? JSONDecoder().decode(Detail.self, from: Data(json.utf8)),
              let created = v[9].integer, let updated = v[10].integer else { return nil }
        self.init(id: id, newsID: v[1].text, rule: detail.rule, ticker: ticker, side: side, quantity: Int(quantity),
                  price: detail.price, createdAt: Date(epochMilliseconds: created))
        self.state = state
        self.brokerOrderNo = v[7].text
        self.filledQuantity = detail.filledQuantity
        self.averageFillPrice = detail.averageFillPrice
        self.reason = detail.reason
        self.eventCount = detail.eventCount
        self.positionBefore = detail.positionBefore
        self.committedAmount = detail.committedAmount
        self.exitReason = detail.exitReason
        self.updatedAt = Date(epochMilliseconds: updated)
    }
}
