import Foundation
import SokboCore

/// One text frame of Kiwoom's realtime WebSocket (`/api/dostk/websocket`), classified by its `trnm`.
/// Formats: `../shared/venues/kiwoom-rest.md` §8.
public enum KiwoomRealtimeFrame: Sendable, Equatable {
    /// The answer to LOGIN: `return_code` 0 is success; otherwise the server closes the socket.
    case login(returnCode: Int, message: String)
    /// A keep-alive the client must send back unchanged (the raw text is kept for that).
    case ping(raw: String)
    /// A notice (`R10001` duplicate session, `R10004` no LOGIN); not fatal by itself.
    case system(code: String, message: String)
    /// The answer to REG or REMOVE: `return_code` 0 is success, 1 an error.
    case registration(trnm: String, returnCode: Int, message: String)
    /// Pushed data: the readable items, each with its type (`0B`, `0D`, …), code and FID → value map, and
    /// how many items of the frame could not be read (skipped, so that one odd item never sinks the rest).
    case real([Item], skipped: Int)
    /// A frame of another kind (condition search, …), ignored here.
    case other(trnm: String)

    /// One pushed item.
    public struct Item: Sendable, Equatable, Decodable {
        /// The realtime type, case-sensitive (`0B` 주식체결, `0D` 호가잔량).
        public var type: String
        /// The type's Korean name, when sent.
        public var name: String?
        /// The stock code (`005930`, possibly with an exchange suffix).
        public var item: String
        /// FID (as a string) → value, all strings.
        public var values: [String: String]
    }

