import SokboCore

/// Parsing of Kiwoom's string values (§4 of the venue spec): direction-signed prices (`"+70100"`,
/// `"-230250"`, even `"--500"`), zero-padded fixed-width amounts (`"-00000000000084"`), percent strings
/// (`"20%"`), decimals, `A`-prefixed codes, and `""` for "no value". Hand-rolled: it runs per field.
public enum KiwoomValue {
    /// A signed integer: optional leading `+`/`-` (a doubled `--` counts as one minus), then digits,
    /// leading zeros allowed. Nil for `""`, spaces only, or anything else.
    public static func signedInt(_ raw: String?) -> Int? {
        guard let raw else { return nil }
        var bytes = Substring(raw.trimmingSpaces()).utf8[...]
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        }
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return negative ? -value : value
    }

    /// A market price: the direction sign (relative to the base price) is dropped, the magnitude kept.
    public static func price(_ raw: String?) -> Int? {
        signedInt(raw).map(abs)
    }

    /// A decimal such as `"-3.86"`, `"+0.16"`, `"46.25"` or `"20%"`; nil for `""`.
    public static func decimal(_ raw: String?) -> Double? {
        guard var s = raw?.trimmingSpaces(), !s.isEmpty else { return nil }
        if s.hasSuffix("%") { s.removeLast() }
        if s.hasPrefix("--") { s.removeFirst() }
        if s.hasPrefix("+") { s.removeFirst() }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }) else { return nil }
        return Double(s)
    }

    /// A whole-number percent such as `"20%"` or `"20"`; nil otherwise.
    public static func percent(_ raw: String?) -> Int? {
        decimal(raw).map { Int($0.rounded()) }
    }

    /// The margin rate in a `ka10100` `state` such as `"증거금20%|담보대출|신용가능"`.
    public static func marginRate(inState state: String?) -> Int? {
        guard let state else { return nil }
        for part in state.split(separator: "|") where part.hasPrefix("증거금") {
            if let rate = percent(String(part.dropFirst(3))) { return rate }
        }
        return nil
    }

    /// A non-empty trimmed string, or nil.
    public static func text(_ raw: String?) -> String? {
        guard let s = raw?.trimmingSpaces(), !s.isEmpty else { return nil }
        return s
    }
}
