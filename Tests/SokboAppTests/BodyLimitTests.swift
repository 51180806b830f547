import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SokboApp
import Testing

@Suite struct BodyLimitTests {
    let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]

    @Test func aTwoMebibyteBodyIsRefusedWith413AndTheEnvelope() async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)
            let response = try await client.execute(uri: "/api/flush", method: .post, headers: auth, body: body)
            #expect(response.status == .contentTooLarge)
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: response.body))
            #expect(envelope.error.code == "payload_too_large")
            // A body within the limit is fine.
            let small = try await client.execute(uri: "/api/flush", method: .post, headers: auth, body: ByteBuffer(string: "{}"))
            #expect(small.status == .ok)
        }
    }

    @Test func aChunkedBodyOverTheLimitIsRefusedToo() async throws {
        let sokbo = try await makeSokbo("sqlite", ["sokbo.http.port": "0"])
        let (status, code) = try await sokbo.withRunning { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/flush")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            // No declared length: the body goes chunked.
            request.body = .bytes(Array(repeating: UInt8(ascii: "x"), count: 2 << 20), length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            let body = try await response.body.collect(upTo: 1 << 20)
            let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: body))
            return (response.status.code, envelope?.error.code)
        }
        #expect(status == 413)
        #expect(code == "payload_too_large")
    }
}
