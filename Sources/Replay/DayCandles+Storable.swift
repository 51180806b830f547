import Foundation
import SokboCore

extension DayCandles: Storable {
    /// Candle rows live in `candles`.
    public static var table: Table { .candles }

    /// The row: the reference as JSON, the candles packed as `HHMMSS,open,high,low,close,volume;…` (about
    /// 14 KB for a full session, where JSON would take three times that).
    public var row: Row {
        let reference = self.reference.flatMap { try? RecordCoding.encoder().encode($0) }.flatMap { String(data: $0, encoding: .utf8) }
        let packed = candles.map { candle in
            "\(KST.timeString(candle.time)),\(candle.open),\(candle.high),\(candle.low),\(candle.close),\(candle.volume)"
        }.joined(separator: ";")
        return Row([.text(day + "-" + ticker.code), .text(day), .text(ticker.code), reference.map { .text($0) } ?? .null,
                    .text(packed), .integer(fetchedAt.epochMilliseconds)])
    }

    /// Rebuilds the record from its row; nil when any part does not parse (never half a day).
    public init?(row: Row) {
        let v = row.values
        guard v.count == 6, let day = v[1].text, let code = v[2].text, let ticker = Ticker(code), let packed = v[4].text,
              let fetched = v[5].integer else { return nil }
        var reference: StockReference?
        if let json = v[3].text {
            guard let decoded = try? RecordCoding.decoder().decode(StockReference.self, from: Data(json.utf8)) else { return nil }
            reference = decoded
        }
        var candles: [Candle] = []
        for item in packed.split(separator: ";") {
            let fields = item.split(separator: ",")
            guard fields.count == 6, let time = KST.date(yyyymmdd: day, hhmmss: fields[0]),
                  let open = Int(fields[1]), let high = Int(fields[2]), let low = Int(fields[3]), let close = Int(fields[4]),
                  let volume = Int(fields[5]) else { return nil }
            candles.append(Candle(time: time, open: open, high: high, low: low, close: close, volume: volume))
        }
        self.init(day: day, ticker: ticker, reference: reference, candles: candles, fetchedAt: Date(epochMilliseconds: fetched))
    }
}
