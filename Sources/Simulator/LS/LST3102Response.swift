import Foundation
import SokboCore

/// Writes t3102 replies byte for byte (spec §4.2), including the venue's chunking quirks.
enum LST3102Response {
    static let chunkBytes = 100

    /// The reply for a found article.
    static func found(_ article: LSArticle, chunking: LSSimulatorConfiguration.Chunking) -> [UInt8] {
        var out = Array(#"{"rsp_cd":"00000","rsp_msg":"조회완료","#.utf8)
        var bodyBytes = Array(article.body.utf8)
        if article.isGeneral {
            // General news leaks the block name into the first chunk (and the title), as observed live.
            bodyBytes = Array("t3102OutBlock1  ".utf8) + bodyBytes
        } else {
            out += Array(#""t3102OutBlock":["#.utf8)
            out += Array(article.tickers.map { #"{"sJongcode":""# + $0.code + #""}"# }.joined(separator: ",").utf8)
            out += Array("],".utf8)
        }
        out += Array(#""t3102OutBlock1":["#.utf8)
        let cp949Bytes = chunking == .cp949 ? String(decoding: bodyBytes, as: UTF8.self).data(using: LSCP949Chunks.encoding) : nil
        let chunks = cp949Bytes.map { split(Array($0), chunking: chunking) } ?? split(bodyBytes, chunking: chunking)
        for (i, chunk) in chunks.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"sBody":""#.utf8)
            switch chunking {
            case .cp949 where cp949Bytes != nil:
                JSONString.appendEscaped(Array(LSCP949Chunks.decodeAlone(chunk).utf8), to: &out)
            case .lossy, .cp949:
                // Each piece decoded on its own as UTF-8: split characters become U+FFFD.
                JSONString.appendEscaped(Array(String(decoding: chunk, as: UTF8.self).utf8), to: &out)
            case .rawBytes, .characterAligned:
                JSONString.appendEscaped(chunk, to: &out)
            }
            out += Array(#""}"#.utf8)
        }
        out.append(UInt8(ascii: "]"))
        if article.isGeneral {
            out += Array(#","t3102OutBlock2":{"sTitle":""#.utf8)
            JSONString.appendEscaped(Array(("t3102OutBlock2  " + article.title + "  ▲외인 순매도 상위").utf8), to: &out)
            out += Array(#""}"#.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The captured not-found reply.
    static let notFound = Array(#"{"rsp_cd":"00000","rsp_msg":"해당자료가 없습니다. 다시 조회 바랍니다."}"#.utf8)

    /// A gateway error reply (sent with HTTP 500).
    static func gateway(code: String, message: String) -> [UInt8] {
        Array(("{\"rsp_cd\":\"\(code)\",\"rsp_msg\":\"" + JSONString.escaped(message) + "\"}").utf8)
    }

    static func split(_ bytes: [UInt8], chunking: LSSimulatorConfiguration.Chunking) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + chunkBytes, bytes.count)
            if chunking == .characterAligned {
                // Back off to the start of a character (continuation bytes are 10xxxxxx).
                while end < bytes.count, end > start + 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            }
            chunks.append(bytes[start..<end])
            start = end
        }
        return chunks
    }
}

/// Issues JWT-shaped tokens like the gateway's (spec §2.2).
enum LSJWT {
    /// A token for `appKey` expiring at `expiry`.
    ///
    /// Why a random signature rather than HS512: clients never verify the gateway's signature (they cannot:
    /// the key is LS's), and the simulator only needs the shape and the claims.
    static func make(appKey: String, issuedAt: Date, expiry: Date, rng: inout SimRandom) -> String {
        let aud = UUID(uuid: withUnsafeBytes(of: (rng.next(), rng.next())) { raw in
            raw.load(as: uuid_t.self)
        }).uuidString.lowercased()
        let iat = Int(issuedAt.timeIntervalSince1970)
        let payload = #"{"sub":"token","aud":""# + aud + #"","nbf":\#(iat),"grant_type":"Client","iss":"unogw","exp":\#(Int(expiry.timeIntervalSince1970)),"iat":\#(iat),"jti":""# + JSONString.escaped(appKey) + #""}"#
        var signature: [UInt8] = []
        for _ in 0..<8 { withUnsafeBytes(of: rng.next()) { signature += $0 } }
        return base64URL(Array(#"{"typ":"JWT","alg":"HS512"}"#.utf8)) + "." + base64URL(Array(payload.utf8)) + "." + base64URL(signature)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
