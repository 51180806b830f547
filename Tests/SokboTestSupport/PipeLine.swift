import Foundation
import NIOPosix

/// Reads a child process's output line by line without blocking the concurrency pool.
public enum PipeLine {
    /// The first line written to `handle` (without its newline), read on a thread-pool thread; nil at
    /// end of file (the writer exited or closed it) before a newline.
    public static func first(from handle: FileHandle) async throws -> String? {
        try await NIOThreadPool.singleton.runIfActive {
            var bytes = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return nil }
                bytes.append(chunk)
                if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    return String(decoding: bytes[..<newline], as: UTF8.self)
                }
            }
        }
    }
}
