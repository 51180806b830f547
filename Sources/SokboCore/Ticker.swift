/// A KRX short stock code: six characters, digits or upper-case letters (e.g. `005930`, `0015N0`).
public struct Ticker: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The six-character code.
    public let code: String

    /// Validates a code; nil unless it is exactly six ASCII digits or upper-case letters.
    public init?(_ code: String) {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) })
        else { return nil }
        self.code = code
    }

    /// Accepts the venue spellings: `005930`, `A005930` (Kiwoom), `000000005930` (LS, 12-char padded),
    /// and the exchange suffixes `_NX` / `_AL` that Kiwoom uses for NXT and the combined market.
    public init?(venueCode raw: String) {
        var s = Substring(raw.trimmingSpaces())
        for suffix in ["_NX", "_AL"] where s.hasSuffix(suffix) { s = s.dropLast(suffix.count) }
        if s.count == 7, s.first == "A" || s.first == "J" || s.first == "Q" { s = s.dropFirst() }
        if s.count > 6, s.dropLast(6).allSatisfy({ $0 == "0" }) { s = s.suffix(6) }
        self.init(String(s))
    }

    /// The code itself.
    public var description: String { code }

    /// Orders by code.
    public static func < (lhs: Ticker, rhs: Ticker) -> Bool { lhs.code < rhs.code }

    /// Encodes as a bare string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Decodes from a bare string, refusing anything that is not a valid code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let ticker = Ticker(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 6-character KRX code: \(raw)")
        }
        self = ticker
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs and line breaks (no Foundation needed).
    public func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
