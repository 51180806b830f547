import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SokboAPI
import SokboApp
import Testing

@Suite struct OpenAPIDocumentTests {
    @Test func documentListsExactlyTheRoutesTheRouterServes() async throws {
        let sokbo = try await makeSokbo()
        // Run it once: a built Sokbo owns HTTP clients that only its services shut down.
        try await sokbo.application.test(.live) { _ in }
        let served = Set(sokbo.routes)
        let documented = Set(try documentedOperations().map(\.description))
        let undocumented = served.subtracting(documented).sorted()
        let unserved = documented.subtracting(served).sorted()
        #expect(undocumented.isEmpty, "served but missing from the OpenAPI document: \(undocumented)")
        #expect(unserved.isEmpty, "in the OpenAPI document but not served: \(unserved)")
        #expect(served.contains("GET /openapi.json"))
    }

    @Test func documentIsOpenAPI31AndEveryReferenceResolves() throws {
        let document = try openAPIDocument()
        #expect(document["openapi"] as? String == "3.1.0")
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let ref = object["$ref"] as? String { references.append(ref) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(references.count > 50)
        for ref in Set(references) {
            #expect(ref.hasPrefix("#/"), "\(ref)")
            var node: Any? = document
            for part in ref.dropFirst(2).split(separator: "/") {
                node = (node as? [String: Any])?[String(part)]
            }
            #expect(node != nil, "unresolved reference \(ref)")
        }
    }

    @Test func everyAPIOperationDocumentsTheBearerTokenAnd401() throws {
        let document = try openAPIDocument()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for operation in try documentedOperations() where operation.path.hasPrefix("/api/") {
            let spec = try #require(paths[operation.path]?[operation.method.lowercased()])
            #expect(spec["security"] == nil, "\(operation) must not override the global bearer requirement")
            let responses = try #require(spec["responses"] as? [String: Any], "\(operation)")
            #expect(responses["401"] != nil, "\(operation) lacks 401")
            // Every error answer is the JSON envelope.
            for (status, response) in responses where Int(status).map({ $0 >= 400 }) ?? false {
                let object = try #require(response as? [String: Any])
                let ref = object["$ref"] as? String
                let schemaRef = ((object["content"] as? [String: Any])?["application/json"] as? [String: Any])
                    .flatMap { ($0["schema"] as? [String: Any])?["$ref"] as? String }
                #expect(ref?.hasPrefix("#/components/responses/") == true || schemaRef == "#/components/schemas/Error",
                        "\(operation) \(status) is not the error envelope")
            }
        }
        let security = try #require(document["security"] as? [[String: [String]]])
        #expect(security == [["bearer": []]])
    }

    @Test func openAPIIsServedWithoutATokenAsJSON() async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(String(buffer: response.body) == OpenAPIDocument.json)
            #expect(response.headers[RequestLogMiddleware.requestIDHeader]?.isEmpty == false)
        }
    }
}
