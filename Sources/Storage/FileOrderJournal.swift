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
/// news-to-order latency. It runs on the engine's executor, never on an event loop. No fsync: the
/// journal protects against the process dying (SIGKILL, crash), as the store's WAL does.
public final class FileOrderJournal: OrderJournal {
    private struct Line: Codable {
        var v: [SQLValue]
    }

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
        var bytes = Array(try JSONEncoder().encode(Line(v: row.values)))
        bytes.append(UInt8(ascii: "\n"))
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
            if let parsed = try? decoder.decode(Line.self, from: Data(line)) {
                rows.append(Row(parsed.v))
            } else {
                unreadable += 1
            }
        }
        return (rows, unreadable)
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

/// A journal file could not be opened, written or truncated.
public struct JournalError: Error, CustomStringConvertible {
    /// What failed, with the path and the system's reason.
    public let description: String
    init(_ description: String) { self.description = description }
}
