import Alerts
import Foundation
import Testing

/// Kiwoom's token and pacing trouble, one reading at a time on an injected clock: one message when an
/// episode starts, one when it is over, nothing in between.
@Suite struct BrokerTroubleDetectorTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_650_000)

    static func token(refusals: Int, failure: String? = nil) -> VenueHealth {
        VenueHealth(brokerTokenRefusals: refusals, brokerTokenLastRefusal: refusals > 0 ? "ka10001 [8005] Token이 유효하지 않습니다" : nil,
                    brokerTokenIssueFailure: failure)
    }

    static func pacing(refused: Int, limited: Int = 0, exhausted: Bool = false) -> VenueHealth {
        VenueHealth(pacing: [BrokerPacingBucket(name: "queries"),
                             BrokerPacingBucket(name: "ka10001", exhausted: exhausted, queued: exhausted ? 2 : 0, refusedUnsent: refused, rateLimited: limited)])
    }

    @Test func aTokenRefusalIsToldOncePerEpisodeWithItsRecovery() {
        var detector = BrokerTroubleDetector()
        #expect(detector.observe(Self.token(refusals: 0), at: Self.t0).isEmpty)
        let refused = detector.observe(Self.token(refusals: 1), at: Self.t0 + 5)
        #expect(refused.map(\.kind) == [.kiwoomToken])
        #expect(refused.first?.text.contains("토큰 거절 1회") == true && refused.first?.text.contains("[8005]") == true, "\(refused)")
        #expect(detector.observe(Self.token(refusals: 3), at: Self.t0 + 10).isEmpty, "more refusals: the same episode")
        #expect(detector.observe(Self.token(refusals: 3), at: Self.t0 + 69).isEmpty, "59 quiet seconds: not over yet")
        let back = detector.observe(Self.token(refusals: 3), at: Self.t0 + 70)
        #expect(back.map(\.text) == ["🔑 키움 토큰 정상화\n65초 동안 거절 3회"])
        #expect(detector.observe(Self.token(refusals: 3), at: Self.t0 + 200).isEmpty)
        #expect(detector.observe(Self.token(refusals: 4), at: Self.t0 + 210).count == 1, "a later refusal is a new episode")
    }

    @Test func aFailingIssueIsToldOnceAndItsEpisodeLastsWhileItFails() {
        var detector = BrokerTroubleDetector(thresholds: .init(recoverAfter: 10))
        let refused = detector.observe(Self.token(refusals: 1), at: Self.t0)
        #expect(refused.count == 1)
        let failing = detector.observe(Self.token(refusals: 1, failure: "http: 500"), at: Self.t0 + 5)
        #expect(failing.map(\.text) == ["🔑 키움 토큰 발급 실패\nhttp: 500\n토큰 만료 후 주문·조회 불가 · 재시도 중"], "worse: told as well")
        for second in stride(from: 10, through: 100, by: 10) {
            #expect(detector.observe(Self.token(refusals: 1, failure: "http: 500"), at: Self.t0 + Double(second)).isEmpty, "still failing: no repeat")
        }
        #expect(detector.observe(Self.token(refusals: 1), at: Self.t0 + 105).isEmpty, "issuing works again, 5 s ago")
        let back = detector.observe(Self.token(refusals: 1), at: Self.t0 + 110)
        #expect(back.count == 1 && back[0].text.contains("정상화") && back[0].text.contains("발급 실패 있었음"), "\(back)")
    }

    @Test func pacingRefusalsStartAnEpisodeOnlyWhenRepeatedWithinTheWindow() {
        var detector = BrokerTroubleDetector()
        // One refusal every 31 s: never three within 30 s.
        for n in 1...4 { #expect(detector.observe(Self.pacing(refused: n), at: Self.t0 + Double(31 * n)).isEmpty) }
        let start = detector.observe(Self.pacing(refused: 6), at: Self.t0 + 140)
        #expect(start.map(\.kind) == [.kiwoomPacing], "2 now and 1 at 124 s: 3 within 30 s")
        #expect(start.first?.text.contains("ka10001") == true && start.first?.text.contains("3건") == true, "\(start)")
        #expect(detector.observe(Self.pacing(refused: 9, limited: 2), at: Self.t0 + 150).isEmpty, "the same episode")
        #expect(detector.observe(Self.pacing(refused: 9, limited: 2, exhausted: true), at: Self.t0 + 200).isEmpty)
        #expect(detector.observe(Self.pacing(refused: 9, limited: 2), at: Self.t0 + 259).isEmpty, "exhausted 59 s ago")
        let back = detector.observe(Self.pacing(refused: 9, limited: 2), at: Self.t0 + 260)
        #expect(back.map(\.text) == ["⏱ 키움 요청 한도 회복\n120초 동안 보내지 못하거나 429 받은 요청 8건"])
        #expect(detector.observe(Self.pacing(refused: 9, limited: 2), at: Self.t0 + 400).isEmpty)
    }

    /// With a quiet period shorter than the window, the refusals that started an episode are not counted again
    /// once it is over: the next episode needs new ones.
    @Test func theRefusalsOfAnEpisodeOverDoNotStartAnother() {
        var detector = BrokerTroubleDetector(thresholds: .init(refusals: 3, window: 30, recoverAfter: 2))
        #expect(detector.observe(Self.pacing(refused: 3), at: Self.t0).count == 1)
        #expect(detector.observe(Self.pacing(refused: 3), at: Self.t0 + 2).map(\.text).first?.contains("회복") == true)
        for second in 3...20 { #expect(detector.observe(Self.pacing(refused: 3), at: Self.t0 + Double(second)).isEmpty) }
        #expect(detector.observe(Self.pacing(refused: 5), at: Self.t0 + 21).isEmpty, "two new refusals: not yet")
        #expect(detector.observe(Self.pacing(refused: 6), at: Self.t0 + 22).count == 1, "three new ones: a new episode")
    }

    @Test func aBucketExhaustedAtEveryReadingForTheWindowStartsAnEpisode() {
        var detector = BrokerTroubleDetector()
        #expect(detector.observe(Self.pacing(refused: 0, exhausted: true), at: Self.t0).isEmpty)
        #expect(detector.observe(Self.pacing(refused: 0, exhausted: false), at: Self.t0 + 5).isEmpty, "a moment without a slot is normal")
        for second in stride(from: 10, through: 35, by: 5) {
            #expect(detector.observe(Self.pacing(refused: 0, exhausted: true), at: Self.t0 + Double(second)).isEmpty)
        }
        let stuck = detector.observe(Self.pacing(refused: 0, exhausted: true), at: Self.t0 + 40)
        #expect(stuck.count == 1 && stuck[0].text.contains("ka10001 30초 넘게 소진 · 대기 2건"), "\(stuck)")
        #expect(detector.observe(Self.pacing(refused: 0, exhausted: true), at: Self.t0 + 200).isEmpty)
    }
}
