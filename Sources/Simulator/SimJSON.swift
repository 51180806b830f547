import Foundation
import NIOCore
import SokboCore

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
        // Most strings need no escaping: those are written in one go, without a copy.
        if string.utf8.contains(where: JSONString.needsEscaping) {
            var escaped: [UInt8] = []
            escaped.reserveCapacity(string.utf8.count + 8)
            JSONString.appendEscaped(string.utf8, to: &escaped)
            out.writeBytes(escaped)
        } else {
            out.writeString(string)
        }
        out.writeInteger(UInt8(ascii: "\""))
    }
}
