import Foundation
import Replay
import SokboCore
import Testing

@Suite("Replay parity: latency changes fills, not which headlines enter")
struct ReplayParityTests {
    /// The shipped sample day (simulator headlines and candles) replayed with no latency and with 1.5 s: the
    /// engine decides at each headline's receipt from what was visible then, so the same headlines enter
    /// (and the same are skipped, for the same reasons); only where the orders fill, and so what they earn, moves.
    @Test func theSameHeadlinesEnterWhateverTheLatency() async throws {
        let rules = try RuleFile.parse(RuleFile.defaultYAML)
        func run(_ latency: Int) async throws -> ReplayResult {
            var source = try JSONLRecordSource(path: SampleDayTests.samplePath)
            let configuration = ReplayConfiguration(rules: rules, model: FillModel(latencyMilliseconds: latency, slippageTicks: 1))
            return try await ReplayDriver(configuration: configuration).run(&source)
        }
        let fast = try await run(0)
        let slow = try await run(1_500)
        #expect(fast.total.trades > 0)
        #expect(fast.trades.map(\.newsID).sorted() == slow.trades.map(\.newsID).sorted())
        #expect(fast.total.skipped == slow.total.skipped)
        let entries = { (result: ReplayResult) in Dictionary(uniqueKeysWithValues: result.trades.map { ($0.newsID, $0.entryAt) }) }
        let fastEntries = entries(fast), slowEntries = entries(slow)
        for (newsID, at) in fastEntries {
            #expect(slowEntries[newsID] == at + 1_500, "the entry of \(newsID) fills 1.5 s later")
        }
    }
}
