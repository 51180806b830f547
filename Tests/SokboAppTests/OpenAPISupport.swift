import Foundation
import SokboAPI

/// One operation of the OpenAPI document.
struct DocumentedOperation: Hashable, CustomStringConvertible {
    let method: String
    let path: String

    /// `GET /api/stocks/{code}`, the form `Sokbo.routes` uses.
    var description: String { "\(method) \(path)" }

    /// The path with each `{parameter}` replaced by a valid-looking value.
    var samplePath: String {
        var result = path
        for (name, value) in Self.sampleParameters {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }

    static let sampleParameters = ["code": "005930", "id": "202601050900001234567890", "file": "app.js", "ticker": "005930"]
}

/// The parsed document.
func openAPIDocument() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
    guard let document = object as? [String: Any] else { throw DocumentError("the document is not a JSON object") }
    return document
}

/// Every (method, path) the document lists.
func documentedOperations() throws -> [DocumentedOperation] {
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"]
    guard let paths = try openAPIDocument()["paths"] as? [String: [String: Any]] else {
        throw DocumentError("the document has no paths object")
    }
    return paths.flatMap { path, item in
        item.keys.filter(methods.contains).map { DocumentedOperation(method: $0.uppercased(), path: path) }
    }.sorted { $0.description < $1.description }
}

struct DocumentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
