import Alerts
import Foundation
import SokboCore
import Testing

/// Venue trouble and the daily summary's schedule, on an injected clock.
@Suite struct VenueTroubleDetectorTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_650_000)

    @Test func theNewsSocketIsReportedOnceAfterItsThresholdAndOnceWhenBack() {
        var detector = VenueTroubleDetector(newsDownAfter: 60)
        let r1 = detector.observe(VenueHealth(newsConnected: true), at: Self.t0).map(\.text)
        #expect(r1.isEmpty)
        let r2 = detector.observe(VenueHealth(newsConnected: false), at: Self.t0 + 5).map(\.text)
        #expect(r2.isEmpty)
        let r3 = detector.observe(VenueHealth(newsConnected: false), at: Self.t0 + 64).map(\.text)
        #expect(r3.isEmpty, "59 s down: not yet")
        let down = detector.observe(VenueHealth(newsConnected: false), at: Self.t0 + 65).map(\.text)
        #expect(down.count == 1 && down[0].contains("뉴스 소켓 끊김 60초"))
        let r4 = detector.observe(VenueHealth(newsConnected: false), at: Self.t0 + 200).map(\.text)
        #expect(r4.isEmpty, "reported once")
        let back = detector.observe(VenueHealth(newsConnected: true), at: Self.t0 + 210).map(\.text)
        #expect(back.count == 1 && back[0].contains("복구"))
        // A short drop is not news.
        let r5 = detector.observe(VenueHealth(newsConnected: false), at: Self.t0 + 220).map(\.text)
        #expect(r5.isEmpty)
        let r6 = detector.observe(VenueHealth(newsConnected: true), at: Self.t0 + 222).map(\.text)
        #expect(r6.isEmpty)
    }

    @Test func eachOtherTroubleIsReportedWhenItStartsOrGrows() {
        var detector = VenueTroubleDetector(newsDownAfter: 60)
        var health = VenueHealth(newsConnected: true)
        let r7 = detector.observe(health, at: Self.t0).map(\.text)
        #expect(r7.isEmpty)
        health.kiwoomEvictions = 1
        health.kiwoomEvicted = true
        health.tokenRefusals = 2
        health.dartBudgetExhausted = true
        health.databaseFailing = true
        health.databaseError = "database is locked"
        health.rowsSetAside = 3
        let texts = detector.observe(health, at: Self.t0 + 5).map(\.text)
        #expect(texts.count == 5, "\(texts)")
        #expect(texts.contains { $0.contains("R10001") })
        #expect(texts.contains { $0.contains("토큰") && $0.contains("2회") })
        #expect(texts.contains { $0.contains("DART") })
        #expect(texts.contains { $0.contains("DB 쓰기 실패") && $0.contains("database is locked") })
        #expect(texts.contains { $0.contains("3개") })
        let r8 = detector.observe(health, at: Self.t0 + 10).map(\.text)
        #expect(r8.isEmpty, "nothing new")
        health.databaseFailing = false
        let r9 = detector.observe(health, at: Self.t0 + 15).map(\.text)
        #expect(r9 == ["💾 DB 쓰기 복구"])
    }

    @Test func theDailySummaryIsDueOncePerDayAfterItsTime() {
        // 2026-11-20 06:00 UTC is 15:00 KST.
        let threePM = Date(timeIntervalSince1970: 1_795_586_400)
        #expect(KST.secondsIntoDay(threePM) == 15 * 3600)
        var schedule = DailySummarySchedule(secondsIntoDay: 15 * 3600 + 40 * 60)
        let r10 = schedule.isDue(at: threePM)
        #expect(!r10)
        let r11 = schedule.isDue(at: threePM + 39 * 60)
        #expect(!r11)
        let r12 = schedule.isDue(at: threePM + 40 * 60)
        #expect(r12)
        let r13 = schedule.isDue(at: threePM + 50 * 60)
        #expect(!r13, "once a day")
        let r14 = schedule.isDue(at: threePM + 86_400 + 41 * 60)
        #expect(r14, "and again the next day")

        var late = DailySummarySchedule(secondsIntoDay: 15 * 3600 + 40 * 60)
        let r15 = late.isDue(at: threePM + 3600)
        #expect(!r15, "a process started after the time sends none that day")
        let r16 = late.isDue(at: threePM + 3700)
        #expect(!r16)
    }
}
