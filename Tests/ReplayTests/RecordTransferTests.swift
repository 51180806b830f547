import Foundation
import Replay
import SokboCore
import SokboTestSupport
import Storage
import Testing

@Suite("Recording: candles stored, a day exported and imported, retention")
struct RecordTransferTests {
    typealias F = ReplayFixtures

    static var day: [RecordLine] {
        [
            .candles(F.candles()),
            .disclosure(DisclosureRecord(id: "20261102000123", corpCode: "00126380", corpName: "삼성전자", ticker: F.samsung,
                                         reportName: "단일판매ㆍ공급계약체결", filer: "삼성전자", receivedDate: F.day, remark: "유",
                                         createdAt: F.at("095900"))),
            .news(F.headline("n1", "삼성전자 공급계약 체결", tickers: [F.samsung], at: F.at("100030"))),
        ]
    }

    @Test(arguments: TestStores.available)
    func anExportedDayImportsElsewhereAndReplaysTheSame(kind: String) async throws {
        let first = try await TestStores.fresh(kind)
        var source = ArrayRecordSource(Self.day)
        #expect(try await RecordTransfer.importLines(&source, into: first) == 3)
        var again = ArrayRecordSource(Self.day)
        #expect(try await RecordTransfer.importLines(&again, into: first) == 0)
        var exported = Data()
        #expect(try await RecordTransfer.export(store: first, from: F.day, to: F.day) { exported.append($0) } == 3)
        let path = TestStores.temporaryDirectory() + "/day.jsonl"
        try exported.write(to: URL(fileURLWithPath: path))

        let second = try await TestStores.fresh(kind)
        var file = try JSONLRecordSource(path: path)
        #expect(try await RecordTransfer.importLines(&file, into: second) == 3)
        var fromStore = try StoreRecordSource(store: second, from: F.day, to: F.day)
        var fromMemory = ArrayRecordSource(Self.day)
        let driver = ReplayDriver(configuration: ReplayConfiguration(rules: F.rules))
        let replayedFromStore = try ReplayOutput.json([try await driver.run(&fromStore)])
        let replayedFromMemory = try ReplayOutput.json([try await driver.run(&fromMemory)])
        #expect(replayedFromStore == replayedFromMemory)
        try await first.close()
        try await second.close()
    }

    @Test(arguments: TestStores.available)
    func candlesPastTheRetentionAreDeleted(kind: String) async throws {
        let store = try await TestStores.fresh(kind)
        var next = F.candles()
        next.day = "20261103"
        _ = try await store.insert([F.candles().row, next.row], into: .candles)
        #expect(try await store.deleteRows(.candles, where: "day", below: .text("20261103")) == 1)
        #expect(try await store.count(.candles) == 1)
        try await store.close()
    }

    @Test func aCandleRowRoundTrips() throws {
        let candles = F.candles(override: ["1000": (70_000, 84_000, 69_000, 83_900)])
        #expect(DayCandles(row: candles.row) == candles)
    }
}
