import Foundation
import NIOPosix
import SokboCore

/// An append-only JSON-lines file of rows that could not reach the database: the buffer's overflow
/// during a long outage, and whatever a final flush could not write at shutdown. The flush service
/// replays it once the database answers (and at the next start); replays are safe to repeat because
/// inserts skip existing keys. All file I/O runs on a thread pool.
public actor SpillFile {
    private struct Line: Codable {
        var t: Table
        var v: [SQLValue]
    }

    /// The file's path.
    public let path: String
    private let threadPool: NIOThreadPool
    /// Rows currently in the file.
    public private(set) var rowCount = 0

    /// Opens the spill file at `path`, counting the rows a previous run left.
    public init(path: String, threadPool: NIOThreadPool = .singleton) async throws {
        self.path = path
        self.threadPool = threadPool
        let path = path
        rowCount = try await threadPool.runIfActive {
            guard let data = FileManager.default.contents(atPath: path) else { return 0 }
            return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
    }

    /// Appends rows and syncs the file to disk before returning.
    public func append(_ rows: [Table: [Row]]) async throws {
        let n = rows.values.reduce(0) { $0 + $1.count }
        guard n > 0 else { return }
        let encoder = JSONEncoder()
        var data = Data()
        for (table, batch) in rows {
            for row in batch {
                data.append(try encoder.encode(Line(t: table, v: row.values)))
                data.append(UInt8(ascii: "\n"))
            }
        }
        let path = path, payload = data
        try await threadPool.runIfActive {
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: payload)
            try handle.synchronize()
        }
        rowCount += n
    }

    /// Reads every row in the file (lines that do not parse are counted and skipped, never fatal).
    public func load() async throws -> (rows: [Table: [Row]], unreadable: Int) {
        let path = path
        return try await threadPool.runIfActive {
            guard let data = FileManager.default.contents(atPath: path) else { return ([:], 0) }
            let decoder = JSONDecoder()
            var rows: [Table: [Row]] = [:]
            var unreadable = 0
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                if let parsed = try? decoder.decode(Line.self, from: Data(line)) {
                    rows[parsed.t, default: []].append(Row(parsed.v))
                } else {
                    unreadable += 1
                }
            }
            return (rows, unreadable)
        }
    }

    /// Removes the file once its rows are in the database. When some lines could not be read, the file
    /// is moved aside (`<path>.unreadable-<epoch>`) for a person to inspect instead of being deleted.
    public func clear(keepingUnreadable: Bool) async throws {
        let path = path
        try await threadPool.runIfActive {
            guard FileManager.default.fileExists(atPath: path) else { return }
            if keepingUnreadable {
                let aside = "\(path).unreadable-\(Int(Date().timeIntervalSince1970))"
                try FileManager.default.moveItem(atPath: path, toPath: aside)
            } else {
                try FileManager.default.removeItem(atPath: path)
            }
        }
        rowCount = 0
    }
}
