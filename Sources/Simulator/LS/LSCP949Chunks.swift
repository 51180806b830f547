import Foundation

/// Decodes a t3102 chunk the way the venue does: alone, as CP949 (spec §4.2; the portal's t3102 example).
enum LSCP949Chunks {
    /// CP949 (`kCFStringEncodingDOSKorean` as an `NSStringEncoding`), supported by Foundation on Linux.
    static let encoding = String.Encoding(rawValue: 0x8000_0422)
    /// What the venue shows for a byte it cannot decode: a full-width question mark.
    static let replacement = "\u{FF1F}"

    /// The text of one chunk: pairs that decode become their character, a byte that cannot pair becomes `？`
    /// (one per byte), and spaces at both ends are trimmed (the portal's example has 99-byte chunks exactly
    /// where a word space fell on a chunk edge).
    static func decodeAlone(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        var run: [UInt8] = []
        func flush() {
            guard !run.isEmpty else { return }
            text += String(data: Data(run), encoding: encoding) ?? decodeEach(run)
            run.removeAll(keepingCapacity: true)
        }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte < 0x80 {
                run.append(byte)
                i += 1
            } else if byte != 0x80, byte != 0xFF, i + 1 < bytes.endIndex, isSecondByte(bytes[i + 1]) {
                run += [byte, bytes[i + 1]]
                i += 2
            } else {
                flush()
                text += replacement
                i += 1
            }
        }
        flush()
        return String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    /// Decodes pairs one at a time when a run holds a pair CP949 does not map: as Python's `cp949` codec
    /// (measured), a lead byte before an ASCII byte is replaced alone and the ASCII byte kept; an unmapped
    /// pair of two high bytes is replaced whole, one `？` per byte.
    private static func decodeEach(_ run: [UInt8]) -> String {
        var text = ""
        var i = 0
        while i < run.count {
            let width = run[i] < 0x80 ? 1 : 2
            if let part = String(data: Data(run[i..<(i + width)]), encoding: encoding) {
                text += part
                i += width
            } else if width == 2, run[i + 1] < 0x80 {
                text += replacement
                i += 1
            } else {
                text += String(repeating: replacement, count: width)
                i += width
            }
        }
        return text
    }

    /// Whether a byte can follow a lead byte in CP949.
    private static func isSecondByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x81...0xFE).contains(byte)
    }
}
