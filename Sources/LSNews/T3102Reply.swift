import SokboCore

/// Reads a t3102 (뉴스본문) reply from its raw bytes.
///
/// The venue cuts `sBody` into 100-byte CP949 chunks and decodes each alone (spec §4.2); `T3102BodyRepair`
/// puts the text back together and marks each lost character with U+FFFD. Why the chunks are kept as bytes:
/// a server that writes the raw partial bytes of a split UTF-8 character into each chunk (the simulator can)
/// is joined as bytes and decoded once, so those characters come out whole.
enum T3102Reply {
    /// The not-found text that comes with `rsp_cd 00000` (spec §4.2, §7.6).
    static let notFoundMessage = "해당자료가 없습니다"

    /// Parses a reply for `id`; throws `NewsBodyError` / `LSError` for every unusable reply.
    static func parse(_ bytes: [UInt8], id: String) throws -> NewsBody {
        var code = ""
        var message = ""
        var tickers: [Ticker] = []
        var chunks: [[UInt8]] = []
        var title: [UInt8]?
        var sawBody = false
        let ok: Bool = bytes.withUnsafeBufferPointer { buffer in
            var s = JSONScanner(buffer)
            do {
                try s.forEachMember { (s, key) throws(JSONSyntaxError) in
                    if s.equals(key, "rsp_cd") || s.equals(key, "rsp_msg") {
                        let isCode = s.equals(key, "rsp_cd")
                        var out: [UInt8] = []
                        switch try s.value() {
                        case .string(let r, let e): try s.unescapedBytes(r, escaped: e, into: &out)
                        case .number(let r): out.append(contentsOf: UnsafeBufferPointer(rebasing: s.bytes[r]))
                        default: break
                        }
                        let text = String(decoding: out, as: UTF8.self)
                        if isCode { code = text } else { message = text }
                    } else if s.equals(key, "t3102OutBlock") {
                        try eachObject(&s) { (s, k, v) throws(JSONSyntaxError) in
                            guard s.equals(k, "sJongcode"), case .string(let r, let e) = v else { return }
                            var out: [UInt8] = []
                            try s.unescapedBytes(r, escaped: e, into: &out)
                            if let t = Ticker(venueCode: String(decoding: out, as: UTF8.self)), !tickers.contains(t) {
                                tickers.append(t)
                            }
                        }
                    } else if s.equals(key, "t3102OutBlock1") {
                        try eachObject(&s) { (s, k, v) throws(JSONSyntaxError) in
                            guard s.equals(k, "sBody"), case .string(let r, let e) = v else { return }
                            sawBody = true
                            var chunk: [UInt8] = []
                            try s.unescapedBytes(r, escaped: e, into: &chunk)
                            chunks.append(chunk)
                        }
                    } else if s.equals(key, "t3102OutBlock2") {
                        try eachObject(&s) { (s, k, v) throws(JSONSyntaxError) in
                            guard s.equals(k, "sTitle"), case .string(let r, let e) = v else { return }
                            var out: [UInt8] = []
                            try s.unescapedBytes(r, escaped: e, into: &out)
                            title = out
                        }
                    } else {
                        _ = try s.value()
                    }
                }
                return true
            } catch {
                return false
            }
        }
        guard ok else { throw NewsBodyError.upstream("LS sent an unreadable t3102 reply") }
        if code == "IGW00121" { throw LSError.invalidToken }
        if code == "IGW00201" { throw LSError.rateLimited }
        if code.hasPrefix("IGW") { throw NewsBodyError.upstream("LS refused t3102 (\(code))") }
        if message.contains(notFoundMessage) || (!sawBody && tickers.isEmpty && title == nil) {
            throw NewsBodyError.notFound
        }
        let text = stripLabel(joinChunks(chunks), label: "t3102OutBlock1")
        let cleanTitle = title.map { stripLabel(String(decoding: $0, as: UTF8.self), label: "t3102OutBlock2") }
        return NewsBody(id: id, title: cleanTitle.flatMap { $0.isEmpty ? nil : $0 }, body: text, tickers: tickers)
    }

    /// The body text from its chunks: repaired per CP949 chunk when every chunk is text, joined as bytes when
    /// a chunk holds part of a UTF-8 character.
    static func joinChunks(_ chunks: [[UInt8]]) -> String {
        var texts: [String] = []
        for chunk in chunks {
            guard let text = String(validating: chunk, as: UTF8.self) else {
                return String(decoding: chunks.joined(), as: UTF8.self)
            }
            texts.append(text)
        }
        return T3102BodyRepair.join(texts)
    }

    /// Visits every member of an object, or of every object in an array (LS uses both shapes for blocks).
    private static func eachObject(
        _ s: inout JSONScanner,
        _ visit: (inout JSONScanner, Range<Int>, JSONScannedValue) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        switch s.peekValueStart() {
        case UInt8(ascii: "{")?:
            try s.forEachMember { (s, k) throws(JSONSyntaxError) in
                let v = try s.value(depth: 2)
                try visit(&s, k, v)
            }
        case UInt8(ascii: "[")?:
            try s.forEachElement { (s) throws(JSONSyntaxError) in
                if s.peekValueStart() == UInt8(ascii: "{") {
                    try s.forEachMember { (s, k) throws(JSONSyntaxError) in
                        let v = try s.value(depth: 3)
                        try visit(&s, k, v)
                    }
                } else {
                    _ = try s.value(depth: 2)
                }
            }
        default:
            _ = try s.value(depth: 1)
        }
    }

    /// Drops a leaked block label (`t3102OutBlock1  …`) and the spaces after it.
    static func stripLabel(_ text: String, label: String) -> String {
        guard text.hasPrefix(label) else { return text }
        return String(text.dropFirst(label.count).drop(while: { $0 == " " }))
    }
}
