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

    /// The LS portal's own t3102 example (GUIDE `REST[주식]_투자정보.md`, cited in ls-openapi.md §4.2), byte for
    /// byte: 21 chunks of 100 CP949 bytes, each decoded alone by the venue.
    @Test func portalExampleIsRepairedAtEachCut() throws {
        let body = try T3102Reply.parse(try Fixture.bytes("http_t3102_portal_example.json"), id: "2023051510383935PL7HQ87D")
        let text = body.body
        #expect(body.tickers.map(\.code) == ["192820"])
        // No venue replacement and none of the out-of-step garbage the reply carries.
        for garbage in ["？", "맙坪막", "봉凉섭", "桓"] {
            #expect(!text.contains(garbage), "still shows \(garbage)")
        }
        // The out-of-step runs read as the article again; each lost character is one U+FFFD.
        #expect(text.contains("목\r\n표주가를 14�원으� 상향 조정했다"))
        #expect(text.contains("“올해 2분기부터는 중국 매\r\n출도 �장세� 돌아설 것”"))
        #expect(text.contains("고성장할 ��\"이라며"))
        // A cut between whole characters of the next chunk loses only the character at the cut.
        #expect(text.contains("높여잡� 있다"))
        #expect(text.contains("8만5,800원을 기�\r\n하고 있다"))
        #expect(text.contains("시\r\n장 전망치� 웃돌았다"))
        #expect(text.contains("무단 전재 � 재배포 금지]"))
        // Spaces the venue trimmed at a chunk end next to a cut come back.
        #expect(text.contains("목표주가를 높여 잡고"))
        #expect(text.contains("중국 내 코로나19"))
        #expect(text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 11)
        #expect(text.hasPrefix("<p>[서울경제TV=김혜영기자]<span stockcode='192820'>코스맥스(192820)</span>가 중국 리오프닝"))
        #expect(text.hasSuffix("재배포 금지]<br /><br />"))
    }

    @Test func compatibilityHanjaOutOfStepReadsBack() throws {
        // "성장세로 " in CP949 is BC BA C0 E5 BC BC B7 CE 20; cut after BC, the next chunk decodes E5 BC to the
        // compatibility ideograph U+F979 (Foundation) or its normalised U+51C9 (the portal's page).
        for hanja in ["\u{F979}", "\u{51C9}"] {
            let text = T3102BodyRepair.join(["매출도 ？", "봉\(hanja)섭？ 돌아설"])
            #expect(text == "매출도 �장세� 돌아설")
        }
    }

    @Test func chunksWithoutCutsAreJoinedAsTheyAre() {
        #expect(T3102BodyRepair.join(["정말？ 그래", "요"]) == "정말？ 그래요")
        #expect(T3102BodyRepair.join(["emoji 😀 ", "text"]) == "emoji 😀 text")
    }
}
