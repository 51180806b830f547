import Hummingbird

/// The body of every list route: `{"items": [...]}`.
struct Listing<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
}

extension Parameters {
    /// The `limit` query parameter, 1…1000 (default 100); anything else is a 400.
    func limit(default defaultValue: Int = 100) throws -> Int {
        guard let raw = self["limit"].map(String.init) else { return defaultValue }
        guard let limit = Int(raw), (1...1000).contains(limit) else {
            throw APIError.badRequest("limit must be an integer from 1 to 1000", code: "invalid_parameter")
        }
        return limit
    }
}
