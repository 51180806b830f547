import Foundation
import SokboCore

/// Parses LS WebSocket messages (`{"header":{…},"body":…}`) from bytes straight into `LSFrame`s.
///
/// Tolerates every variant of spec §8: key order, numbers instead of strings, unknown extra fields,
/// several packed 12-character codes (or a length that is not a multiple of 12), an empty `code`,
/// a header `tr_key` with padding. Anything else is a typed `LSFrameRejection`, never a crash.
public enum LSFrameParser {
    /// Parses one message.
    public static func parse(_ bytes: UnsafeRawBufferPointer, receivedAt: Date) throws(LSFrameRejection) -> LSFrame {
        let typed = bytes.bindMemory(to: UInt8.self)
        return try parse(typed, receivedAt: receivedAt)
    }

    /// Parses one message held in an array.
    public static func parse(_ bytes: [UInt8], receivedAt: Date) throws(LSFrameRejection) -> LSFrame {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(LSFrameRejection) -> LSFrame in try parse(buffer, receivedAt: receivedAt) }
        }
        return try result.get()
    }

    /// Parses one message held in a string.
    public static func parse(_ text: String, receivedAt: Date) throws(LSFrameRejection) -> LSFrame {
        try parse(Array(text.utf8), receivedAt: receivedAt)
    }

    // MARK: - Implementation

    /// Where each known field sits; nil when absent.
    private struct Fields {
        var trCode: JSONScannedValue?
        var rspCode: JSONScannedValue?
        var rspMessage: JSONScannedValue?
        var headerSeen = false
        var body: JSONScannedValue?
        var date: JSONScannedValue?
        var time: JSONScannedValue?
        var id: JSONScannedValue?
        var realkey: JSONScannedValue?
        var title: JSONScannedValue?
        var code: JSONScannedValue?
        var bodysize: JSONScannedValue?
        var categoryid: JSONScannedValue?
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, receivedAt: Date) throws(LSFrameRejection) -> LSFrame {
        var scanner = JSONScanner(bytes)
        var f = Fields()
        do {
            guard scanner.peekValueStart() == UInt8(ascii: "{") else { throw JSONSyntaxError() }
            try scanner.forEachMember { (s, key) throws(JSONSyntaxError) in
                if s.equals(key, "header") {
                    guard s.peekValueStart() == UInt8(ascii: "{") else { _ = try s.value(); return }
                    f.headerSeen = true
                    try s.forEachMember { (h, hk) throws(JSONSyntaxError) in
                        let v = try h.value(depth: 2)
                        if h.equals(hk, "tr_cd") { f.trCode = v }
                        else if h.equals(hk, "rsp_cd") { f.rspCode = v }
                        else if h.equals(hk, "rsp_msg") { f.rspMessage = v }
                    }
                } else if s.equals(key, "body") {
                    if s.peekValueStart() == UInt8(ascii: "{") {
                        let start = s.index
                        try s.forEachMember { (b, bk) throws(JSONSyntaxError) in
                            let v = try b.value(depth: 2)
                            switch bk.count {
                            case 2: if b.equals(bk, "id") { f.id = v }
                            case 4:
                                if b.equals(bk, "date") { f.date = v }
                                else if b.equals(bk, "time") { f.time = v }
                                else if b.equals(bk, "code") { f.code = v }
                            case 5: if b.equals(bk, "title") { f.title = v }
                            case 7: if b.equals(bk, "realkey") { f.realkey = v }
                            case 8: if b.equals(bk, "bodysize") { f.bodysize = v }
                            case 10: if b.equals(bk, "categoryid") { f.categoryid = v }
                            default: break
                            }
                        }
                        f.body = .object(start..<s.index)
                    } else {
                        f.body = try s.value(depth: 1)
                    }
                } else {
                    _ = try s.value(depth: 1)
                }
            }
            guard scanner.atEnd() else { throw JSONSyntaxError() }
        } catch {
            throw .notJSON
        }
        return try classify(f, scanner: scanner, receivedAt: receivedAt)
    }

    private static func classify(_ f: Fields, scanner s: JSONScanner, receivedAt: Date) throws(LSFrameRejection) -> LSFrame {
        guard f.headerSeen else { throw .missingField }
        let trCode = try text(f.trCode, s) ?? ""
        let isData: Bool
        switch f.body {
        case .object?: isData = true
        case nil, .null?: isData = false
        default: throw .wrongType
        }
        if !isData || f.rspCode != nil {
            guard let code = try text(f.rspCode, s) else { throw .missingField }
            return .ack(LSAck(trCode: trCode.trimmingSpaces(), code: code, message: try text(f.rspMessage, s) ?? ""))
        }
        guard !trCode.isEmpty else { throw .missingField }
        guard trCode == "NWS" else { return .other(trCode: trCode) }

        guard let date = try ascii(f.date, s), let time = try ascii(f.time, s), let source = try ascii(f.id, s),
              let realkey = try ascii(f.realkey, s), let title = try text(f.title, s)
        else { throw .missingField }
        guard let publishedAt = KST.date(yyyymmdd: date, hhmmss: time) else { throw .badValue }
        guard realkey.utf8.count == 24, realkey.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .badValue }
        let tickers: [Ticker]
        if case .string(let r, false)? = f.code {
            tickers = Self.tickers(packed: UnsafeBufferPointer(rebasing: s.bytes[r]))
        } else {
            tickers = Self.tickers(packed: try ascii(f.code, s) ?? "")
        }
        let bodySize = try ascii(f.bodysize, s).flatMap { Int($0.trimmingSpaces()) }
        let category = try ascii(f.categoryid, s).flatMap { $0.isEmpty ? nil : $0 }
        return .news(NewsItem(
            id: realkey, publishedAt: publishedAt, source: source, title: title, tickers: tickers,
            bodySize: bodySize, category: category, receivedAt: receivedAt))
    }

    /// Splits LS's packed `code` into 12-character slices (the last 6 characters are the code), skipping
    /// blank or invalid slices and a trailing remainder shorter than 12 that is not itself a code.
    public static func tickers(packed: String) -> [Ticker] {
        let bytes = Array(packed.utf8)
        return bytes.withUnsafeBufferPointer { tickers(packed: $0) }
    }

    static func tickers(packed bytes: UnsafeBufferPointer<UInt8>) -> [Ticker] {
        guard !bytes.isEmpty else { return [] }
        var result: [Ticker] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + 12, bytes.count)
            let raw = bytes[start..<end]
            // An all-zero or blank slice is padding (or a truncated remainder), never a code.
            let isPadding = raw.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: " ") }
            // Fast path: the usual 12-byte zero-padded slice needs no trimming.
            let ticker: Ticker?
            if raw.count == 12, raw.prefix(6).allSatisfy({ $0 == UInt8(ascii: "0") }) {
                ticker = Ticker(String(decoding: UnsafeBufferPointer(rebasing: raw.suffix(6)), as: UTF8.self))
            } else {
                ticker = isPadding ? nil : Ticker(venueCode: String(decoding: UnsafeBufferPointer(rebasing: raw), as: UTF8.self))
            }
            if !isPadding, let ticker, !result.contains(ticker) { result.append(ticker) }
            start = end
        }
        return result
    }

    /// A string-or-number field as text, validated as UTF-8; nil when absent or null.
    private static func text(_ value: JSONScannedValue?, _ s: JSONScanner) throws(LSFrameRejection) -> String? {
        switch value {
        case nil, .null?: return nil
        case .number(let r)?: return String(decoding: UnsafeBufferPointer(rebasing: s.bytes[r]), as: UTF8.self)
        case .string(let r, let escaped)?:
            if !escaped {
                guard let string = String(validating: UnsafeBufferPointer(rebasing: s.bytes[r]), as: UTF8.self)
                else { throw .invalidUTF8 }
                return string
            }
            var out: [UInt8] = []
            out.reserveCapacity(r.count)
            do { try s.unescapedBytes(r, escaped: true, into: &out) } catch { throw .badValue }
            guard let string = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
            return string
        default:
            throw .wrongType
        }
    }

    /// Like `text`, for fields that are ASCII by definition (date, time, id, realkey, code); a non-ASCII
    /// byte there is a bad value.
    private static func ascii(_ value: JSONScannedValue?, _ s: JSONScanner) throws(LSFrameRejection) -> String? {
        guard let string = try text(value, s) else { return nil }
        guard string.utf8.allSatisfy({ $0 < 0x80 }) else { throw .badValue }
        return string
    }
}
