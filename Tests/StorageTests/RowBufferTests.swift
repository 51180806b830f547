import SokboCore
import Testing
@testable import Storage
import SokboTestSupport

@Suite struct RowBufferTests {
    @Test func drainTakesEverythingAndLeavesTheBufferEmpty() async {
        let buffer = RowBuffer()
        for n in 0..<10 { await buffer.append(sampleNews(n)) }
        await buffer.append(SignalRecord(newsID: "x", rule: nil, ticker: nil, decision: .none, reason: "no rule", createdAt: .now))
        let drained = await buffer.drain()
        #expect(drained[.news]?.count == 10)
        #expect(drained[.signals]?.count == 1)
        #expect(await buffer.count == 0)
        #expect(await buffer.drain().isEmpty)
    }

    @Test func concurrentWritersAndDrainsNeverLoseOrDuplicateARow() async {
        let buffer = RowBuffer()
        let collected = await withTaskGroup(of: [String].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for n in 0..<2_000 { await buffer.append(sampleNews(writer * 10_000 + n)) }
                    return []
                }
            }
            group.addTask {
                var keys: [String] = []
                for _ in 0..<200 {
                    keys += (await buffer.drain()[.news] ?? []).map(\.key)
                    await Task.yield()
                }
                return keys
            }
            var all: [String] = []
            for await keys in group { all += keys }
            return all
        }
        let rest = (await buffer.drain()[.news] ?? []).map(\.key)
        let keys = collected + rest
        #expect(keys.count == 16_000)
        #expect(Set(keys).count == 16_000)
    }

    @Test func requeuedRowsGoBackInFrontOfNewerOnes() async {
        let buffer = RowBuffer()
        await buffer.append(sampleNews(1))
        let drained = await buffer.drain()
        await buffer.append(sampleNews(2))
        await buffer.requeue(drained)
        let order = (await buffer.drain()[.news] ?? []).map(\.key)
        #expect(order == [sampleNews(1).id, sampleNews(2).id])
    }

    @Test func excessAboveCapacityIsTakenOldestFirst() async {
        let buffer = RowBuffer(capacity: 1000)
        for n in 0..<1_200 { await buffer.append(sampleNews(n)) }
        let excess = await buffer.takeExcess()
        #expect(excess[.news]?.count == 200)
        #expect(excess[.news]?.first?.key == sampleNews(0).id)
        #expect(await buffer.count == 1000)
        #expect(await buffer.takeExcess().isEmpty)
        #expect(await buffer.stats().highWater == 1200)
    }
}
