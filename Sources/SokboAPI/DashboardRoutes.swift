import Foundation
import HTTPTypes
import Hummingbird

/// `GET /` (the dashboard page) and `GET /dashboard/{file}` (its scripts and styles), open like
/// `/health`: they hold no data. Everything the page shows comes from the `/api` routes with the token
/// the user types in, so the dashboard adds no privileged path.
///
/// Caching: `no-cache` with a strong `ETag`. The browser keeps its copy but asks each time, and gets a
/// 304 while the file is unchanged; a new binary's files are never hidden behind a stale cache, with no
/// build step to put hashes in file names.
struct DashboardRoutes {
    let assets: DashboardAssets

    /// What the page may load and call: itself only (no CDN, no other origin, no inline script), and it
    /// may not be framed.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Headers every dashboard answer carries.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Content-Security-Policy")!, contentSecurityPolicy),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
    ]

    func register(on router: Router<SokboRequestContext>) {
        router.get("/") { request, _ in
            try serve("index.html", request)
        }
        router.get("dashboard/:file") { request, context in
            try serve(try context.parameters.require("file"), request)
        }
    }

    private func serve(_ name: String, _ request: Request) throws -> Response {
        guard let asset = assets.files[name] else { throw APIError.notFound("no such dashboard file") }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .cacheControl: "no-cache",
            .eTag: asset.etag,
        ]
        for (name, value) in Self.securityHeaders { headers[name] = value }
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag || $0.trimmingCharacters(in: .whitespaces) == "*"
        }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
