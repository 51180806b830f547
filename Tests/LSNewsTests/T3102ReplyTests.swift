import Foundation
@testable import LSNews
import SokboCore
import Testing

@Suite struct T3102ReplyTests {
    @Test func stockNewsJoinsChunks() throws {
        let body = try T3102Reply.parse(try Fixture.bytes("http_t3102_stock.json"), id: "2023051510383935PL7HQ87D")
        #expect(body.tickers.map(\.code) == ["192820"])
        #expect(body.title == nil)
        #expect(body.body.hasPrefix("<p>코스맥스, 1분기 영업이익 사상 최대</p><br/>\r\n"))
        #expect(body.body.contains("영업이익이 전년 동기"))
    }

    @Test func generalNewsStripsLeakedLabels() throws {
        let body = try T3102Reply.parse(try Fixture.bytes("http_t3102_general.json"), id: "2023051510383935PL7HQ87D")
        #expect(body.body.hasPrefix("<p>국제유가"))
        #expect(body.title?.hasPrefix("국제유가, 중동 긴장 완화에 2% 하락") == true)
        #expect(body.tickers.isEmpty)
    }

    @Test func notFoundAndGatewayCodes() throws {
        #expect(throws: NewsBodyError.notFound) { try T3102Reply.parse(try Fixture.bytes("http_t3102_not_found.json"), id: "x") }
        #expect(throws: LSError.invalidToken) { try T3102Reply.parse(try Fixture.bytes("http_igw00121.json"), id: "x") }
        #expect(throws: LSError.rateLimited) { try T3102Reply.parse(try Fixture.bytes("http_igw00201.json"), id: "x") }
    }

    @Test func koreanCharacterSplitAcrossChunksComesOutWhole() throws {
        // "삼성전자" is 12 bytes; cut after 4 bytes, inside "성" (EC 84 B1).
        let text = Array("삼성전자 공급계약".utf8)
        var reply = Array(#"{"rsp_cd":"00000","rsp_msg":"조회완료","t3102OutBlock":[{"sJongcode":"005930"}],"t3102OutBlock1":[{"sBody":""#.utf8)
        reply += text[0..<4]
        reply += Array(#""},{"sBody":""#.utf8)
        reply += text[4...]
        reply += Array(#""}]}"#.utf8)
        let body = try T3102Reply.parse(reply, id: "x")
        #expect(body.body == "삼성전자 공급계약")
    }
}
