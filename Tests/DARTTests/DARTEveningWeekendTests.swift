import DART
import Foundation
import Simulator
import SokboCore
import Testing

/// Filings after the weekday close, overnight and at weekends (dart.md §3.4, §10), on virtual time against the
/// simulator with its daily limit on.
@Suite("DART evenings and weekends, on virtual time")
struct DARTEveningWeekendTests {
    static let thursday = "20260305"
    static let friday = "20260306"
    static let saturday = "20260307"
    static let sunday = "20260308"
    static let monday = "20260309"

    /// The filings each test publishes: the evening tail, after the close, a Saturday, a Sunday and a Sunday night.
    static let published: [(day: String, time: String, stock: String, title: String)] = [
        (friday, "183000", "005930", "단일판매ㆍ공급계약체결"),
        (friday, "194000", "247540", "주요사항보고서(자기주식취득결정)"),
        (friday, "213000", "000660", "최대주주변경"),
        (saturday, "110000", "005930", "주식등의대량보유상황보고서(일반)"),
        (sunday, "140000", "000660", "임원ㆍ주요주주특정증권등소유상황보고서"),
        (sunday, "220000", "247540", "타법인주식및출자증권취득결정"),
    ]

    /// Friday 17:00 to Monday 09:00 with weekends polled slowly: every filing, generated or published, is delivered
    /// exactly once, Saturday's on Saturday, and the Friday-night and Sunday-night ones by the next morning's sweep.
    @Test func noFilingIsMissedFromFridayEveningToMonday() async throws {
        let clock = VirtualClock(start: kst(Self.friday, "170000"), stopAt: kst(Self.monday, "090000"))
        var options = DARTSimulator.Options()
        options.filingsPerDay = 200
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            let ids = Self.publish(on: simulator)
            let (poller, consumer) = Self.poller(base, clock: clock)
            try await poller.run()

            let delivered = consumer.records.map(\.id)
            #expect(Set(delivered).count == delivered.count, "a filing was delivered twice")
            for id in ids { #expect(delivered.filter { $0 == id }.count == 1, "\(id) not delivered exactly once") }
            // Everything the venue lists from Friday to Monday 09:00, generated filings included (weekends' too).
            let listed = [Self.friday, Self.saturday, Self.sunday, Self.monday].flatMap { simulator.listedFilings(on: $0).map(\.receiptNo) }
            #expect(listed.count > 200)
            #expect(Set(delivered) == Set(listed))
            let seen = Dictionary(uniqueKeysWithValues: consumer.records.map { ($0.id, $0.createdAt) })
            // The evening tail before the 20:00 close; 21:30 by Saturday's first poll at 08:00.
            #expect(seen[ids[0]].map { $0 < kst(Self.friday, "200000") } == true)
            #expect(seen[ids[1]].map { $0 < kst(Self.friday, "200000") } == true)
            #expect(seen[ids[2]].map { $0 >= kst(Self.saturday, "080000") && $0 < kst(Self.saturday, "080100") } == true)
            // Weekend cadence: 15 minutes, so Saturday 11:00 is seen by 11:15.
            #expect(seen[ids[3]].map { $0 < kst(Self.saturday, "111600") } == true)
            #expect(seen[ids[4]].map { $0 < kst(Self.sunday, "141600") } == true)
            #expect(seen[ids[5]].map { $0 >= kst(Self.monday, "080000") && $0 < kst(Self.monday, "080100") } == true)
            let status = await poller.status()
            #expect(status.lastFullyPolledDay == Self.sunday)
            #expect(status.hours == "8-20 KST, weekends every 900 s")
            #expect(status.pollRequestsToday <= 320)
        }
    }

