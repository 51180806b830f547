import Foundation
@testable import LSNews
import SokboCore
import Testing

@Suite struct LSFrameParserTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func news(_ name: String) throws -> NewsItem {
        guard case .news(let item) = try LSFrameParser.parse(try Fixture.bytes(name), receivedAt: now) else {
            Issue.record("\(name) did not parse as news")
            throw CancellationError()
        }
        return item
    }

    @Test func docFrameBecomesNewsItemInKST() throws {
        let item = try news("ws_nws_frame.json")
        #expect(item.id == "202306140952172704000165")
        #expect(item.publishedAt == KST.date(yyyymmdd: "20230614", hhmmss: "095217"))
        #expect(item.publishedAt.timeIntervalSince1970 == 1_686_703_937)
        #expect(item.source == "27")
        #expect(item.title == "STX, ‘2차전지 핵심’ 수산화리튬 사업 박차…中 영정리튬과 MOU")
        #expect(item.tickers == [Ticker("011810")].compactMap { $0 })
        #expect(item.bodySize == 4841)
        #expect(item.category == nil)
        #expect(item.receivedAt == now)
    }

    @Test func packedCodesAndExtraFields() throws {
        let item = try news("ws_nws_frame_multicode_extra.json")
        #expect(item.tickers.map(\.code) == ["005930", "000660"])
        #expect(item.category == "99")
    }

    @Test func numbersInsteadOfStringsAndEmptyCode() throws {
        let item = try news("ws_nws_frame_general_numbers.json")
        #expect(item.tickers.isEmpty)
        #expect(item.source == "28")
        #expect(item.bodySize == 2210)
        #expect(item.title.hasPrefix("[로이터] 미 연준 위원 \"추가"))
        #expect(item.publishedAt == KST.date(yyyymmdd: "20260527", hhmmss: "203015"))
    }

    @Test func codeLengthNotAMultipleOfTwelve() {
        #expect(LSFrameParser.tickers(packed: "000000005930000000").map(\.code) == ["005930"])
        #expect(LSFrameParser.tickers(packed: "            000000005930").map(\.code) == ["005930"])
        #expect(LSFrameParser.tickers(packed: "").isEmpty)
        #expect(LSFrameParser.tickers(packed: "000000005930000000005930").map(\.code) == ["005930"])
    }

    @Test func acksAreClassified() throws {
        guard case .ack(let ok) = try LSFrameParser.parse(try Fixture.bytes("ws_ack_ok.json"), receivedAt: now),
              case .ack(let refused) = try LSFrameParser.parse(try Fixture.bytes("ws_ack_igw00121.json"), receivedAt: now)
        else { Issue.record("ACK fixtures must parse as ACKs"); return }
        #expect(ok.isSuccess && ok.trCode == "NWS")
        #expect(!refused.isSuccess && refused.isInvalidToken)
    }

    @Test func otherTRsAreIgnoredNotRejected() throws {
        let frame = #"{"header":{"tr_cd":"JIF","tr_key":"0"},"body":{"jangubun":"C","jstatus":"21"}}"#
        #expect(try LSFrameParser.parse(frame, receivedAt: now) == .other(trCode: "JIF"))
    }

    @Test(arguments: [
        ("<html>502</html>", LSFrameRejection.notJSON),
        (#"{"header":{"tr_cd":"NWS"},"body":{"date":"2023"#, .notJSON),
        (#"[1,2,3]"#, .notJSON),
        (#"{"header":{"tr_cd":"NWS"},"body":{"date":"20230614"}} trailing"#, .notJSON),
        (#"{"body":{"date":"20230614"}}"#, .missingField),
        (#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","time":"095217","id":"27","title":"t"}}"#, .missingField),
        (#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","time":"095217","id":"27","realkey":"202306140952172704000165","title":{"a":1}}}"#, .wrongType),
        (#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20231399","time":"095217","id":"27","realkey":"202306140952172704000165","title":"t"}}"#, .badValue),
        (#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","time":"095217","id":"27","realkey":"short","title":"t"}}"#, .badValue),
        (#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":"text"}"#, .wrongType),
    ])
    func malformedFramesAreTypedRejections(frame: String, expected: LSFrameRejection) {
        #expect(throws: expected) { try LSFrameParser.parse(frame, receivedAt: now) }
    }

    @Test func invalidUTF8TitleIsRejected() {
        var bytes = Array(#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","time":"095217","id":"27","realkey":"202306140952172704000165","title":""#.utf8)
        bytes += [0xEC, 0x82, 0xFF]
        bytes += Array(#""}}"#.utf8)
        #expect(throws: LSFrameRejection.invalidUTF8) { try LSFrameParser.parse(bytes, receivedAt: now) }
    }

    @Test func escapedTitleIsDecoded() throws {
        let frame = #"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","time":"095217","id":"27","realkey":"202306140952172704000165","title":"\uc0bc\uc131 \"A\" \ud83d\ude00\\"}}"#
        guard case .news(let item) = try LSFrameParser.parse(frame, receivedAt: now) else { Issue.record("not news"); return }
        #expect(item.title == "삼성 \"A\" 😀\\")
    }

    @Test func dedupeForgetsOldestBeyondCapacity() {
        var dedupe = RealkeyDeduper(capacity: 3)
        let first = [dedupe.insert("a"), dedupe.insert("b"), dedupe.insert("c")]
        #expect(first == [true, true, true])
        let again = dedupe.insert("a")
        #expect(!again)
        let fourth = dedupe.insert("d")
        #expect(fourth)
        #expect(dedupe.count == 3)
        let forgotten = dedupe.insert("a")
        #expect(forgotten, "the oldest key was evicted")
    }

    @Test func subscribeFrameCarriesTheBareToken() throws {
        let frame = LSNewsListener.subscribeFrame(token: LSToken(value: "abc.def.ghi", expiresAt: now))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: [String: String]])
        #expect(object["header"] == ["token": "abc.def.ghi", "tr_type": "3"])
        #expect(object["body"] == ["tr_cd": "NWS", "tr_key": "NWS001"])
    }

    @Test func tokenExpiryComesFromJWTExpNotExpiresIn() {
        // exp 1742508000 = 2025-03-21 07:00 KST; expires_in 86400 would say 2025-03-21 09:14.
        let payload = Data(#"{"sub":"token","exp":1742508000,"iat":1742429640}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
        let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.\(payload).sig"
        let issued = Date(timeIntervalSince1970: 1_742_429_640)
        #expect(LSToken.expiry(token: token, expiresIn: 86400, now: issued) == Date(timeIntervalSince1970: 1_742_508_000))
        // Not a JWT: next 07:00 KST.
        #expect(LSToken.expiry(token: "opaque", expiresIn: nil, now: issued) == Date(timeIntervalSince1970: 1_742_508_000))
    }
}
