import Foundation
import NIOPosix

/// Runs `/bin/sh -c command` and waits for it on a thread-pool thread.
///
/// Why not Foundation's `Process`: on Linux its termination handler was seen never to fire for a
/// short shell script that starts a daemon in the background, hanging the test for good.
/// `posix_spawn` + `waitpid` on the child's pid has no such failure mode.
public enum ShellCommand {
    /// The command's exit status (or 128 + signal).
    public static func run(_ command: String) async throws -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw TestError("posix_spawn failed: \(spawned)") }
        let child = pid
        return try await NIOThreadPool.singleton.runIfActive {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 {
                guard errno == EINTR else { throw TestError("waitpid failed: \(errno)") }
            }
            // WIFEXITED / WEXITSTATUS are macros Swift cannot see.
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }
}
