import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` when a request's path is served but not with its method (RFC 9110 §15.5.6);
/// a path nobody serves stays 404.
///
/// Why a middleware added after every route: Hummingbird routes an unmatched method to the same
/// not-found responder as an unknown path, and that responder is wrapped by every router middleware,
/// while a route is wrapped only by the middlewares added before it. Added last, this one sees only the
/// requests no route took, and it knows the whole route table.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: [(path: RouterPath, method: HTTPRequest.Method)]

    /// Takes the router's routes once they are all registered.
    init(routes: [Router<Context>.RouteDescription]) {
        self.routes = routes.map { ($0.path, $0.method) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = allowedMethods(for: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        throw APIError(.methodNotAllowed, code: "method_not_allowed",
                       message: "\(request.method.rawValue) is not allowed here; allowed: \(allow)",
                       headers: [.allow: allow])
    }

    /// The methods of every route whose path matches, segment by segment as the router's trie does.
    func allowedMethods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = Set<HTTPRequest.Method>()
        for route in routes where route.path.components.count == segments.count {
            if zip(route.path.components, segments).allSatisfy({ $0 ~= $1 }) { methods.insert(route.method) }
        }
        return methods
    }
}
