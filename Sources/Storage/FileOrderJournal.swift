#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SokboCore
import Synchronization

/// The order journal as a JSON-lines file opened once in append mode: each row is one `write(2)`.
///
/// Why the write is made inline, not on a thread pool: it is the one write between a decision and the
/// order leaving, a few hundred bytes into the page cache, at most once per order (orders per day are
/// capped); a thread-pool hop would cost two thread wake-ups, which measured as the tail of the
/// news-to-order latency (`SokboBench order-write`: append p50 0.015 / p99 0.057 ms, the SQLite upsert it
/// replaced p50 0.215 / p99 0.493 ms). It runs on the engine's executor, never on an event loop. No fsync: the
/// journal protects against the process dying (SIGKILL, crash), as the store's WAL does.
public final class FileOrderJournal: OrderJournal {
    /// The file's path.
    public let path: String
    private let descriptor: Mutex<Int32>

    /// Opens (creating with mode 0600, and its directory) the journal at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw JournalError("cannot create the order journal's directory for \(path): \(error)")
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("cannot open the order journal \(path): \(String(cString: strerror(errno)))") }
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { _ = close(fd) }
        }
    }

    /// Appends one row as one JSON line.
    public func append(_ row: Row) throws {
        let bytes = Self.line(row)
        try descriptor.withLock { fd in
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw JournalError("cannot write the order journal \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
    }

    /// Every row, in the order written; lines that do not parse (a torn last line) are counted.
    public func load() throws -> (rows: [Row], unreadable: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        let decoder = JSONDecoder()
        var rows: [Row] = []
        var unreadable = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let values = try? decoder.decode([JournalValue].self, from: Data(line)) {
                rows.append(Row(values.map(\.value)))
            } else {
                unreadable += 1
            }
        }
        return (rows, unreadable)
    }

    /// One row as a JSON array and a newline: text as strings, integers as numbers, null, and a real as
    /// `{"real":"<digits>"}` (so every bare number is an integer). Written by hand, not with `JSONEncoder`:
    /// it is on the path to the order leaving, and the encoder's enum coding cost most of the append.
    static func line(_ row: Row) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(512)
        for (index, value) in row.values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            switch value {
            case .null: out.append(contentsOf: "null".utf8)
            case .integer(let number): out.append(contentsOf: String(number).utf8)
            case .real(let number): out.append(contentsOf: #"{"real":"\#(number)"}"#.utf8)
            case .text(let text): appendString(text, to: &out)
            }
        }
        out.append(contentsOf: "]\n".utf8)
        return out
    }

    /// A JSON string: quotes, backslashes and control characters escaped; everything else as UTF-8.
    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        JSONString.appendEscaped(text.utf8, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Truncates the file (appends keep going to the same descriptor).
    public func clear() throws {
        try descriptor.withLock { fd in
            guard ftruncate(fd, 0) == 0 else {
                throw JournalError("cannot truncate the order journal \(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// One value of a journal line, as `FileOrderJournal.line` writes it.
private struct JournalValue: Decodable {
    let value: SQLValue

    private struct Real: Decodable {
        let real: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let number = try? container.decode(Int64.self) {
            value = .integer(number)
        } else if let text = try? container.decode(String.self) {
            value = .text(text)
        } else if let real = Double(try container.decode(Real.self).real) {
            value = .real(real)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a journal value")
        }
    }
}

/// A journal file could not be opened, written or truncated.
public struct JournalError: Error, CustomStringConvertible {
    /// What failed, with the path and the system's reason.
    public let description: String
    init(_ description: String) { self.description = description }
}
