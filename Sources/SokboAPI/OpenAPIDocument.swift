import Foundation

/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`; the text is the resource
/// `Resources/openapi.json`.
///
/// Why hand-kept rather than generated: the routes are plain Hummingbird closures, and a generator would
/// own the handlers' shape. Tests hold the file to the server instead: `OpenAPIDocumentTests` compares its
/// paths and methods with the router's in both directions, and `OpenAPIConformanceTests` encodes every
/// response type the routes send (every optional field set) and every live event kind, and validates each
/// against its schema, whose objects refuse properties they do not list.
public enum OpenAPIDocument {
    /// The document as JSON text.
    public static let json: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            // The resource bundle ships beside the executable; without it the build is broken, not the input.
            fatalError("openapi.json is missing from the SokboAPI resource bundle")
        }
        return text
    }()
}
