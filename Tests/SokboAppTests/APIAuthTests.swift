import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SokboApp
import Testing

@Suite struct APIAuthTests {
    /// Every `/api` operation in the OpenAPI document refuses a missing token and a wrong one with 401
    /// and the JSON envelope, before it looks at parameters or the body.
    @Test func everyDocumentedAPIRouteRefusesMissingAndWrongTokens() async throws {
        let sokbo = try await makeSokbo()
        let operations = try documentedOperations().filter { $0.path.hasPrefix("/api/") }
        #expect(operations.count >= 17)
        try await sokbo.application.test(.live) { client in
            for operation in operations {
                let wrongTokens: [HTTPFields] = [
                    [:],
                    [.authorization: "Bearer wrong-token"],
                    [.authorization: "Bearer \(testToken)x"],
                    [.authorization: "Bearer \(testToken.dropLast())"],
                    [.authorization: "Basic \(Data("sokbo:\(testToken)".utf8).base64EncodedString())"],
                    [.authorization: testToken],
                ]
                for headers in wrongTokens {
                    let response = try await client.execute(uri: operation.samplePath, method: HTTPRequest.Method(operation.method)!,
                                                            headers: headers, body: ByteBuffer(string: "{}"))
                    #expect(response.status == .unauthorized, "\(operation) with \(headers)")
                    let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: response.body))
                    #expect(envelope?.error.code == "unauthorized", "\(operation)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"sokbo\"", "\(operation)")
                }
            }
        }
    }
}
