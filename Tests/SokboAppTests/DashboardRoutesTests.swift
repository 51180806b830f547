import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// The dashboard's files over a real socket: open (no token), the right content types, revalidation by
/// ETag, this-origin-only policy, and nothing but the bundled names. And the stream-closing route the
/// browser test uses.
@Suite struct DashboardRoutesTests {
    static func get(_ port: Int, _ path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    @Test func thePageAndItsFilesAreServedWithTypesCachingAndPolicy() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            let page = try await Self.get(port, "/")
            #expect(page.status == 200)
            #expect(page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            #expect(page.body.contains("<script type=\"module\" src=\"/dashboard/app.js\">"))
            #expect(page.headers.first(name: "Cache-Control") == "no-cache")
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("connect-src 'self'") == true)
            #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
            let etag = try #require(page.headers.first(name: "ETag"))
            let again = try await Self.get(port, "/", headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            let types = ["app.js": "text/javascript; charset=utf-8", "tape.js": "text/javascript; charset=utf-8",
                         "dashboard.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml"]
            for (file, type) in types {
                let asset = try await Self.get(port, "/dashboard/\(file)")
                #expect(asset.status == 200, "\(file)")
                #expect(asset.headers.first(name: "Content-Type") == type, "\(file)")
                #expect(asset.headers.first(name: "ETag") != etag, "\(file)")
            }
            // Every module the page imports is served (a missing file would leave a blank page).
            let app = try await Self.get(port, "/dashboard/app.js")
            let imports = app.body.matches(of: /from "\.\/([a-z0-9]+\.js)"/).map { String($0.output.1) }
            #expect(imports.count >= 4)
            for file in imports { #expect(try await Self.get(port, "/dashboard/\(file)").status == 200, "\(file)") }
            for path in ["/dashboard/nope.js", "/dashboard/..%2FPackage.swift", "/dashboard/index", "/dashboard/%2e%2e"] {
                let missing = try await Self.get(port, path)
                #expect(missing.status == 404, "\(path)")
                #expect(missing.body.contains("\"not_found\""), "\(path)")
            }
        }
    }

    /// A stream the route failed to close would leave the read below waiting: the time limit makes that a
    /// failure (3 minutes: the app's start on a loaded machine takes part of it).
    @Test(.timeLimit(.minutes(3)))
    func disconnectClosesEveryOpenEventStreamAndNewOnesStillStream() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let first = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(try await eventually { sokbo.events.subscriberCount == 1 })
            var close = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events/disconnect")
            close.method = .POST
            close.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let closed = try await HTTPClient.shared.execute(close, timeout: .seconds(10))
            #expect(closed.status == .ok)
            #expect(String(buffer: try await closed.body.collect(upTo: 1024)) == "{\"closed\":1}")
            // The first stream ends: reading it to its end returns (it would wait forever if it stayed open).
            var text = ""
            for try await chunk in first.body { text += String(buffer: chunk) }
            #expect(text.hasPrefix(": connected"))
            #expect(sokbo.events.subscriberCount == 0)
            let second = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(try await eventually { sokbo.events.subscriberCount == 1 })
            sokbo.events.publish(LiveEvent(kind: .trading, payload: ["halted": true]))
            var received = ""
            for try await chunk in second.body {
                received += String(buffer: chunk)
                if received.contains("event: trading") { break }
            }
            #expect(received.contains("event: trading\ndata: {\"halted\":true}"))
        }
    }
}
