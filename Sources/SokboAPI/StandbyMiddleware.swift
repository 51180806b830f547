import HTTPTypes
import Hummingbird

/// On a node that is not the active one (`SOKBO_HA=on`): every trading command — an order, a cancel, halt,
/// resume, flatten, a position's close, a rules edit — answers 503 `standby`, naming the active node, and
/// does nothing. Reads, the buffer flush, the live events' disconnect and replays (a computation over the
/// shared database) are this node's own and still work.
public struct StandbyMiddleware<Context: RequestContext>: RouterMiddleware {
    let answer: @Sendable () -> String?

    /// Creates the middleware; `answer` says why this node does not trade (nil on the active or a single node).
    public init(answer: @escaping @Sendable () -> String?) {
        self.answer = answer
    }

    /// Passes reads on; refuses a trading command on a standby.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post || request.method == .put || request.method == .delete || request.method == .patch,
           !Self.localCommands.contains(request.uri.path), let why = answer() {
            throw APIError(.serviceUnavailable, code: "standby", message: why, headers: [.retryAfter: "5"])
        }
        return try await next(request, context)
    }

    /// Commands about this process alone, never about trading.
    static var localCommands: Set<String> { ["/api/flush", "/api/events/disconnect", "/api/replays"] }
}
