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

    private struct Wire: Decodable {
        var trnm: String
        var return_code: Int?
        var return_msg: String?
        var code: String?
        var message: String?
        var data: [Lossy]?

        enum CodingKeys: String, CodingKey { case trnm, return_code, return_msg, code, message, data }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            trnm = try c.decode(String.self, forKey: .trnm)
            // `return_code` comes as an integer from the live host and as a string in some captures.
            if let i = try? c.decodeIfPresent(Int.self, forKey: .return_code) {
                return_code = i
            } else {
                return_code = (try? c.decodeIfPresent(String.self, forKey: .return_code)).flatMap { $0.flatMap { Int($0) } }
            }
            return_msg = try? c.decodeIfPresent(String.self, forKey: .return_msg)
            code = try? c.decodeIfPresent(String.self, forKey: .code)
            message = try? c.decodeIfPresent(String.self, forKey: .message)
            // Only REAL frames carry items; other frames' `data` (condition-search lists) are not read here.
            data = trnm == "REAL" ? try c.decodeIfPresent([Lossy].self, forKey: .data) : nil
        }
    }

    /// One element of a REAL frame's `data`, read on its own: an item without `item` or with a value that
    /// is not a string is kept as nil (and counted) instead of failing the whole frame.
    private struct Lossy: Decodable {
        var item: Item?

        init(from decoder: any Decoder) throws {
            item = try? Item(from: decoder)
        }
    }

    /// Classifies one text frame.
    public static func parse(_ text: String) throws(Malformed) -> KiwoomRealtimeFrame {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(text.utf8))
        } catch {
            throw Malformed(description: "not a realtime frame: \(error)")
        }
        switch wire.trnm {
        case "LOGIN":
            guard let code = wire.return_code else { throw Malformed(description: "LOGIN without return_code") }
            return .login(returnCode: code, message: wire.return_msg ?? "")
        case "PING":
            return .ping(raw: text)
        case "SYSTEM":
            return .system(code: wire.code ?? "", message: wire.message ?? wire.return_msg ?? "")
        case "REG", "REMOVE":
            return .registration(trnm: wire.trnm, returnCode: wire.return_code ?? 0, message: wire.return_msg ?? "")
        case "REAL":
            guard let entries = wire.data else { throw Malformed(description: "REAL without data") }
            let items = entries.compactMap(\.item)
            return .real(items, skipped: entries.count - items.count)
        default:
            return .other(trnm: wire.trnm)
        }
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
