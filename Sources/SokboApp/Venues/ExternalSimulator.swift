import AsyncHTTPClient
import Foundation
import NIOCore
import Simulator

/// A standalone simulator (`sokbo simulator`) this node uses instead of embedding its own
/// (`SOKBO_SIMULATOR_URL`): the venues' ports are read once from its control endpoint's `GET /status`, and
/// reached on the host of that URL (so the simulator may bind every interface on another machine).
actor ExternalSimulator {
    private let controlURL: String
    private var known: SimulatorURLs?

    /// The simulator whose control endpoint is `controlURL` (`http://127.0.0.1:8090`).
    init(controlURL: String) {
        var url = controlURL
        while url.hasSuffix("/") { url.removeLast() }
        self.controlURL = url
    }

    /// The venues' URLs; asks the control endpoint until it answers, for up to 30 s (as the embedded simulator
    /// is waited for), then throws and the asking client retries as after any failed connection.
    func urls() async throws -> SimulatorURLs {
        if let known { return known }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                let urls = try await fetch()
                known = urls
                return urls
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw ExternalSimulatorError(description: "the simulator at \(controlURL) did not answer GET /status: \(error)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    private func fetch() async throws -> SimulatorURLs {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: controlURL + "/status"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 200 else {
            throw ExternalSimulatorError(description: "GET /status answered \(response.status.code)")
        }
        struct Status: Decodable { let ports: SimulatorPorts }
        let ports = try JSONDecoder().decode(Status.self, from: Data(body.readableBytesView)).ports
        return ports.urls(host: URL(string: controlURL)?.host)
    }
}

/// The external simulator could not be reached.
struct ExternalSimulatorError: Error, CustomStringConvertible {
    let description: String
}