    /// Why a frame could not be read.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        /// What was wrong.
        public let description: String
    }

    /// Classifies one text frame.
    ///
    /// Why a byte scanner rather than `JSONDecoder`: every tick that may fire an exit is read here, and the
    /// decoder took ~100 µs for a trade-and-book frame, a tenth of the tick-to-exit budget.
    public static func parse(_ text: String) throws(Malformed) -> KiwoomRealtimeFrame {
        var bytes = text
        let parsed: Result<KiwoomRealtimeFrame, Malformed> = bytes.withUTF8 { bytes in
            Result { () throws(Malformed) -> KiwoomRealtimeFrame in try parse(bytes, raw: text) }
        }
        return try parsed.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, raw: String) throws(Malformed) -> KiwoomRealtimeFrame {
        var trnm: String?
        var returnCode: Int?
        var returnMessage: String?
        var code: String?
        var message: String?
        var data: Range<Int>?
        var s = JSONScanner(bytes)
        do {
            guard s.peekValueStart() == UInt8(ascii: "{") else { throw JSONSyntaxError() }
            try s.forEachMember { (s, key) throws(JSONSyntaxError) in
                let start = s.index
                let value = try s.value()
                if s.equals(key, "data") {
                    data = start..<s.index
                } else if s.equals(key, "trnm") {
                    trnm = try text(value, s)
                } else if s.equals(key, "return_code") {
                    // An integer from the live host, a string in some captures.
                    switch value {
                    case .number(let r): returnCode = Int(String(decoding: UnsafeBufferPointer(rebasing: s.bytes[r]), as: UTF8.self))
                    case .string: returnCode = try text(value, s).flatMap { Int($0) }
                    default: returnCode = nil
                    }
                } else if s.equals(key, "return_msg") {
                    returnMessage = try text(value, s)
                } else if s.equals(key, "code") {
                    code = try text(value, s)
                } else if s.equals(key, "message") {
                    message = try text(value, s)
                }
            }
            guard s.atEnd() else { throw JSONSyntaxError() }
        } catch {
            throw Malformed(description: "not a realtime frame: not JSON")
        }
        guard let trnm else { throw Malformed(description: "not a realtime frame: no trnm") }
        switch trnm {
        case "LOGIN":
            guard let returnCode else { throw Malformed(description: "LOGIN without return_code") }
            return .login(returnCode: returnCode, message: returnMessage ?? "")
        case "PING":
            return .ping(raw: raw)
        case "SYSTEM":
            return .system(code: code ?? "", message: message ?? returnMessage ?? "")
        case "REG", "REMOVE":
            return .registration(trnm: trnm, returnCode: returnCode ?? 0, message: returnMessage ?? "")
        case "REAL":
            guard let data, let entries = try items(in: data, of: bytes) else { throw Malformed(description: "REAL without data") }
            let items = entries.compactMap { $0 }
            return .real(items, skipped: entries.count - items.count)
        default:
            return .other(trnm: trnm)
        }
    }

    /// A REAL frame's `data`: one element per entry, nil for one that is not a readable item (no `item`, a
    /// value that is not a string), so one odd item never sinks the rest; nil for `null`.
    private static func items(in range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> [Item?]? {
        var s = JSONScanner(bytes)
        s.index = range.lowerBound
        if s.peekValueStart() == UInt8(ascii: "n") { return nil }
        var entries: [Item?] = []
        do {
            try s.forEachElement { (s) throws(JSONSyntaxError) in
                if s.peekValueStart() == UInt8(ascii: "{") {
                    entries.append(try item(&s))
                } else {
                    _ = try s.value()
                    entries.append(nil)
                }
            }
        } catch {
            throw Malformed(description: "not a realtime frame: unreadable data")
        }
        return entries
    }

    /// One `data` element (an object): its item, or nil when a member is missing or of the wrong kind.
    private static func item(_ s: inout JSONScanner) throws(JSONSyntaxError) -> Item? {
        var type: String?
        var name: String?
        var code: String?
        var values: [String: String]?
        var readable = true
        try s.forEachMember { (s, key) throws(JSONSyntaxError) in
            if s.equals(key, "values"), s.peekValueStart() == UInt8(ascii: "{") {
                var fields: [String: String] = [:]
                fields.reserveCapacity(64)
                try s.forEachMember { (s, fid) throws(JSONSyntaxError) in
                    let value = try s.value()
                    guard let key = try s.key(fid), let text = try text(value, s) else {
                        readable = false
                        return
                    }
                    fields[key] = text
                }
                values = fields
                return
            }
            let value = try s.value()
            if s.equals(key, "values") {
                readable = false
            } else if s.equals(key, "type") {
                type = try text(value, s)
                if type == nil { readable = false }
            } else if s.equals(key, "name") {
                if case .null = value { return }
                name = try text(value, s)
                if name == nil { readable = false }
            } else if s.equals(key, "item") {
                code = try text(value, s)
                if code == nil { readable = false }
            }
        }
        guard readable, let type, let code, let values else { return nil }
        return Item(type: type, name: name, item: code, values: values)
    }

    /// A string value's text; nil for any other kind of value or bytes that are not UTF-8.
    private static func text(_ value: JSONScannedValue, _ s: JSONScanner) throws(JSONSyntaxError) -> String? {
        guard case .string(let range, let escaped) = value else { return nil }
        return try s.string(range, escaped: escaped)
    }

    /// `{"trnm":"LOGIN","token":"…"}`: the first frame a client sends (the token without `Bearer `).
    public static func loginFrame(token: String) -> String {
        #"{"trnm":"LOGIN","token":"\#(escaped(token))"}"#
    }

    /// A REG frame for `items` and `types` in group `group`, keeping earlier registrations (`refresh` 1).
    public static func registerFrame(group: String, items: [String], types: [String]) -> String {
        registerFrame(group: group, entries: [(items, types)])
    }

    /// A REG frame with several `data` entries (account types with item `[""]` beside stocks), `refresh` 1.
    public static func registerFrame(group: String, entries: [(items: [String], types: [String])]) -> String {
        #"{"trnm":"REG","grp_no":"\#(escaped(group))","refresh":"1","data":[\#(data(entries))]}"#
    }

    /// A REMOVE frame for `items` and `types` in group `group`.
    public static func removeFrame(group: String, items: [String], types: [String]) -> String {
        #"{"trnm":"REMOVE","grp_no":"\#(escaped(group))","data":[\#(data([(items, types)]))]}"#
    }

    private static func data(_ entries: [(items: [String], types: [String])]) -> String {
        let list = { (values: [String]) in values.map { "\"\(escaped($0))\"" }.joined(separator: ",") }
        return entries.map { #"{"item":[\#(list($0.items))],"type":[\#(list($0.types))]}"# }.joined(separator: ",")
    }

    /// Whether a LOGIN failure message asks for a new token (the official client looks for these codes).
    public static func loginNeedsNewToken(_ message: String) -> Bool {
        ["CODE=8005", "CODE=8031", "CODE=8103", "8005:"].contains { message.contains($0) }
    }

    private static func escaped(_ s: String) -> String {
        JSONString.escaped(s)
    }
}
