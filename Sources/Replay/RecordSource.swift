import Foundation

/// A stream of recording lines, read one at a time so a month never sits in memory.
public protocol RecordSource {
    /// The next line; nil at the end.
    mutating func next() async throws -> RecordLine?
}

/// Why a recording could not be read.
public struct RecordError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the line number when there is one.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Reads a JSONL recording (`sokbo record export`) line by line, in 64 KiB chunks.
public struct JSONLRecordSource: RecordSource {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var lineNumber = 0
    private let decoder = RecordCoding.decoder()

    /// Opens `path` (`-` reads standard input).
    public init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else { throw RecordError("cannot open \(path)") }
            handle = opened
        }
    }

    /// The next line; blank lines are skipped, a line that is not a recording line is an error naming it.
    public mutating func next() async throws -> RecordLine? {
        while let line = try nextRawLine() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            do {
                return try decoder.decode(RecordLine.self, from: Data(line))
            } catch {
                throw RecordError("line \(lineNumber): not a recording line (\(error))")
            }
        }
        return nil
    }

    private mutating func nextRawLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let line = buffer[start..<newline]
                start = newline + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

/// Lines held in memory (tests, the sweep's generated input).
public struct ArrayRecordSource: RecordSource {
    private var lines: [RecordLine]
    private var index = 0
    /// A source over `lines`.
    public init(_ lines: [RecordLine]) { self.lines = lines }
    /// The next line.
    public mutating func next() async throws -> RecordLine? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return lines[index]
    }
}
