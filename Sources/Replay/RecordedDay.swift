import Foundation
import SokboCore

/// A stock's day reference as recorded with its candles: what the live entry snapshot reads once per
/// stock per day (name, base price, limits, margin rate).
public struct StockReference: Sendable, Codable, Hashable {
    /// The Korean name.
    public var name: String
    /// 기준가 (the previous close), won.
    public var basePrice: Int
    /// 상한가, won.
    public var upperLimit: Int
    /// 하한가, won.
    public var lowerLimit: Int
    /// Margin rate in percent, when the venue gave it.
    public var marginRatePercent: Int?

    /// Creates a reference.
    public init(name: String, basePrice: Int, upperLimit: Int, lowerLimit: Int, marginRatePercent: Int?) {
        self.name = name
        self.basePrice = basePrice
        self.upperLimit = upperLimit
        self.lowerLimit = lowerLimit
        self.marginRatePercent = marginRatePercent
    }

    /// The reference a snapshot carries.
    public init(snapshot: StockSnapshot) {
        self.init(name: snapshot.name, basePrice: snapshot.basePrice, upperLimit: snapshot.limits.upper,
                  lowerLimit: snapshot.limits.lower, marginRatePercent: snapshot.marginRatePercent)
    }
}

/// One stock's minute candles (`ka10080`, one-minute scope) of one KST day, with its day reference.
public struct DayCandles: Sendable, Codable, Hashable {
    /// `YYYYMMDD` (KST).
    public var day: String
    /// The stock.
    public var ticker: Ticker
    /// The day reference; nil when it could not be read (the stock's trades are then skipped).
    public var reference: StockReference?
    /// Minute candles, oldest first; each `time` is the minute's start.
    public var candles: [Candle]
    /// When they were fetched.
    public var fetchedAt: Date

    /// Creates a record.
    public init(day: String, ticker: Ticker, reference: StockReference?, candles: [Candle], fetchedAt: Date) {
        self.day = day
        self.ticker = ticker
        self.reference = reference
        self.candles = candles.sorted { $0.time < $1.time }
        self.fetchedAt = fetchedAt
    }
}

/// One line of a recording (`sokbo record export`, JSONL): a headline, a DART row, or a stock's candles.
///
/// A file holds days in order; within a day the candles come first, then headlines and disclosures in
/// the order they were received. The candles sit at the top only for streaming: the replay's virtual
/// clock, not the file order, decides what the engine may see.
public enum RecordLine: Sendable, Hashable {
    /// A headline as the engine read it (every field, with its receive time).
    case news(NewsItem)
    /// A DART disclosure with the time Sokbo first saw it.
    case disclosure(DisclosureRecord)
    /// One stock's candles of one day.
    case candles(DayCandles)

    /// The KST day the line belongs to.
    public var day: String {
        switch self {
        case .news(let item): KST.dayString(item.receivedAt)
        case .disclosure(let record): KST.dayString(record.createdAt)
        case .candles(let candles): candles.day
        }
    }
}

extension RecordLine: Codable {
    private enum CodingKeys: String, CodingKey { case kind, news, disclosure, candles }
    private enum Kind: String, Codable { case news, disclosure, candles }

    /// Decodes `{"kind":"news","news":{…}}` and its siblings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .news: self = .news(try container.decode(NewsItem.self, forKey: .news))
        case .disclosure: self = .disclosure(try container.decode(DisclosureRecord.self, forKey: .disclosure))
        case .candles: self = .candles(try container.decode(DayCandles.self, forKey: .candles))
        }
    }

    /// Encodes as `{"kind":…,"<kind>":{…}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .news(let item):
            try container.encode(Kind.news, forKey: .kind)
            try container.encode(item, forKey: .news)
        case .disclosure(let record):
            try container.encode(Kind.disclosure, forKey: .kind)
            try container.encode(record, forKey: .disclosure)
        case .candles(let candles):
            try container.encode(Kind.candles, forKey: .kind)
            try container.encode(candles, forKey: .candles)
        }
    }
}

/// The JSON coding of recordings: dates as epoch milliseconds, keys sorted (byte-stable output).
public enum RecordCoding {
    /// An encoder for one line.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.epochMilliseconds)
        }
        return encoder
    }

    /// A decoder for one line.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            return Date(epochMilliseconds: try container.decode(Int64.self))
        }
        return decoder
    }
}
