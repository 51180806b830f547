@testable import Kiwoom
import Testing

@Suite struct KiwoomErrorTests {
    @Test func codesAreExtractedFromAllFourForms() {
        #expect(KiwoomError.extractCode(from: "인증에 실패했습니다[8005:Token이 유효하지 않습니다]") == "8005")
        #expect(KiwoomError.extractCode(from: "허용된 요청 개수를 초과하였습니다[1634]") == "1634")
        #expect(KiwoomError.extractCode(from: "[2000](RC4058:모의투자 장종료)") == "RC4058")
        #expect(KiwoomError.extractCode(from: "[2000](800033:모의투자 매도가능수량이 부족합니다.)") == "800033")
        #expect(KiwoomError.extractCode(from: "토큰 인증에 실패했습니다. 접속을 종료합니다 [CODE=8005, MESSAGE=Token이 유효하지 않습니다]") == "8005")
        #expect(KiwoomError.extractCode(from: "정상적으로 처리되었습니다") == nil)
    }

    @Test func classificationFollowsTheBracketedCode() {
        let token = KiwoomError.classify(apiID: "ka10001", returnCode: 3, message: "인증에 실패했습니다[8005:Token이 유효하지 않습니다]")
        #expect(token.category == .token && token.requiresNewToken && token.isRetryable)
        let limit = KiwoomError.classify(apiID: "ka10081", returnCode: 5, message: "허용된 요청 개수를 초과하였습니다[1700:허용된 요청 개수를 초과하였습니다. API ID=ka10081]", httpStatus: 429)
        #expect(limit.category == .rateLimited && limit.isRetryable && !limit.requiresNewToken)
        let batch = KiwoomError.classify(apiID: "ka10095", returnCode: 5, message: "허용된 요청 개수를 초과하였습니다[1634]")
        #expect(batch.category == .batchTooLarge && !batch.isRetryable)
        let mode = KiwoomError.classify(apiID: "au10001", returnCode: 2, message: "입력 값 오류입니다[8030:투자구분(실전/모의)이 달라서 Appkey를 사용할수가 없습니다]")
        #expect(mode.category == .modeMismatch && !mode.isRetryable)
        let closed = KiwoomError.classify(apiID: "kt10000", returnCode: 20, message: "[2000](RC4057:모의투자 장시작전)")
        #expect(closed.category == .marketClosed && !closed.isRetryable)
        let unsupported = KiwoomError.classify(apiID: "kt00011", returnCode: 20, message: "[2000](RC9000:모의투자에서는 해당업무가 제공되지 않습니다.)")
        #expect(unsupported.category == .unsupported)
        let shares = KiwoomError.classify(apiID: "kt10001", returnCode: 20, message: "[2000](800033:매도가능수량이 부족합니다. 0주 매도가능)")
        #expect(shares.category == .rejected && shares.code == "800033")
        let input = KiwoomError.classify(apiID: "kt00001", returnCode: 2, message: "입력 값 오류입니다[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=qry_tp]")
        #expect(input.category == .input && !input.isRetryable)
        let symbol = KiwoomError.classify(apiID: "ka10001", returnCode: 7, message: "서비스를 처리하는 중에 오류가 발생했습니다[1902:종목 정보가 없습니다.]")
        #expect(symbol.category == .symbolNotFound)
    }

    @Test func codeInReturnCodeItselfIsAccepted() {
        let e = KiwoomError.classify(apiID: "ka10001", returnCode: 8005, message: "Token이 유효하지 않습니다")
        #expect(e.code == "8005" && e.requiresNewToken)
        let r = KiwoomError.classify(apiID: "ka10001", returnCode: 1700, message: "")
        #expect(r.category == .rateLimited)
    }

    @Test func fiveHundredsAreRetryableFourHundredsAreNot() {
        #expect(KiwoomError(.http, apiID: "ka10001", message: "", httpStatus: 503).isRetryable)
        #expect(!KiwoomError(.http, apiID: "ka10001", message: "", httpStatus: 404).isRetryable)
        #expect(KiwoomError(.transport, apiID: "ka10001", message: "timeout").isRetryable)
    }

    @Test func descriptionsNeverCarryTheKeys() {
        let config = KiwoomConfiguration(baseURL: "https://api.kiwoom.com/", appKey: "APPKEY-SECRET-1", secretKey: "SECRET-2")
        #expect(!config.description.contains("APPKEY-SECRET-1") && !config.description.contains("SECRET-2"))
        #expect(config.baseURL == "https://api.kiwoom.com")
    }
}
