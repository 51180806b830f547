import ArgumentParser
import Foundation
import Kiwoom
import LSNews
import Logging
import Replay
import Simulator
import SokboCore

/// `sokbo record sample`: a recorded day made by the built-in simulator, not by hand: the LS simulator's
/// headlines through the live frame parser, and, for every stock a rule matched, the minute candles and
/// day reference the live recorder fetches, from the Kiwoom simulator over loopback (its rate limits on).
struct RecordSample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample",
                                                    abstract: "Write a simulated recorded day as JSONL (the repository's sample day).")

    @Option(name: .long, help: "The KST day (YYYY-MM-DD), a past trading day.")
    var day: String
    @Option(name: .long, help: "Headlines per minute, 08:30 to 15:30.")
    var perMinute: Int = 2
    @Option(name: .long, help: "The simulators' seed.")
    var seed: UInt64 = 7
    @Option(name: .long, help: "Output file (default: standard output).")
    var out: String?

    func run() async throws {
        let dayName = try ReplayCLI.day(day)
        guard let start = KST.date(yyyymmdd: dayName, hhmmss: "083000"), perMinute > 0, perMinute <= 60 else {
            throw ValidationError("--per-minute must be 1…60")
        }
        var headlines = LSHeadlineStream(configuration: LSSimulatorConfiguration(seed: seed))
        var news: [NewsItem] = []
        for second in stride(from: 0, to: 7 * 3600, by: 60 / perMinute) {
            let stamp = start.addingTimeInterval(Double(second + 7))
            let frame = headlines.nextFrame(now: stamp)
            // Received 40 ms after the venue's stamp: a typical loopback-to-Seoul delivery.
            guard case .news(let item) = try? LSFrameParser.parse(frame, receivedAt: stamp.addingTimeInterval(0.04)) else { continue }
            news.append(item)
        }
        let rules = try RuleFile.parse(RuleFile.defaultYAML)
        var touched: Set<Ticker> = []
        for item in news { if case .matched = rules.match(item.title) { touched.formUnion(item.tickers) } }
        var logger = Logger(label: "sokbo.sample")
        logger.logLevel = .critical
        let simulator = KiwoomSimulator(configuration: KiwoomSimulatorConfiguration(seed: seed), logger: logger)
        let days: [DayCandles] = try await withThrowingTaskGroup(of: [DayCandles]?.self) { group in
            group.addTask {
                try await simulator.run()
                return nil
            }
            let url = try await simulator.baseURL()
            let broker = KiwoomBroker(configuration: KiwoomConfiguration(baseURL: url, appKey: KiwoomConfiguration.simulatorAppKey,
                                                                         secretKey: KiwoomConfiguration.simulatorSecretKey), logger: logger)
            let recorder = CandleRecorder(broker: broker, now: { start.addingTimeInterval(8 * 3600) })
            var recorded: [DayCandles] = []
            for ticker in touched.sorted() {
                FileHandle.standardError.write(Data("\rfetching candles of \(ticker) (\(recorded.count + 1)/\(touched.count))".utf8))
                do {
                    recorded.append(try await recorder.record(ticker, day: dayName))
                } catch {
                    // As the live recorder: a stock the venue cannot answer for is left out, and a replay
                    // reports it as missing (the simulator's Kiwoom universe is smaller than its LS one).
                    FileHandle.standardError.write(Data("\nno candles for \(ticker): \(error)\n".utf8))
                }
            }
            FileHandle.standardError.write(Data("\n".utf8))
            group.cancelAll()
            while let next = try? await group.next() { _ = next }
            return recorded
        }
        let encoder = RecordCoding.encoder()
        var output = Data()
        for line in days.map(RecordLine.candles) + news.map(RecordLine.news) {
            output.append(try encoder.encode(line))
            output.append(10)
        }
        if let out { try output.write(to: URL(fileURLWithPath: out)) } else { FileHandle.standardOutput.write(output) }
        FileHandle.standardError.write(Data("\(news.count) headlines, \(days.count) stocks' candles\n".utf8))
    }
}
