@testable import Kiwoom
import SokboCore
import Testing

@Suite struct KiwoomValueTests {
    @Test func signedPricesLoseTheirDirectionSign() {
        #expect(KiwoomValue.price("+70100") == 70_100)
        #expect(KiwoomValue.price("-230250") == 230_250)
        #expect(KiwoomValue.price("70100") == 70_100)
        #expect(KiwoomValue.price("--500") == 500)
        #expect(KiwoomValue.price("") == nil)
        #expect(KiwoomValue.price(nil) == nil)
        #expect(KiwoomValue.price("12a") == nil)
    }

    @Test func zeroPaddedAmountsKeepTheirSign() {
        #expect(KiwoomValue.signedInt("000000000017534") == 17_534)
        #expect(KiwoomValue.signedInt("-00000000000084") == -84)
        #expect(KiwoomValue.signedInt("000000288000") == 288_000)
        #expect(KiwoomValue.signedInt("+600") == 600)
        #expect(KiwoomValue.signedInt("--500") == -500)
        #expect(KiwoomValue.signedInt("-") == nil)
        #expect(KiwoomValue.signedInt("   ") == nil)
    }

    @Test func decimalsPercentsAndMarginStates() {
        #expect(KiwoomValue.decimal("-3.86") == -3.86)
        #expect(KiwoomValue.decimal("+0.16") == 0.16)
        #expect(KiwoomValue.percent("20%") == 20)
        #expect(KiwoomValue.decimal("") == nil)
        #expect(KiwoomValue.marginRate(inState: "증거금20%|담보대출|신용가능") == 20)
        #expect(KiwoomValue.marginRate(inState: "담보대출|증거금100%") == 100)
        #expect(KiwoomValue.marginRate(inState: "신용가능") == nil)
    }

    @Test func venueCodesNormalise() {
        #expect(Ticker(venueCode: "A005930")?.code == "005930")
        #expect(Ticker(venueCode: "005930_NX")?.code == "005930")
        #expect(Ticker(venueCode: "005930_AL")?.code == "005930")
    }
}
