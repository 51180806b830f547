import Foundation
@testable import LSNews
@testable import Simulator
import Testing

/// Many bodies through the venue's cut (the simulator's CP949 chunking) and back through the repair.
@Suite struct T3102RoundTripTests {
    static let words = [
        "삼성전자", "공급계약", "체결", "영업이익", "사상", "최대", "코스맥스", "목표주가", "상향", "中國", "株式", "市場",
        "똠방", "햏", "뷁", "·", "“", "”", "→", "ⓒ", "1,884억원", "3.50%", "<p>", "</p>", "<br/>", "\r\n", "NH투자증권",
        "(9만5,000원→11만원)", "<span stockcode='192820'>", "</span>", "A", "zq", "성장세로", "돌아설", "전망",
    ]

    @Test func everyBodyComesBackWithOnlyMarkedLosses() {
        var rng = SimRandom(seed: 7)
        var cuts = 0
        var lost = 0
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 120 + 20) {
                text += Self.words[Int(rng.next() % UInt64(Self.words.count))]
                if rng.next() % 3 != 0 { text += " " }
            }
            let bytes = Array(text.data(using: LSCP949Chunks.encoding)!)
            let chunks = LST3102Response.split(bytes, chunking: .cp949).map(LSCP949Chunks.decodeAlone)
            let repaired = T3102BodyRepair.join(chunks)
            #expect(LSNewsBodyTests.matchesWithLosses(repaired, text), "\(chunks)\n\(repaired)\n\(text)")
            #expect(!repaired.contains("？"))
            let marks = repaired.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            let cutsHere = chunks.dropLast().filter { $0.unicodeScalars.last == "\u{FF1F}" }.count
            #expect(marks <= 2 * chunks.count, "at most two characters lost per cut")
            cuts += cutsHere
            lost += marks
        }
        #expect(cuts > 100, "the corpus exercises cuts")
        print("t3102 round trip: \(cuts) cuts, \(lost) characters lost")
    }
}
