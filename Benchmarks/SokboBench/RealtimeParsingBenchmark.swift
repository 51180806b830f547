import Foundation
import Kiwoom
import SokboCore

/// Reads Kiwoom realtime `REAL` frames as the realtime service does (text → frame → quote book → quote
/// ticks), one core, and reports the time per frame: the part of tick-to-exit spent before the engine.
enum RealtimeParsingBenchmark: BenchmarkCase {
    static let name = "kiwoom-real-parse"
    static let summary = "Kiwoom REAL frame (0B trade + 0D 10-level book) text → quote ticks, one core [µs per frame]"

    static func run(arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 100_000
        let frames = (0..<64).map { frame(code: String(format: "%06d", 5930 + $0), price: 70_000 + $0 * 100) }
        let book = KiwoomQuoteBook()
        var ticks = 0
        func readOne(_ text: String) {
            guard case .real(let items, _) = try? KiwoomRealtimeFrame.parse(text) else { return }
            book.apply(items)
            let now = Date()
            for item in items {
                if case .push(.quote) = KiwoomPushDecoder.decode(item, lastPrice: book.lastPrice, now: now) { ticks += 1 }
            }
        }
        for text in frames { readOne(text) }
        ticks = 0
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        let elapsed = clock.measure {
            for i in 0..<count {
                let start = clock.now
                readOne(frames[i & 63])
                samples.append(clock.now - start)
            }
        }
        // The parse alone: the rest is the quote book and the decoding into ticks.
        var parsed = 0
        let parseOnly = clock.measure {
            for i in 0..<count { if case .real = try? KiwoomRealtimeFrame.parse(frames[i & 63]) { parsed += 1 } }
        }
        // The same frames through Foundation's JSONDecoder, as the parser read them until session 8.
        struct Decoded: Decodable {
            var trnm: String
            var data: [KiwoomRealtimeFrame.Item]?
        }
        let decoder = JSONDecoder()
        var decoded = 0
        let foundation = clock.measure {
            for i in 0..<count { if (try? decoder.decode(Decoded.self, from: Data(frames[i & 63].utf8)))?.data != nil { decoded += 1 } }
        }
        samples.sort()
        let us = { (q: Double) in String(format: "%.1f", samples[min(samples.count - 1, Int(Double(samples.count) * q))].seconds * 1e6) }
        print("| case | frames | bytes | ticks | mean µs | p50 µs | p99 µs | of which parsing, mean µs | JSONDecoder instead, mean µs |")
        print("|---|---|---|---|---|---|---|---|---|")
        print("| kiwoom-real-parse | \(count) | \(frames[0].utf8.count) | \(ticks) | \(String(format: "%.1f", elapsed.seconds * 1e6 / Double(count))) | \(us(0.5)) | \(us(0.99)) | \(String(format: "%.1f", parseOnly.seconds * 1e6 / Double(max(parsed, 1)))) | \(String(format: "%.1f", foundation.seconds * 1e6 / Double(max(decoded, 1)))) |")
    }

    /// One `REAL` frame as the venue sends it (§8.3): a `0B` trade and a `0D` ten-level book for `code`.
    static func frame(code: String, price: Int) -> String {
        var trade: [String: String] = ["20": "093015", "10": "+\(price)", "11": "+500", "12": "+0.72", "27": "+\(price + 100)",
                                       "28": "+\(price)", "15": "+1", "13": "1234567", "16": "+\(price - 300)", "17": "+\(price + 800)",
                                       "18": "-\(price - 900)", "25": "2", "290": "2", "9081": "1"]
        trade["1313"] = "0"
        var levels: [String: String] = ["21": "093015", "121": "123456", "125": "654321"]
        for n in 0..<10 {
            levels[String(41 + n)] = "+\(price + 100 * (n + 1))"
            levels[String(61 + n)] = "\(1000 + n)"
            levels[String(81 + n)] = "0"
            levels[String(51 + n)] = "+\(price - 100 * n)"
            levels[String(71 + n)] = "\(2000 + n)"
            levels[String(91 + n)] = "0"
        }
        func json(_ values: [String: String]) -> String {
            "{" + values.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
        }
        return #"{"trnm":"REAL","data":[{"type":"0B","name":"주식체결","item":"\#(code)","values":\#(json(trade))},"#
            + #"{"type":"0D","name":"주식호가잔량","item":"\#(code)","values":\#(json(levels))}]}"#
    }
}
