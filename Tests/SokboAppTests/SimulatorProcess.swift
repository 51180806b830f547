import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulator
import SokboTestSupport

/// A `sokbo simulator` child process: the built executable, its ports read from the line it prints.
struct SimulatorProcess {
    let process: Process
    let ports: SimulatorPorts
    /// Where its stderr (its logs) goes, for a failing test's message.
    let logPath: String

    /// `http://127.0.0.1:<control port>`.
    var controlURL: String { ports.urls().control }

    /// Starts `sokbo simulator --control-port 0 <arguments>` and waits for its ports line.
    static func start(_ arguments: [String] = []) async throws -> SimulatorProcess {
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = ["simulator", "--control-port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        let logPath = TestStores.temporaryDirectory() + "/simulator.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        // A simulator that never prints is killed, which ends the read at end of file.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }
        defer { watchdog.cancel() }
        guard let line = try await PipeLine.first(from: stdout.fileHandleForReading) else {
            throw TestError("sokbo simulator printed no ports line: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
        }
        struct Announcement: Decodable {
            let event: String
            let host: String
            let control, kiwoom, kiwoomRealtime, ls, lsWebSocket, dart: Int
        }
        let announced = try JSONDecoder().decode(Announcement.self, from: Data(line.utf8))
        guard announced.event == "listening" else { throw TestError("unexpected first line: \(line)") }
        let ports = SimulatorPorts(host: announced.host, control: announced.control, kiwoom: announced.kiwoom,
                                   kiwoomRealtime: announced.kiwoomRealtime, ls: announced.ls, lsWebSocket: announced.lsWebSocket,
                                   dart: announced.dart)
        return SimulatorProcess(process: process, ports: ports, logPath: logPath)
    }

    /// SIGKILL if still running (a test's clean-up).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// One call to the control endpoint: status code and body.
    func call(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: controlURL + path)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 24)
        return (Int(response.status.code), String(buffer: body))
    }

    /// The request log (`GET /requests`), decoded.
    func requestLog() async throws -> [SimulatorRequestLog.Entry] {
        let (status, body) = try await call(.GET, "/requests")
        guard status == 200 else { throw TestError("GET /requests answered \(status): \(body)") }
        return try body.split(separator: "\n").map { try JSONDecoder().decode(SimulatorRequestLog.Entry.self, from: Data($0.utf8)) }
    }
}
