import Foundation
import Replay
import SokboCore

/// Recorded days built for the tests: one stock's minute candles and headlines at chosen instants.
enum ReplayFixtures {
    static let day = "20261102"  // a Monday
    static let samsung = Ticker("005930")!
    static let hynix = Ticker("000660")!

    static func at(_ hhmmss: String, plusMilliseconds ms: Int = 0) -> Date {
        KST.date(yyyymmdd: day, hhmmss: hhmmss)!.addingTimeInterval(Double(ms) / 1000)
    }

    static let rulesYAML = """
    rules:
      - name: supply-contract
        any: [공급계약]
        veto: [취소]
        budget: 1000000
        max-rise-percent: 15
    """

    static var rules: RuleSet { try! RuleFile.parse(rulesYAML) }

    static func reference(base: Int = 70_000) -> StockReference {
        let limits = KRXTick.dailyLimits(basePrice: base)!
        return StockReference(name: "삼성전자", basePrice: base, upperLimit: limits.upper, lowerLimit: limits.lower, marginRatePercent: 20)
    }

    /// A session of flat 70,000 candles from 09:00 to 15:29, with `override` replacing chosen minutes (`HHMM`).
    static func candles(_ ticker: Ticker = samsung, override: [String: (open: Int, high: Int, low: Int, close: Int)] = [:]) -> DayCandles {
        var list: [Candle] = []
        for minute in 0..<390 {
            let hour = 9 + minute / 60, mm = minute % 60
            let stamp = KST.digits(hour * 100 + mm, width: 4)
            let bar = override[stamp] ?? (70_000, 70_100, 69_900, 70_000)
            list.append(Candle(time: at(stamp + "00"), open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: 1_000))
        }
        return DayCandles(day: day, ticker: ticker, reference: reference(), candles: list, fetchedAt: at("160000"))
    }

    static func headline(_ id: String, _ title: String, tickers: [Ticker], at instant: Date) -> NewsItem {
        NewsItem(id: id, publishedAt: instant, source: "25", title: title, tickers: tickers, receivedAt: instant)
    }

    static func run(_ lines: [RecordLine], model: FillModel = FillModel(), costs: TradingCosts = TradingCosts()) async throws -> ReplayResult {
        var source = ArrayRecordSource(lines)
        let driver = ReplayDriver(configuration: ReplayConfiguration(rules: rules, model: model, costs: costs))
        return try await driver.run(&source)
    }
}
