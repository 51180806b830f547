import Foundation
import NIOCore

/// Writes the simulators' `[String: Any]` replies as JSON straight into a `ByteBuffer`.
///
/// Why not `JSONSerialization`: on Linux it bridges every value through `NSDictionary`/`NSNumber`, and
/// that was the largest single cost of a simulated Kiwoom reply (the news-to-order benchmark measures
/// the simulator on the same cores as the engine). Keys keep the dictionary's order, as before.
enum SimJSON {
    /// The object as JSON bytes.
    static func buffer(_ object: [String: Any]) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(1024)
        write(object, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout ByteBuffer) {
        switch value {
        case let string as String: writeString(string, into: &out)
        case let flag as Bool: out.writeStaticString(flag ? "true" : "false")
        case let int as Int: out.writeString(String(int))
        case let double as Double: out.writeString(double.isFinite ? "\(double)" : "null")
        case let object as [String: Any]:
            out.writeInteger(UInt8(ascii: "{"))
            var first = true
            for (key, element) in object {
                if !first { out.writeInteger(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.writeInteger(UInt8(ascii: ":"))
                write(element, into: &out)
            }
            out.writeInteger(UInt8(ascii: "}"))
        case let array as [Any]:
            out.writeInteger(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.writeInteger(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.writeInteger(UInt8(ascii: "]"))
        default: out.writeStaticString("null")
        }
    }

    private static func writeString(_ string: String, into out: inout ByteBuffer) {
        out.writeInteger(UInt8(ascii: "\""))
        var plainStart = string.utf8.startIndex
        let utf8 = string.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                out.writeString(String(string[plainStart..<index]))
                switch byte {
                case UInt8(ascii: "\""): out.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): out.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): out.writeStaticString("\\n")
                case UInt8(ascii: "\r"): out.writeStaticString("\\r")
                case UInt8(ascii: "\t"): out.writeStaticString("\\t")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                }
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out.writeString(String(string[plainStart..<utf8.endIndex]))
        out.writeInteger(UInt8(ascii: "\""))
    }
}
