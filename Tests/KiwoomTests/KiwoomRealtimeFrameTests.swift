import Foundation
import Kiwoom
import SokboCore
import Testing

/// Realtime frames in the shapes of the venue spec (§8), including the variants captures disagree on.
@Suite struct KiwoomRealtimeFrameTests {
    @Test func loginSuccessAndFailureWithIntegerOrStringCodes() throws {
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"LOGIN","return_code":0,"return_msg":""}"#) == .login(returnCode: 0, message: ""))
        let refusal = #"{"trnm":"LOGIN","return_code":"3","return_msg":"토큰 인증에 실패했습니다. 접속을 종료합니다 [CODE=8005, MESSAGE=Token이 유효하지 않습니다]"}"#
        guard case .login(let code, let message) = try KiwoomRealtimeFrame.parse(refusal) else { Issue.record("not a LOGIN"); return }
        #expect(code == 3)
        #expect(KiwoomRealtimeFrame.loginNeedsNewToken(message))
        #expect(!KiwoomRealtimeFrame.loginNeedsNewToken("동일한 App key로 접속"))
    }

    @Test func pingIsKeptByteForByteForTheEcho() throws {
        let ping = #"{"trnm":"PING","seq":"17", "extra" : [1,2]}"#
        #expect(try KiwoomRealtimeFrame.parse(ping) == .ping(raw: ping))
    }

    @Test func systemAndRegistrationFrames() throws {
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"SYSTEM","code":"R10001","message":"동일한 App key로 접속이 되었습니다. 기존 세션은 종료됩니다"}"#)
            == .system(code: "R10001", message: "동일한 App key로 접속이 되었습니다. 기존 세션은 종료됩니다"))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"REG","return_code":1,"return_msg":"등록 종목수 초과"}"#)
            == .registration(trnm: "REG", returnCode: 1, message: "등록 종목수 초과"))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"CNSRLST","data":[["0","조건1"]]}"#) == .other(trnm: "CNSRLST"))
    }

    @Test func realTradeAndBookItemsFeedTheQuoteBook() throws {
        let trade = #"{"trnm":"REAL","data":[{"type":"0B","name":"주식체결","item":"005930","values":{"20":"165208","10":"-20800","11":"-50","12":"-0.24","15":"+82","13":"30379732","25":"5","290":"2"}}]}"#
        var bookValues: [String: String] = ["21": "091500", "121": "300", "125": "450"]
        for n in 0..<10 {
            bookValues[String(41 + n)] = "+\(20_850 + n * 50)"
            bookValues[String(61 + n)] = "\(10 + n)"
            bookValues[String(51 + n)] = n < 9 ? "-\(20_800 - n * 50)" : "0"
            bookValues[String(71 + n)] = n < 9 ? "\(20 + n)" : "0"
        }
        let bookJSON = String(decoding: try JSONSerialization.data(withJSONObject: bookValues), as: UTF8.self)
        let book = #"{"trnm":"REAL","data":[{"type":"0D","name":"주식호가잔량","item":"005930_NX","values":"# + bookJSON + "}]}"
        guard case .real(let tradeItems, 0) = try KiwoomRealtimeFrame.parse(trade), case .real(let bookItems, 0) = try KiwoomRealtimeFrame.parse(book) else {
            Issue.record("not REAL frames")
            return
        }
        let quotes = KiwoomQuoteBook()
        #expect(quotes.apply(tradeItems) == 0, "nothing is applied before the socket is subscribed")
        quotes.connectionOpened()
        #expect(quotes.apply(tradeItems) == 1)
        #expect(quotes.quote(Ticker("005930")!) == nil, "a price without a book is not usable")
        #expect(quotes.apply(bookItems) == 1)
        let quote = try #require(quotes.quote(Ticker("005930")!))
        #expect(quote.lastPrice == 20_800)
        #expect(quote.book?.asks.first == BookLevel(price: 20_850, quantity: 10))
        #expect(quote.book?.asks.count == 10)
        #expect(quote.book?.bids.count == 9, "an empty level (price 0) is dropped")
        #expect(quote.book?.bids.first == BookLevel(price: 20_800, quantity: 20))
        #expect(quote.book?.totalAskQuantity == 300)
        quotes.connectionLost()
        #expect(quotes.quote(Ticker("005930")!) == nil, "nothing survives a lost socket")
    }

    @Test func malformedFramesAreRefused() {
        for text in ["", "not json", #"{"no_trnm":1}"#, #"{"trnm":"LOGIN"}"#, #"{"trnm":"REAL"}"#, #"{"trnm":"REAL","data":{"type":"0B"}}"#] {
            #expect(throws: KiwoomRealtimeFrame.Malformed.self) { try KiwoomRealtimeFrame.parse(text) }
        }
    }

    @Test func oneOddItemDoesNotSinkTheRestOfItsFrame() throws {
        // Good items around four bad ones: no `item`, a number among the values, `values` not an object, not an object at all.
        let frame = #"""
        {"trnm":"REAL","data":[
          {"type":"0B","name":"주식체결","item":"005930","values":{"20":"091501","10":"+20900","27":"+20950","28":"+20900"}},
          {"type":"0B","name":"주식체결","values":{"20":"091501","10":"+71000"}},
          {"type":"0B","name":"주식체결","item":"000660","values":{"20":"091501","10":171000}},
          {"type":"0D","item":"035420","values":"?"},
          null,
          {"type":"0B","name":"주식체결","item":"035720","values":{"20":"091501","10":"-45050"},"extra":1}
        ]}
        """#
        guard case .real(let items, let skipped) = try KiwoomRealtimeFrame.parse(frame) else { Issue.record("not a REAL frame"); return }
        #expect(items.map(\.item) == ["005930", "035720"])
        #expect(items.first?.values["10"] == "+20900")
        #expect(skipped == 4)
        let quotes = KiwoomQuoteBook()
        quotes.connectionOpened()
        #expect(quotes.apply(items) == 2)
        // A frame of nothing but bad items is still a REAL frame: nothing applied, everything counted.
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"REAL","data":[{"type":"0B"}]}"#) == .real([], skipped: 1))
    }

    @Test func escapesStringCodesAndTrailingBytesAreReadAsJSONDoes() throws {
        // Escaped text (a name in \u escapes, an escaped slash in a value), a string return_code, spaces.
        let frame = #" { "trnm" : "REAL" , "data" : [ {"type":"0B","name":"\uc8fc\uc2dd\uccb4\uacb0","item":"005930","values":{"20":"09\/15","10":"+70000"}} ] } "#
        guard case .real(let items, 0) = try KiwoomRealtimeFrame.parse(frame) else { Issue.record("not a REAL frame"); return }
        #expect(items.first?.name == "주식체결")
        #expect(items.first?.values == ["20": "09/15", "10": "+70000"])
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"LOGIN","return_code":"0","return_msg":""}"#) == .login(returnCode: 0, message: ""))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"LOGIN","return_code":1,"return_msg":"\"8005\" 토큰"}"#) == .login(returnCode: 1, message: "\"8005\" 토큰"))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"SYSTEM","code":"R10001","message":"중복 접속"}"#) == .system(code: "R10001", message: "중복 접속"))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"PING"}"#) == .ping(raw: #"{"trnm":"PING"}"#))
        #expect(try KiwoomRealtimeFrame.parse(#"{"trnm":"CNSRLST","data":[["0","조건"]]}"#) == .other(trnm: "CNSRLST"))
        // Bytes after the object, a bad escape, a truncated frame: refused, never half-read.
        for text in [#"{"trnm":"PING"} x"#, #"{"trnm":"RE\qAL"}"#, #"{"trnm":"REAL","data":[{"type":"0B","item":"005930","values":{"10":"+1""#] {
            #expect(throws: KiwoomRealtimeFrame.Malformed.self) { try KiwoomRealtimeFrame.parse(text) }
        }
    }

    @Test func loginAndRegistrationFramesFollowTheSpec() throws {
        let login = try JSONSerialization.jsonObject(with: Data(KiwoomRealtimeFrame.loginFrame(token: "abc").utf8)) as? [String: String]
        #expect(login == ["trnm": "LOGIN", "token": "abc"])
        let reg = try #require(try JSONSerialization.jsonObject(with: Data(KiwoomRealtimeFrame.registerFrame(group: "1", items: ["005930", "000660"], types: ["0B", "0D"]).utf8)) as? [String: Any])
        #expect(reg["trnm"] as? String == "REG")
        #expect(reg["grp_no"] as? String == "1")
        #expect(reg["refresh"] as? String == "1")
        let data = try #require(reg["data"] as? [[String: [String]]])
        #expect(data == [["item": ["005930", "000660"], "type": ["0B", "0D"]]])
    }
}
