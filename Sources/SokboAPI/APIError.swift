import Foundation
import HTTPTypes
import Hummingbird

/// An error the API answers with: `{"error":{"code":"…","message":"…"}}` and a matching status.
/// Every failure a client can see goes through this one shape.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code (`not_found`, `invalid_parameter`, …).
    public var code: String
    /// A human-readable message; never contains secrets, paths or stack traces.
    public var message: String
    /// Extra headers (e.g. `WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields = [:]

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// 400 with a parameter name in the message.
    public static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    /// 404.
    public static func notFound(_ message: String = "no such resource") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    /// The JSON body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Self.body(code: code, message: message))))
    }

    /// Encodes the error envelope.
    static func body(code: String, message: String) -> Data {
        struct Envelope: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
            }
            let error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Envelope(error: .init(code: code, message: message)))) ?? Data()
    }
}

/// Maps every error a route throws to the JSON envelope, so no framework text or stack trace leaks out.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Runs the route and translates its errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status), message: Self.message(for: error))
        } catch let error as any HTTPResponseError {
            // Framework errors that carry a status (e.g. NIOTooManyBytesError → 413) keep it.
            throw APIError(error.status, code: Self.code(for: error.status),
                           message: error.status.code == 413 ? "request body too large" : error.status.reasonPhrase)
        } catch is DecodingError {
            throw APIError(.badRequest, code: "invalid_body", message: "the request body is not valid JSON for this route")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 422: "unprocessable"
        case 429: "rate_limited"
        default: status.code >= 500 ? "internal" : "error"
        }
    }

    static func message(for error: HTTPError) -> String {
        switch error.status.code {
        case 404: "no such resource"
        case 413: "request body too large"
        default: error.body ?? error.status.reasonPhrase
        }
    }
}
