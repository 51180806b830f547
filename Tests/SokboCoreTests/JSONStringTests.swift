import Foundation
import SokboCore
import Testing

@Suite struct JSONStringTests {
    @Test func quotesAndBackslashesAreEscaped() {
        #expect(JSONString.escaped(#"a"b\c"#) == #"a\"b\\c"#)
        #expect(JSONString.quoted(#"say "hi""#) == #""say \"hi\"""#)
    }

    @Test func controlCharactersTakeShortOrUnicodeForms() {
        #expect(JSONString.escaped("a\nb\rc\td") == #"a\nb\rc\td"#)
        #expect(JSONString.escaped("\u{0}\u{1}\u{1f}") == #"\u0000\u0001\u001f"#)
    }

    @Test func plainTextAndNonASCIIPassUnchanged() {
        #expect(JSONString.escaped("삼성전자 005930 ▲/<>&") == "삼성전자 005930 ▲/<>&")
        #expect(JSONString.escaped("") == "")
        #expect(JSONString.quoted("") == #""""#)
    }

    @Test func aCharacterCutInTwoIsCopiedByteForByte() {
        let bytes = Array("전".utf8)
        var out: [UInt8] = []
        JSONString.appendEscaped(bytes.prefix(2), to: &out)
        #expect(out == Array(bytes.prefix(2)), "a partial UTF-8 sequence is neither dropped nor replaced")
    }

    @Test func everyEscapedStringDecodesBackToItself() throws {
        var text = "x"
        for scalar in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "한글 \u{7f} \u{2028}"
        let decoded = try JSONDecoder().decode(String.self, from: Data(JSONString.quoted(text).utf8))
        #expect(decoded == text)
    }
}
