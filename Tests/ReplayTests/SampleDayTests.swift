import Foundation
import Replay
import SokboCore
import Testing

@Suite("The shipped sample day and the what-if sweep")
struct SampleDayTests {
    static var samplePath: String { ReplaySample.path! }

    @Test func theSampleDayReplaysWithTradesAndReportsWhatIsMissing() async throws {
        var source = try JSONLRecordSource(path: Self.samplePath)
        let rules = try RuleFile.parse(RuleFile.defaultYAML)
        let result = try await ReplayDriver(configuration: ReplayConfiguration(rules: rules)).run(&source)
        #expect(result.days == 1)
        #expect(result.headlines > 500)
        #expect(result.total.trades > 0)
        // The simulator's LS universe names a few stocks its Kiwoom universe lacks: reported, never guessed.
        #expect(Set(result.missing.map(\.ticker)) == ["011810", "012450", "015760", "042700", "192820", "196170"])
        #expect(ReplayOutput.table([result]).contains("total"))
        #expect(ReplayHTMLReport.page([result]).contains("<svg"))
    }

    @Test func aSweepSetsTheRulesKeyPerVariant() throws {
        let override = try RuleOverride(parsing: "supply-contract.budget=500000,2000000")
        let small = try override.apply("500000", to: RuleFile.defaultYAML)
        let large = try override.apply("2000000", to: RuleFile.defaultYAML)
        #expect(small.rules.first { $0.name == "supply-contract" }?.budget == 500_000)
        #expect(large.rules.first { $0.name == "supply-contract" }?.budget == 2_000_000)
        #expect(small.rules.first { $0.name == "buyback" }?.budget == 1_000_000)
        #expect(throws: RecordError.self) { try override.apply("-5", to: RuleFile.defaultYAML) }
        #expect(throws: RecordError.self) { try RuleOverride(parsing: "nonsense") }
    }
}
