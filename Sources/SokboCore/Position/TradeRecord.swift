import Foundation

/// A closed round trip as stored in `trades` (through the row buffer) and served by `GET /api/trades`.
public struct TradeRecord: Sendable, Codable, Hashable, Storable {
    /// `t-` and the id of the sell that closed it: stable across restarts, so a replay stores it once.
    public var id: String
    /// The round trip.
    public var trade: Trade

    /// Creates a record.
    public init(id: String, trade: Trade) {
        self.id = id
        self.trade = trade
    }

    /// Trades live in `trades`.
    public static var table: Table { .trades }

    /// The row.
    public var row: Row {
        Row([.text(id), .text(trade.ticker.code), trade.rule.map { .text($0) } ?? .null, trade.newsID.map { .text($0) } ?? .null,
             .integer(trade.openedAt.epochMilliseconds), .integer(trade.closedAt.epochMilliseconds), .integer(Int64(trade.quantity)),
             .real(trade.entryPrice), .real(trade.exitPrice), trade.exitReason.map { .text($0.rawValue) } ?? .null,
             .integer(Int64(trade.grossPnL)), .integer(Int64(trade.commission)), .integer(Int64(trade.tax)), .integer(Int64(trade.netPnL))])
    }

    /// Rebuilds a trade from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 14, let id = v[0].text, let ticker = v[1].text.flatMap({ Ticker($0) }), let opened = v[4].integer,
              let closed = v[5].integer, let quantity = v[6].integer, let entry = v[7].real, let exit = v[8].real,
              let gross = v[10].integer, let commission = v[11].integer, let tax = v[12].integer, let net = v[13].integer else { return nil }
        self.id = id
        self.trade = Trade(ticker: ticker, rule: v[2].text, newsID: v[3].text, openedAt: Date(epochMilliseconds: opened),
                           closedAt: Date(epochMilliseconds: closed), quantity: Int(quantity), entryPrice: entry, exitPrice: exit,
                           exitReason: v[9].text.flatMap(ExitReason.init(rawValue:)), grossPnL: Int(gross), commission: Int(commission),
                           tax: Int(tax), netPnL: Int(net))
    }
}

extension TradeRecord {
    private enum CodingKeys: String, CodingKey {
        case id, ticker, rule, newsID, openedAt, closedAt, quantity, entryPrice, exitPrice, exitReason, grossPnL, commission, tax
        case netPnL, returnPercent
    }

    /// Writes the trade flat, with its return in percent: the shape `GET /api/trades` documents.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(trade.ticker, forKey: .ticker)
        try c.encodeIfPresent(trade.rule, forKey: .rule)
        try c.encodeIfPresent(trade.newsID, forKey: .newsID)
        try c.encode(trade.openedAt, forKey: .openedAt)
        try c.encode(trade.closedAt, forKey: .closedAt)
        try c.encode(trade.quantity, forKey: .quantity)
        try c.encode(trade.entryPrice, forKey: .entryPrice)
        try c.encode(trade.exitPrice, forKey: .exitPrice)
        try c.encodeIfPresent(trade.exitReason, forKey: .exitReason)
        try c.encode(trade.grossPnL, forKey: .grossPnL)
        try c.encode(trade.commission, forKey: .commission)
        try c.encode(trade.tax, forKey: .tax)
        try c.encode(trade.netPnL, forKey: .netPnL)
        try c.encode(trade.returnPercent, forKey: .returnPercent)
    }

    /// Reads the flat shape.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), trade: Trade(
            ticker: try c.decode(Ticker.self, forKey: .ticker), rule: try c.decodeIfPresent(String.self, forKey: .rule),
            newsID: try c.decodeIfPresent(String.self, forKey: .newsID), openedAt: try c.decode(Date.self, forKey: .openedAt),
            closedAt: try c.decode(Date.self, forKey: .closedAt), quantity: try c.decode(Int.self, forKey: .quantity),
            entryPrice: try c.decode(Double.self, forKey: .entryPrice), exitPrice: try c.decode(Double.self, forKey: .exitPrice),
            exitReason: try c.decodeIfPresent(ExitReason.self, forKey: .exitReason), grossPnL: try c.decode(Int.self, forKey: .grossPnL),
            commission: try c.decode(Int.self, forKey: .commission), tax: try c.decode(Int.self, forKey: .tax),
            netPnL: try c.decode(Int.self, forKey: .netPnL)))
    }
}

extension SQLValue {
    /// The number, when this is a real or an integer.
    public var real: Double? {
        switch self {
        case .real(let d): d
        case .integer(let i): Double(i)
        case .text(let s): Double(s)
        case .null: nil
        }
    }
}
