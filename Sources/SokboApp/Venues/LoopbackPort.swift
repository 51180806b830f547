import Foundation

/// Picks free TCP ports on 127.0.0.1 for the built-in simulator's venues.
///
/// Why pick rather than bind port 0 inside each simulator: the venue clients are configured with their
/// URLs when the process is built, before any service runs. The window between releasing the probe
/// socket and the simulator binding is tiny and on loopback only.
public enum LoopbackPort {
    /// A port that was free a moment ago.
    public static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SettingsError(key: "sokbo.simulator", message: "cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw SettingsError(key: "sokbo.simulator", message: "cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