    /// With weekends not polled, nothing is sent on Saturday or Sunday and Monday's first poll sweeps Friday to
    /// Monday, delivering every filing once.
    @Test func weekendsNotPolledAreSweptOnMonday() async throws {
        let callsAt = LockedBox<[Date: Int]>([:])
        let box = LockedBox<DARTSimulator?>(nil)
        let marks = [kst(Self.saturday), kst(Self.monday, "080000")]
        let clock = VirtualClock(start: kst(Self.friday, "170000"), stopAt: kst(Self.monday, "090000")) { now in
            guard let simulator = box.value else { return }
            for mark in marks where now >= mark && callsAt.value[mark] == nil {
                callsAt.value[mark] = simulator.callCount(endpoint: "list.json")
            }
        }
        var options = DARTSimulator.Options()
        options.filingsPerDay = 200
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            box.value = simulator
            let ids = Self.publish(on: simulator)
            var config = testConfiguration(base, dailyBudget: 400, reservedShare: 0.2)
            config.weekendInterval = nil
            let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: config.dailyBudget),
                                    clock: clock.clock, logger: quietLogger)
            let consumer = CollectingConsumer()
            let poller = DARTPoller(client: client, consumers: [consumer], clock: clock.clock, logger: quietLogger)
            try await poller.run()

            #expect(callsAt.value[marks[0]] != nil && callsAt.value[marks[0]] == callsAt.value[marks[1]], "polled at the weekend")
            let delivered = consumer.records.map(\.id)
            #expect(Set(delivered).count == delivered.count)
            for id in ids { #expect(delivered.filter { $0 == id }.count == 1, "\(id) not delivered exactly once") }
            let listed = [Self.friday, Self.saturday, Self.sunday, Self.monday].flatMap { simulator.listedFilings(on: $0).map(\.receiptNo) }
            #expect(Set(delivered) == Set(listed))
            #expect(await poller.status().lastFullyPolledDay == Self.sunday)
        }
    }

    /// The last day read in full survives a restart: a process down from Friday morning to Monday sweeps from
    /// Friday when it comes back, so nothing filed while it was down is lost.
    @Test func aRestartSweepsFromTheDayStoredBeforeIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dart-cursor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = VirtualClock(start: kst(Self.thursday, "170000"), stopAt: kst(Self.friday, "090000"))
        let second = VirtualClock(start: kst(Self.monday, "083000"), stopAt: kst(Self.monday, "090000"))
        let current = LockedBox(first)
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        options.now = { current.value.now }
        try await withSimulator(options) { simulator, base in
            let ids = Self.publish(on: simulator)
            let before = try #require(simulator.file(stockCode: "005930", reportName: "현금ㆍ현물배당결정", at: kst(Self.thursday, "180000")))
            let (firstPoller, firstConsumer) = Self.poller(base, clock: first, cursor: DARTPollCursor(dataDirectory: directory))
            try await firstPoller.run()
            #expect(firstConsumer.records.map(\.id) == [before])
            #expect(DARTPollCursor(dataDirectory: directory).load(logger: quietLogger) == Self.thursday)

            current.value = second
            let (secondPoller, secondConsumer) = Self.poller(base, clock: second, cursor: DARTPollCursor(dataDirectory: directory))
            try await secondPoller.run()
            #expect(secondConsumer.records.map(\.id).sorted() == ids.sorted())
            #expect(DARTPollCursor(dataDirectory: directory).load(logger: quietLogger) == Self.sunday)
        }
    }

    /// A cursor months old sweeps only `backfillMaxDays` back: a wider window without `corp_code` would be refused
    /// with `100` (the 3-month rule) and nothing would ever be delivered.
    @Test func anOldCursorSweepsOnlyTheBackfillWindow() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dart-cursor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        DARTPollCursor(dataDirectory: directory).save("20250101", logger: quietLogger)
        let clock = VirtualClock(start: kst(Self.monday, "085500"), stopAt: kst(Self.monday, "100000"))
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            let old = simulator.file(stockCode: "005930", reportName: "현금ㆍ현물배당결정", at: kst("20260201", "100000"))
            let inWindow = try #require(simulator.file(stockCode: "005930", reportName: "최대주주변경", at: kst(Self.sunday, "150000")))
            let today = try #require(simulator.file(stockCode: "000660", reportName: "단일판매ㆍ공급계약체결", at: kst(Self.monday, "090000")))
            let (poller, consumer) = Self.poller(base, clock: clock, cursor: DARTPollCursor(dataDirectory: directory))
            try await poller.run()
            #expect(old != nil)
            #expect(consumer.records.map(\.id) == [inWindow, today])
            let status = await poller.status()
            #expect(status.lastError == nil)
            #expect(status.lastFullyPolledDay == Self.sunday)
        }
    }

    // MARK: - Helpers

    /// Publishes `published` on the simulator; returns the receipt numbers.
    static func publish(on simulator: DARTSimulator) -> [String] {
        published.compactMap { simulator.file(stockCode: $0.stock, reportName: $0.title, at: kst($0.day, $0.time)) }
    }

    /// A poller with the venue's schedule and a 400-request day (320 for polling).
    static func poller(_ base: String, clock: VirtualClock, cursor: DARTPollCursor = .memoryOnly) -> (DARTPoller, CollectingConsumer) {
        let config = testConfiguration(base, dailyBudget: 400, reservedShare: 0.2)
        let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: config.dailyBudget), clock: clock.clock, logger: quietLogger)
        let consumer = CollectingConsumer()
        return (DARTPoller(client: client, consumers: [consumer], cursor: cursor, clock: clock.clock, logger: quietLogger), consumer)
    }
}
