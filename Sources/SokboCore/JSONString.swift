/// JSON string escaping (RFC 8259 §7), written once for every frame, reply and row built by hand.
///
/// `"` and `\` are escaped, `\n`, `\r` and `\t` take their short forms and every other control character
/// `\u00xx`; every other byte, non-ASCII UTF-8 included, is copied as it is. Working on bytes keeps a
/// chunk cut in the middle of a character intact (the LS simulator's t3102 pieces are cut that way).
public enum JSONString {
    /// Whether `byte` must be escaped inside a JSON string.
    @inlinable
    public static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20
    }

    /// Appends `bytes` escaped, without surrounding quotes.
    public static func appendEscaped<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        for byte in bytes {
            guard needsEscaping(byte) else {
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
            default: out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
    }

    /// `text` escaped, without surrounding quotes (`text` itself when nothing needs escaping).
    public static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscaping) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        appendEscaped(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a JSON string literal, in quotes.
    public static func quoted(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
