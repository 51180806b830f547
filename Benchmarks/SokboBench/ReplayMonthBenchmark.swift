import Foundation
import LSNews
import Replay
import Simulator
import SokboCore

/// Issue 15's speed target: a month of headlines (≥ 100,000) replayed in under 10 s on one core, with flat
/// memory. The month is written first as a JSONL recording (the LS simulator's headlines through the live
/// frame parser, and for each stock a rule matched a seeded random walk of minute candles on the KRX grid),
/// then streamed through `ReplayDriver`, timed; peak memory is the process's `VmHWM` after each phase.
enum ReplayMonthBenchmark: BenchmarkCase {
    static let name = "replay-month"
    static let summary = "replay ≥100,000 recorded headlines over 22 trading days (time, peak memory): [headlines] [file]"

    static func run(arguments: [String]) async throws {
        let total = arguments.first.flatMap(Int.init) ?? 110_000
        let path = arguments.count > 1 ? arguments[1] : NSTemporaryDirectory() + "sokbo-replay-month.jsonl"
        let days = tradingDays(from: "20261102", count: 22)
        let generated = ContinuousClock.now
        let (lines, bytes) = try write(headlines: total, days: days, to: path)
        let generation = ContinuousClock.now - generated
        let afterGeneration = peakKilobytes()
        print("generated \(lines) lines (\(bytes / 1_048_576) MiB) in \(generation), VmHWM \(afterGeneration) kB")
        // Limits raised so a month gives thousands of trades (the live defaults allow 20 orders a day).
        let rules = try RuleFile.parse(RuleFile.defaultYAML)
        let configuration = ReplayConfiguration(rules: rules,
                                                limits: RiskLimits(dailyBudget: 10_000_000_000, maxPerOrder: 2_000_000, maxOrdersPerDay: 10_000,
                                                                   buysPerTickerPerDay: 1_000, cooldownSeconds: 0),
                                                model: FillModel(latencyMilliseconds: 300, slippageTicks: 1), startingCash: 10_000_000_000)
        var source = try JSONLRecordSource(path: path)
        let started = ContinuousClock.now
        let result = try await ReplayDriver(configuration: configuration).run(&source)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("| replay a month < 10 s, flat memory | \(result.headlines) headlines, \(result.days) days, \(result.total.trades) trades "
            + "in **\(String(format: "%.2f", seconds)) s** (\(Int(Double(result.headlines) / seconds)) headlines/s); VmHWM after generating "
            + "\(afterGeneration) kB, after the replay \(peakKilobytes()) kB | `.build/release/SokboBench replay-month \(total)` |")
    }

    static func tradingDays(from start: String, count: Int) -> [String] {
        var day = KST.date(yyyymmdd: start, hhmmss: "000000")!
        var out: [String] = []
        let calendar = MarketCalendar(holidays: [])
        while out.count < count {
            if calendar.isTradingDay(day) { out.append(KST.dayString(day)) }
            day = day.addingTimeInterval(86_400)
        }
        return out
    }

    /// Writes the month, a day at a time (candles of the day's matched stocks first, then its headlines).
    static func write(headlines total: Int, days: [String], to path: String) throws -> (lines: Int, bytes: Int) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw RecordError("cannot create \(path)") }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw RecordError("cannot write \(path)") }
        defer { try? handle.close() }
        let encoder = RecordCoding.encoder()
        let rules = try RuleFile.parse(RuleFile.defaultYAML)
        var stream = LSHeadlineStream(configuration: LSSimulatorConfiguration(seed: 15))
        var random = SimRandom(seed: 15)
        var lines = 0, bytes = 0
        let perDay = (total + days.count - 1) / days.count
        // 08:30–15:30, evenly.
        let spacing = 7.0 * 3600 / Double(perDay)
        for day in days {
            let start = KST.date(yyyymmdd: day, hhmmss: "083000")!
            var news: [NewsItem] = []
            news.reserveCapacity(perDay)
            for index in 0..<perDay {
                let stamp = start.addingTimeInterval(Double(index) * spacing)
                if case .news(let item) = try LSFrameParser.parse(stream.nextFrame(now: stamp), receivedAt: stamp.addingTimeInterval(0.04)) {
                    news.append(item)
                }
            }
            var touched: Set<Ticker> = []
            for item in news { if case .matched = rules.match(item.title) { touched.formUnion(item.tickers) } }
            var chunk = Data()
            for ticker in touched.sorted() {
                chunk.append(try encoder.encode(RecordLine.candles(walk(ticker, day: day, random: &random))))
                chunk.append(10)
                lines += 1
            }
            for item in news {
                chunk.append(try encoder.encode(RecordLine.news(item)))
                chunk.append(10)
                lines += 1
            }
            bytes += chunk.count
            handle.write(chunk)
        }
        return (lines, bytes)
    }

    /// A seeded random walk of one session's minute candles on the KRX grid within the day's limits.
    static func walk(_ ticker: Ticker, day: String, random: inout SimRandom) -> DayCandles {
        let base = KRXTick.roundUp(10_000 + Int(random.next() % 190_000))
        let limits = KRXTick.dailyLimits(basePrice: base)!
        var price = base
        var candles: [Candle] = []
        let open = KST.date(yyyymmdd: day, hhmmss: "090000")!
        for minute in 0..<390 {
            var high = price, low = price
            let first = price
            for _ in 0..<4 {
                let step = Int(random.next() % 5) - 2
                price = step >= 0 ? KRXTick.up(from: price, ticks: step) : KRXTick.down(from: price, ticks: -step)
                price = min(max(price, limits.lower), limits.upper)
                high = max(high, price)
                low = min(low, price)
            }
            candles.append(Candle(time: open.addingTimeInterval(Double(minute * 60)), open: first, high: high, low: low, close: price,
                                  volume: Int(random.next() % 5_000) + 100))
        }
        let reference = StockReference(name: KRXUniverse.listing(for: ticker)?.name ?? ticker.code, basePrice: base,
                                       upperLimit: limits.upper, lowerLimit: limits.lower, marginRatePercent: 40)
        return DayCandles(day: day, ticker: ticker, reference: reference, candles: candles, fetchedAt: open.addingTimeInterval(8 * 3600))
    }

    /// The process's peak resident memory (`VmHWM`), kB.
    static func peakKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
