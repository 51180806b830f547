import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Simulator

/// The fake Telegram Bot API and webhook sink in a process of their own: this benchmark binary run again
/// as `SokboBench news-to-order-alerts serve-fakes`, serving the standalone simulator (`sokbo simulator
/// --telegram on`: the same code, the Bot API's limits on) with no generated headlines. The parent reads
/// its ports from the line it prints and moves it through its control endpoint. It exits on SIGTERM, or
/// when its parent goes (its stdin closes).
struct AlertsFakesProcess {
    /// The argument that makes the benchmark serve the fakes instead of measuring.
    static let childArgument = "serve-fakes"

    /// The child.
    let process: Process
    /// Where it listens.
    let ports: SimulatorPorts
    /// The child's stdin, open for its life: when this process goes, the pipe closes and the child exits.
    let stdin: Pipe

    /// Starts the child and waits (up to 60 s) for its ports.
    static func start() async throws -> AlertsFakesProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = [AlertsOverheadBenchmark.name, childArgument]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let stdout = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()
        // A child that never prints is killed, which ends the read at end of file.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        defer { watchdog.cancel() }
        let output = stdout.fileHandleForReading
        let line = await Task.detached { Self.firstLine(output) }.value
        guard let line, let ports = try? JSONDecoder().decode(SimulatorPorts.self, from: Data(line.utf8)), ports.telegram != nil else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw BenchError("the fakes' process printed no ports line (\(line ?? "nothing"))")
        }
        return AlertsFakesProcess(process: process, ports: ports, stdin: stdin)
    }

    /// Reads up to the first newline (blocking: a thread of its own for one line at start-up).
    private static func firstLine(_ handle: FileHandle) -> String? {
        var bytes = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            bytes.append(chunk)
            if let end = bytes.firstIndex(of: UInt8(ascii: "\n")) { return String(decoding: bytes[..<end], as: UTF8.self) }
        }
    }

    /// Takes the webhook sink down (503 to every POST) or up.
    func setWebhookDown(_ down: Bool) async throws {
        _ = try await call(.PUT, "/telegram/webhook", body: #"{"down":\#(down)}"#)
    }

    /// The fake Bot API's and sink's counters.
    func counts() async throws -> TelegramSimulator.Counts {
        struct Status: Decodable { let telegram: TelegramSimulator.Counts }
        return try JSONDecoder().decode(Status.self, from: Data(try await call(.GET, "/status").utf8)).telegram
    }

    /// SIGTERM, then waits for it.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }

    private func call(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> String {
        var request = HTTPClientRequest(url: ports.urls().control + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else { throw BenchError("\(method) \(path) answered \(response.status.code): \(text)") }
        return text
    }

    /// The child's body: the standalone simulator with the fake Bot API, until SIGTERM or its stdin closes.
    static func serve() async throws {
        var logger = Logger(label: "bench.fakes")
        logger.logLevel = .critical
        var configuration = StandaloneSimulator.Configuration()
        configuration.headlinesPerSecond = 0
        configuration.telegram = true
        let simulator = StandaloneSimulator(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: simulator.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // The parent gone (its end of stdin closed): stop too.
        Thread.detachNewThread {
            while !FileHandle.standardInput.availableData.isEmpty {}
            exit(0)
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let ports = try await simulator.ports()
                FileHandle.standardOutput.write(Data((ports.listeningLine() + "\n").utf8))
            }
            try await tasks.waitForAll()
        }
    }
}
