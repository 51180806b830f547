import Foundation

/// A JSON value that keeps integers apart from other numbers (JSON Schema's `integer`).
indirect enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Parses JSON text.
    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(key: String) -> JSONValue? { if case .object(let object) = self { object[key] } else { nil } }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .integer(let i): "\(i)"
        case .number(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[\(a.map(\.description).joined(separator: ","))]"
        case .object(let o): "{\(o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ","))}"
        }
    }
}

/// Validates JSON against the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) our document uses:
/// `type` (one or a list), `properties`, `required`, `additionalProperties` (false or a schema), `items`,
/// `enum`, `const`, `$ref` (local), `oneOf`, `anyOf`, `pattern`, `minimum`, `maximum`, `minLength`,
/// `maxLength` and `format: date-time`. A keyword it does not know is reported, so a schema cannot
/// silently check less than it says.
///
/// Stricter than JSON Schema on one point, on purpose: an object schema that lists `properties` and says
/// nothing of `additionalProperties` is taken as closed, so a property the server sends and the document
/// does not name fails even where the document forgot to close the object.
struct JSONSchemaValidator {
    let document: JSONValue

    static let annotations: Set<String> = ["description", "examples", "example", "default", "title", "format"]
    static let known: Set<String> = ["type", "properties", "required", "additionalProperties", "items", "enum", "const",
                                     "$ref", "oneOf", "anyOf", "pattern", "minimum", "maximum", "minLength", "maxLength"]

    /// Every problem found, each with the JSON path where it is; empty when the value conforms.
    func errors(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard let schema = schema.object else { return ["\(path): the schema is not an object"] }
        var errors: [String] = []
        for key in schema.keys where !Self.known.contains(key) && !Self.annotations.contains(key) {
            errors.append("\(path): the validator does not know the keyword \(key)")
        }
        if let ref = schema["$ref"]?.string {
            guard let target = resolve(ref) else { return errors + ["\(path): unresolved \(ref)"] }
            errors += self.errors(value, target, at: path)
        }
        if let types = schema["type"] {
            let allowed = types.array?.compactMap(\.string) ?? [types.string].compactMap { $0 }
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                return errors + ["\(path): \(value) is not of type \(allowed.joined(separator: "|"))"]
            }
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            errors.append("\(path): \(value) is not one of \(options)")
        }
        if let constant = schema["const"], constant != value {
            errors.append("\(path): \(value) is not \(constant)")
        }
        if let options = schema["oneOf"]?.array {
            let passing = options.filter { self.errors(value, $0, at: path).isEmpty }.count
            if passing != 1 {
                let detail = options.map { self.errors(value, $0, at: path).joined(separator: "; ") }.joined(separator: " | ")
                errors.append("\(path): \(value) matches \(passing) of oneOf's \(options.count) schemas, not 1 (\(detail))")
            }
        }
        if let options = schema["anyOf"]?.array, !options.contains(where: { self.errors(value, $0, at: path).isEmpty }) {
            errors.append("\(path): \(value) matches none of anyOf")
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.object ?? [:]
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where object[name] == nil {
                errors.append("\(path): missing required property \(name)")
            }
            for (name, item) in object {
                if let property = properties[name] {
                    errors += self.errors(item, property, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        errors.append("\(path): property \(name) is not in the schema")
                    } else if additional.object != nil {
                        errors += self.errors(item, additional, at: "\(path).\(name)")
                    }
                } else if !properties.isEmpty {
                    errors.append("\(path): property \(name) is not in the schema (its object lists properties and says nothing of others)")
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { errors += self.errors(item, itemSchema, at: "\(path)[\(index)]") }
            }
        case .string(let text):
            if let pattern = schema["pattern"]?.string, text.range(of: pattern, options: .regularExpression) == nil {
                errors.append("\(path): \"\(text)\" does not match \(pattern)")
            }
            if case .integer(let min) = schema["minLength"], text.count < Int(min) { errors.append("\(path): shorter than \(min)") }
            if case .integer(let max) = schema["maxLength"], text.count > Int(max) { errors.append("\(path): longer than \(max)") }
            if schema["format"]?.string == "date-time", (try? Date(text, strategy: .iso8601)) == nil {
                errors.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
            }
        case .integer, .number:
            let number = Self.double(value) ?? 0
            if let min = schema["minimum"].flatMap(Self.double), number < min { errors.append("\(path): \(value) < \(min)") }
            if let max = schema["maximum"].flatMap(Self.double), number > max { errors.append("\(path): \(value) > \(max)") }
        default:
            break
        }
        return errors
    }

    /// The node a local reference (`#/components/schemas/Order`) points to.
    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
             ("string", .string), ("array", .array), ("object", .object): true
        default: false
        }
    }

    static func double(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}
