import DART
import Foundation
import Simulator
import SokboCore
import Synchronization
import Testing

@Suite("DART poller against the simulator, on virtual time")
struct DARTPollerTests {
    /// Monday 2 March 2026, KST.
    static let monday = "20260302"

    @Test(arguments: ["070000", "163000"])
    func pollerNeverExceedsItsBudget(start: String) async throws {
        let clock = VirtualClock(start: kst(Self.monday, start), stopAt: kst(Self.monday, "200000"))
        var options = DARTSimulator.Options()
        options.filingsPerDay = 300
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            let config = testConfiguration(base, dailyBudget: 200, reservedShare: 0.5)
            #expect(config.pollBudget == 100)
            let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: config.dailyBudget),
                                    clock: clock.clock, logger: quietLogger)
            let consumer = CollectingConsumer()
            let poller = DARTPoller(client: client, consumers: [consumer], clock: clock.clock, logger: quietLogger)
            try await poller.run()
            let calls = simulator.callCount(endpoint: "list.json")
            #expect(calls <= 100)
            #expect(calls >= 90, "the poller should use most of its share, used \(calls)")
            let status = await poller.status()
            #expect(status.pollRequestsToday == calls)
            #expect(status.pollBudgetLeft == 100 - calls)
            // Everything visible by the 20:00 close was delivered exactly once.
            let ids = consumer.records.map(\.id)
            #expect(Set(ids).count == ids.count)
            #expect(ids.count > 200)
        }
    }

    @Test func limitExceededStopsPollingUntilMidnightThenResumes() async throws {
        let midnight = kst("20260303")
        let callsAtMidnight = LockedBox<Int?>(nil)
        let box = LockedBox<DARTSimulator?>(nil)
        let clock = VirtualClock(start: kst(Self.monday, "090000"), stopAt: kst("20260303", "083000")) { now in
            guard now >= midnight, let simulator = box.value else { return }
            if callsAtMidnight.value == nil { callsAtMidnight.value = simulator.callCount(endpoint: "list.json") }
            simulator.forceLimitExceeded(false)
        }
        var options = DARTSimulator.Options()
        options.filingsPerDay = 50
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            box.value = simulator
            simulator.forceLimitExceeded(true)
            let config = testConfiguration(base)
            let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: config.dailyBudget),
                                    clock: clock.clock, logger: quietLogger)
            let consumer = CollectingConsumer()
            let poller = DARTPoller(client: client, consumers: [consumer], clock: clock.clock, logger: quietLogger)
            try await poller.run()
            // One call met the 020; nothing more was sent before 00:00 KST.
            #expect(callsAtMidnight.value == 1)
            #expect(clock.wakes.first == midnight)
            // After the reset and the 08:00 opening it polls again and delivers.
            #expect(simulator.callCount(endpoint: "list.json") > 1)
            #expect(consumer.records.contains { $0.receivedDate == "20260303" })
            #expect(await poller.status().lastError == nil)
        }
    }

    @Test func dedupesByReceiptNumberAndNormalisesReportNames() async throws {
        let clock = VirtualClock(start: kst(Self.monday, "085500"), stopAt: kst(Self.monday, "100000"))
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            let first = simulator.file(stockCode: "005930", reportName: "단일판매·공급계약체결              ",
                                       at: kst(Self.monday, "090000"))
            let second = simulator.file(stockCode: "247540", reportName: "주요사항보고서(자기주식취득결정) ",
                                        at: kst(Self.monday, "093000"))
            // 100 requests over 09:00–18:00 → one poll every ~6 minutes: ~10 polls see the same rows again and again.
            let (poller, consumer) = Self.poller(base, clock: clock)
            try await poller.run()
            #expect(simulator.callCount(endpoint: "list.json") >= 5)
            let records = consumer.records
            #expect(records.map(\.id) == [first, second].compactMap { $0 })
            #expect(records.first?.reportName == "단일판매ㆍ공급계약체결")
            #expect(records.first?.ticker == Ticker("005930"))
            #expect(records.last?.reportName == "주요사항보고서(자기주식취득결정)")
            #expect(records.last?.remark == "코")
            #expect(await poller.status().delivered == 2)
        }
    }

    /// A row whose receipt number is not 14 digits (an odd venue reply) is counted and refused, once; the
    /// rows around it are delivered.
    @Test func aMalformedReceiptNumberIsCountedAndNotDelivered() async throws {
        let clock = VirtualClock(start: kst(Self.monday, "085500"), stopAt: kst(Self.monday, "100000"))
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        options.now = { clock.now }
        try await withSimulator(options) { simulator, base in
            let good = simulator.file(stockCode: "005930", reportName: "단일판매ㆍ공급계약체결", at: kst(Self.monday, "090000"))
            simulator.addDisclosure(DARTSimulatedFiling(
                corpCode: "00126380", corpName: "삼성전자", stockCode: "005930", corpClass: "Y", reportName: "기타경영사항",
                receiptNo: "2026030280000A" + String(repeating: "9", count: 60), filer: "삼성전자", receiptDate: Self.monday,
                remark: "유", disclosureType: "I", detailType: "I001", visibleAt: kst(Self.monday, "091000")))
            let (poller, consumer) = Self.poller(base, clock: clock)
            try await poller.run()
            #expect(simulator.callCount(endpoint: "list.json") >= 3, "polled several times, seeing the odd row each time")
            #expect(consumer.records.map(\.id) == [good].compactMap { $0 })
            let status = await poller.status()
            #expect(status.rejectedRows == 1)
            #expect(status.delivered == 1)
        }
    }

    /// A poller over `base` with a 100-request day and no reserve, handing disclosures to a collecting consumer.
    static func poller(_ base: String, clock: VirtualClock) -> (DARTPoller, CollectingConsumer) {
        let config = testConfiguration(base, dailyBudget: 100, reservedShare: 0)
        let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: 100), clock: clock.clock, logger: quietLogger)
        let consumer = CollectingConsumer()
        return (DARTPoller(client: client, consumers: [consumer], clock: clock.clock, logger: quietLogger), consumer)
    }

    /// The venue's schedule: weekdays 08:00–20:00 KST (filings run to ≈19:00, dart.md §3.4), weekends the same
    /// hours every 15 minutes; without weekend polling Friday evening leads to Monday 08:00.
    @Test func marketHoursAreEightToEightKSTWithSlowWeekends() {
        let hours = DARTMarketHours()
        #expect(hours == .venue)
        #expect(!hours.isOpen(at: kst(Self.monday, "075959")))
        #expect(hours.isOpen(at: kst(Self.monday, "080000")))
        #expect(hours.isOpen(at: kst(Self.monday, "193000")))
        #expect(hours.isOpen(at: kst(Self.monday, "195959")))
        #expect(!hours.isOpen(at: kst(Self.monday, "200000")))
        #expect(hours.minimumInterval(at: kst(Self.monday, "120000")) == nil)
        #expect(hours.isOpen(at: kst("20260307", "120000")))  // Saturday
        #expect(hours.minimumInterval(at: kst("20260307", "120000")) == .seconds(900))
        #expect(!hours.isOpen(at: kst("20260308", "200000")))  // Sunday evening
        #expect(hours.nextOpen(after: kst("20260306", "200000")) == kst("20260307", "080000"))  // Friday evening → Saturday
        #expect(hours.close(on: kst(Self.monday, "101010")) == kst(Self.monday, "200000"))
        let weekdays = DARTMarketHours(weekends: .skipped)
        #expect(!weekdays.isOpen(at: kst("20260307", "120000")))
        #expect(weekdays.nextOpen(after: kst("20260306", "200000")) == kst("20260309", "080000"))  // Friday evening → Monday
        #expect(DARTMarketHours.always.isOpen(at: kst("20260308", "233000")))
        #expect(DARTMarketHours.always.minimumInterval(at: kst("20260308", "233000")) == nil)
    }

    /// The configuration's defaults give the venue's schedule; `pollAroundTheClock` and a nil weekend interval
    /// are the only ways off it.
    @Test func theConfigurationGivesTheVenueSchedule() {
        var config = DARTConfiguration.defaults(for: "simulate")
        #expect(config.hours == .venue)
        #expect(DARTConfiguration.defaults(for: "live").hours == .venue)
        config.weekendInterval = nil
        #expect(config.hours == DARTMarketHours(weekends: .skipped))
        config.pollAroundTheClock = true
        #expect(config.hours == .always)
        #expect(DARTConfiguration(baseURL: "http://x/api/", apiKey: "", backfillMaxDays: 400).backfillMaxDays == 89)
    }
}

/// A mutable value shared with @Sendable closures.
final class LockedBox<T: Sendable>: Sendable {
    private let storage: Mutex<T>
    init(_ value: T) { storage = Mutex(value) }
    var value: T {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
