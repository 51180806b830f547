import Foundation
@testable import Kiwoom
import Simulator
import SokboCore
import Testing

/// A client paced as the venue limits it (about 1 request/s per api-id, burst 2, `kiwoom-rest.md` §7; half
/// its rate: the client's clock starts at the reservation, the venue's at arrival, and on a loaded machine the
/// gap between them must never leave the simulator's bucket a token short), so
/// a test against the simulator with its limits on meets no 429 and counts exactly the calls it made.
func venuePacedConfiguration(_ url: String) -> KiwoomConfiguration {
    let venue = KiwoomRateLimits.Bucket(perSecond: 0.5, burst: 2)
    return KiwoomConfiguration(baseURL: url, appKey: KiwoomConfiguration.simulatorAppKey, secretKey: KiwoomConfiguration.simulatorSecretKey,
                               rateLimits: KiwoomRateLimits(perAPIID: venue),
                               retryBaseDelay: .milliseconds(100))
}

/// The day's reference (name, base price, limits, margin rate, halt designation) is read once per stock per
/// trading day; an entry then costs its order book alone. Against the simulator with its limits on.
@Suite struct DayReferenceTests {
    let samsung = Ticker("005930")!
    let hynix = Ticker("000660")!

    @Test func anEntryCostsOnlyTheBookOnceTheDaysReferenceIsHeld() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let broker = KiwoomBroker(configuration: venuePacedConfiguration(url))
            // First use of the day: the reference and the book in one round trip (four queries).
            let cold = try await broker.entrySnapshot(samsung)
            #expect(cold.queries == 4)
            for api in ["ka10001", "ka10004", "kt00011", "ka10100"] { #expect(sim.requestCount(api) == 1, "\(api)") }
            #expect(cold.snapshot.missing.isEmpty && cold.snapshot.halted == false && cold.snapshot.marginRatePercent == 20)

            // Every later entry that day: the book alone.
            let warm = try await broker.entrySnapshot(samsung)
            #expect(warm.queries == 1)
            #expect(sim.requestCount("ka10004") == 2)
            for api in ["ka10001", "kt00011", "ka10100"] { #expect(sim.requestCount(api) == 1, "\(api) read again") }
            let snapshot = warm.snapshot
            #expect(snapshot.name == "삼성전자" && snapshot.basePrice == 70_000 && snapshot.limits == DailyLimits(upper: 91_000, lower: 49_000))
            // ka10004 carries no last price: the entry's price is the best ask, which sizing pays.
            let ask = try #require(snapshot.book?.asks.first?.price)
            #expect(snapshot.price == ask)
            #expect(snapshot.source == .rest)

            // The order's limit check uses the same reference: no ka10001 before it.
            let outcome = await broker.submit(OrderRequest(clientOrderID: "e1", ticker: samsung, side: .buy, quantity: 1, price: .limit(ask)))
            guard case .accepted = outcome else { Issue.record("\(outcome)"); return }
            #expect(sim.requestCount("ka10001") == 1)
            #expect(sim.orderRequests == 1)

            // A lookup wants the last price and the day's figures: ka10001 and the book, still no daily read.
            let lookup = try await broker.snapshot(samsung)
            #expect(lookup.volume >= 0 && lookup.missing.isEmpty)
            #expect(sim.requestCount("ka10001") == 2 && sim.requestCount("ka10004") == 3)
            #expect(sim.requestCount("kt00011") == 1 && sim.requestCount("ka10100") == 1)
        }
    }

    @Test func warmingReadsEachStockOnceAhead() async throws {
        try await withSimulator(KiwoomSimulatorConfiguration()) { sim, url in
            let broker = KiwoomBroker(configuration: venuePacedConfiguration(url))
            #expect(await broker.warmDayReferences([samsung, hynix]) == 2)
            #expect(await broker.warmDayReferences([samsung, hynix]) == 0, "held for the day: nothing read again")
            #expect(broker.dayReferenceCount() == 2)
            for api in ["ka10001", "kt00011", "ka10100"] { #expect(sim.requestCount(api) == 2, "\(api)") }
            #expect(sim.requestCount("ka10004") == 0)
            sim.resetCounters()
            let entry = try await broker.entrySnapshot(hynix)
            #expect(entry.queries == 1)
            #expect(sim.totalRequests == 1 && sim.requestCount("ka10004") == 1)
        }
    }

    /// A trading day starts at 08:00 KST: a reference read the evening before is not used for the next session.
    @Test func theTradingDayTurnsOverAtTheDayStart() throws {
        let evening = try #require(KST.date(yyyymmdd: "20261126", hhmmss: "200000"))
        let early = try #require(KST.date(yyyymmdd: "20261127", hhmmss: "075959"))
        let start = try #require(KST.date(yyyymmdd: "20261127", hhmmss: "080000"))
        #expect(KiwoomDayReference.session(of: evening, dayStart: .seconds(8 * 3600)) == "20261126")
        #expect(KiwoomDayReference.session(of: early, dayStart: .seconds(8 * 3600)) == "20261126")
        #expect(KiwoomDayReference.session(of: start, dayStart: .seconds(8 * 3600)) == "20261127")
    }
}
