/// A JSON value as the scanner saw it: positions into the input, nothing copied yet.
public enum JSONScannedValue: Equatable, Sendable {
    /// A string; `range` excludes the quotes; `escaped` when it holds a backslash escape.
    case string(Range<Int>, escaped: Bool)
    /// A number literal.
    case number(Range<Int>)
    /// `true` / `false`.
    case bool
    /// `null`.
    case null
    /// An object (`range` covers the braces).
    case object(Range<Int>)
    /// An array (`range` covers the brackets).
    case array(Range<Int>)
}

/// The scanner's one error: the bytes are not JSON it can read.
public struct JSONSyntaxError: Error, Sendable {
    /// Creates the error.
    public init() {}
}

/// A forward-only JSON scanner over raw bytes.
///
/// Why hand-written rather than `JSONDecoder`: the venues' hot paths (LS `NWS` frames, Kiwoom `REAL`
/// quotes on the way to an exit) must be read in microseconds, and t3102 bodies carry 100-byte chunks whose
/// split multibyte characters must survive until the chunks are joined, which a decoder that insists on
/// valid UTF-8 per string cannot do. The scanner never validates UTF-8 itself; callers decide per field
/// (NWS titles must be valid, t3102 chunks are joined first).
public struct JSONScanner {
    /// The input.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Where the scanner is in `bytes`.
    public var index: Int = 0
    /// Nesting limit, so a hostile frame cannot recurse deeply.
    public static let maxDepth = 32

    /// A scanner at the start of `bytes` (which must outlive it).
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Structure

    /// Moves past spaces, tabs and line breaks.
    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// True at the end of input (after whitespace).
    public mutating func atEnd() -> Bool {
        skipWhitespace()
        return index >= bytes.count
    }

    /// Iterates the members of the object starting at `index`, calling `body(keyRange, keyEscaped)`; the body
    /// must consume the member's value (`value()` or `skipValue()`).
    public mutating func forEachMember(_ body: (inout JSONScanner, Range<Int>) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw JSONSyntaxError() }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw JSONSyntaxError() }
            index += 1
            let (key, _) = try scanString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw JSONSyntaxError() }
            index += 1
            try body(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw JSONSyntaxError() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw JSONSyntaxError()
        }
    }

    /// Iterates the elements of the array starting at `index`; the body must consume each element.
    public mutating func forEachElement(_ body: (inout JSONScanner) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw JSONSyntaxError() }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            try body(&self)
            skipWhitespace()
            guard index < bytes.count else { throw JSONSyntaxError() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw JSONSyntaxError()
        }
    }

    /// The next byte that starts a value, without consuming it.
    public mutating func peekValueStart() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Scans one value of any kind, recording where it is.
    public mutating func value(depth: Int = 0) throws(JSONSyntaxError) -> JSONScannedValue {
        skipWhitespace()
        guard index < bytes.count, depth < Self.maxDepth else { throw JSONSyntaxError() }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            index += 1
            let (range, escaped) = try scanString()
            return .string(range, escaped: escaped)
        case UInt8(ascii: "{"):
            try forEachMember { (s, _) throws(JSONSyntaxError) in _ = try s.value(depth: depth + 1) }
            return .object(start..<index)
        case UInt8(ascii: "["):
            try forEachElement { (s) throws(JSONSyntaxError) in _ = try s.value(depth: depth + 1) }
            return .array(start..<index)
        case UInt8(ascii: "t"): try literal("true"); return .bool
        case UInt8(ascii: "f"): try literal("false"); return .bool
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                     UInt8(ascii: "+"), UInt8(ascii: "-"):
                    index += 1
                default:
                    return .number(start..<index)
                }
            }
            return .number(start..<index)
        default:
            throw JSONSyntaxError()
        }
    }

    private mutating func literal(_ text: StaticString) throws(JSONSyntaxError) {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONSyntaxError() }
        let p = text.utf8Start
        for k in 0..<count where bytes[index + k] != p[k] { throw JSONSyntaxError() }
        index += count
    }

    /// Scans a string body after its opening quote; returns the range between the quotes.
    private mutating func scanString() throws(JSONSyntaxError) -> (Range<Int>, Bool) {
        let start = index
        var escaped = false
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return (start..<(index - 1), escaped)
            }
            if b == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            // Raw control characters are not allowed in JSON strings.
            if b < 0x20 { throw JSONSyntaxError() }
            index += 1
        }
        throw JSONSyntaxError()
    }

    // MARK: - Reading values

    /// True when the bytes in `range` equal the ASCII literal.
    public func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard range.count == count else { return false }
        let p = text.utf8Start
        var k = 0
        for i in range {
            if bytes[i] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// A string value with escapes resolved, or nil when its bytes are not valid UTF-8.
    public func string(_ range: Range<Int>, escaped: Bool) throws(JSONSyntaxError) -> String? {
        guard escaped else { return String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        try unescapedBytes(range, escaped: true, into: &out)
        return String(validating: out, as: UTF8.self)
    }

    /// A member's key (as `forEachMember` passes its range) as text, or nil when it is not valid UTF-8.
    public func key(_ range: Range<Int>) throws(JSONSyntaxError) -> String? {
        try string(range, escaped: bytes[range].contains(UInt8(ascii: "\\")))
    }

    /// The raw bytes of a string value with escapes resolved; not validated as UTF-8.
    public func unescapedBytes(_ range: Range<Int>, escaped: Bool, into out: inout [UInt8]) throws(JSONSyntaxError) {
        guard escaped else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            return
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
            guard i + 1 < range.upperBound else { throw JSONSyntaxError() }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i, end: range.upperBound)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard i + 6 <= range.upperBound, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                    else { throw JSONSyntaxError() }
                    let low = try hex4(at: i + 2, end: range.upperBound)
                    guard (0xDC00...0xDFFF).contains(low) else { throw JSONSyntaxError() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw JSONSyntaxError()
                }
                guard let u = Unicode.Scalar(scalar) else { throw JSONSyntaxError() }
                if let encoded = UTF8.encode(u) { out.append(contentsOf: encoded) }
            default:
                throw JSONSyntaxError()
            }
        }
    }

    private func hex4(at i: Int, end: Int) throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= end else { throw JSONSyntaxError() }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let b = bytes[k]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - 55
            default: throw JSONSyntaxError()
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
