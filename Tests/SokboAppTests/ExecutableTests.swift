import AsyncHTTPClient
import Foundation
import SokboTestSupport
import Testing

/// The real binary: starts, answers `/health`, and exits 0 within 5 s of SIGTERM.
@Suite struct ExecutableTests {
    /// `.build/<config>/sokbo`, beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sokbo")
    }

    @Test func sigtermExitsZeroWithinFiveSeconds() async throws {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["SOKBO_DATA_DIR"] = TestStores.temporaryDirectory()
        environment["SOKBO_API_TOKEN"] = "exe-test-token"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) } }

        let healthy = try await eventually(timeout: .seconds(30)) {
            (try? await httpGet(port: port, path: "/health")) == 200
        }
        #expect(healthy)

        let sent = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        let exited = try await eventually(timeout: .seconds(5)) { !process.isRunning }
        #expect(exited, "still running \(sent.duration(to: .now)) after SIGTERM")
        if exited {
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
    }
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestError("cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The status code of a plain GET on loopback.
func httpGet(port: Int, path: String) async throws -> Int {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(2))
    return Int(response.status.code)
}
