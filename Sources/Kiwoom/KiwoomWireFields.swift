/// A JSON object read leniently: string values by key, numbers kept as their text, nested lists of
/// objects by key. Used where a TR's field names are generated (`sel_{n}th_pre_bid`, `profa_{NN}…`).
public struct KiwoomWireFields: Decodable, Sendable {
    /// String (and number) values by key.
    public var values: [String: String]
    /// Lists of objects by key.
    public var lists: [String: [KiwoomWireFields]]

    /// The value of a key, nil when absent.
    public subscript(_ key: String) -> String? { values[key] }

    /// Reads any JSON object; values of other shapes are ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var values: [String: String] = [:]
        var lists: [String: [KiwoomWireFields]] = [:]
        for key in container.allKeys {
            if let s = try? container.decode(String.self, forKey: key) {
                values[key.stringValue] = s
            } else if let i = try? container.decode(Int.self, forKey: key) {
                values[key.stringValue] = String(i)
            } else if let list = try? container.decode([KiwoomWireFields].self, forKey: key) {
                lists[key.stringValue] = list
            }
        }
        self.values = values
        self.lists = lists
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// `return_code` and `return_msg`, present on every reply. `return_code` is an integer on the wire but
/// some fixtures send it as a string (§10): both are accepted.
public struct KiwoomEnvelope: Decodable, Sendable {
    /// 0 on success, otherwise a class (2, 3, 5, 7, 20).
    public var return_code: Int?
    /// Human text carrying the bracketed code on failure.
    public var return_msg: String?

    enum CodingKeys: String, CodingKey { case return_code, return_msg }

    /// Decodes an int-or-string `return_code`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let i = try? c.decodeIfPresent(Int.self, forKey: .return_code) {
            return_code = i
        } else if let s = try? c.decodeIfPresent(String.self, forKey: .return_code) {
            return_code = Int(s.trimmingSpaces())
        } else {
            return_code = nil
        }
        return_msg = try? c.decodeIfPresent(String.self, forKey: .return_msg)
    }
}

import SokboCore
