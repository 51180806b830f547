import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every request it guards, compared in constant time.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]

    /// Creates the middleware for one token (`SOKBO_API_TOKEN` or the generated one).
    public init(token: String) {
        self.expected = Array(token.utf8)
    }

    /// Passes authorised requests on; answers 401 otherwise.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEquals(Array(header.utf8.dropFirst(7)), expected)
        else {
            throw APIError(.unauthorized, code: "unauthorized", message: "missing or wrong bearer token",
                           headers: [.wwwAuthenticate: "Bearer realm=\"sokbo\""])
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0 && !b.isEmpty
    }
}
