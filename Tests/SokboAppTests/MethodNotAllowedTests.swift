import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SokboApp
import Testing

/// A method a path does not have answers 405 with `Allow` listing the ones it has, on every path;
/// an unknown path stays 404. Over a real socket.
@Suite struct MethodNotAllowedTests {
    static func send(_ port: Int, _ method: HTTPMethod, _ path: String) async throws -> (status: Int, allow: String?, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return (Int(response.status.code), response.headers.first(name: "Allow"), json)
    }

    @Test func everyPathAnswersAMethodItLacksWith405AndAllow() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let byPath = Dictionary(grouping: try documentedOperations(), by: \.path)
        let methods: [HTTPMethod] = [.GET, .PUT, .POST, .DELETE, .PATCH]
        try await sokbo.withRunning { port in
            var checked = 0
            for operations in byPath.values {
                let documented = Set(operations.map(\.method))
                let allow = documented.sorted().joined(separator: ", ")
                let sample = operations[0].samplePath
                for method in methods where !documented.contains(method.rawValue) {
                    let reply = try await Self.send(port, method, sample)
                    #expect(reply.status == 405, "\(method) \(sample)")
                    #expect(reply.allow == allow, "\(method) \(sample)")
                    #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "method_not_allowed", "\(method) \(sample)")
                    checked += 1
                }
            }
            #expect(checked >= 50)
            let unknown = try await Self.send(port, .DELETE, "/api/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown.allow == nil)
            let served = try await Self.send(port, .GET, "/api/orders")
            #expect(served.status == 200)
        }
    }
}
