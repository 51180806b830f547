import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import SokboApp
import SokboTestSupport
import Synchronization
import Testing

/// Records every log record with all of its metadata, for tests that read the logs.
final class LogCapture: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let label: String
        let text: String
        let metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger at `level` that records into this capture.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "sokbo-test") { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }
}

/// A handler that keeps everything: message, handler metadata, provider metadata, call metadata, error.
struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:]) { _, new in new }
        merged.merge(event.metadata ?? [:]) { _, new in new }
        var flat = merged.mapValues(\.description)
        if let error = event.error { flat["error"] = "\(error)" }
        capture.append(.init(level: event.level, label: label, text: event.message.description, metadata: flat))
    }
}

@Suite struct LogSecretsTests {
    // Distinctive values, so any appearance in the logs is unmistakable.
    static let apiToken = "apitoken-LEAKCHECK-9f8e7d6c5b4a"
    static let kiwoomAppKey = "KIWOOMAPPKEY-LEAKCHECK-111111"
    static let kiwoomSecretKey = "KIWOOMSECRET-LEAKCHECK-222222"
    static let lsAppKey = "PSLSAPPKEYLEAKCHECK33333333333333333"
    static let lsSecret = "LSSECRETLEAKCHECK444444444444444444444"
    static let dartKey = "dartkeyLEAKCHECK555555555555555555555555"

    /// A whole simulated session at trace level — news flowing, every venue called through the API,
    /// refused tokens — and no configured secret or issued token appears anywhere in the logs.
    @Test func aTraceLevelSessionLogsNoSecretsOrTokens() async throws {
        #expect(Self.dartKey.count == 40)
        let capture = LogCapture()
        let url = try await TestStores.freshURL("sqlite")
        let values = [
            "sokbo.data.dir": TestStores.temporaryDirectory(),
            "sokbo.database.url": urlString(url),
            "sokbo.http.port": "0",
            "sokbo.flush.interval.ms": "100",
            // News flows, but slower than the venue's pacing serves trades: at 20 headlines/s the trading path
            // spends the whole query budget and the stock lookups below wait (429) for most of a minute.
            "sokbo.simulator.news.per.second": "2",
            "sokbo.api.token": Self.apiToken,
            "kiwoom.appkey": Self.kiwoomAppKey,
            "kiwoom.secretkey": Self.kiwoomSecretKey,
            "ls.appkey": Self.lsAppKey,
            "ls.appsecretkey": Self.lsSecret,
            "dart.api.key": Self.dartKey,
        ]
        let sokbo = try await buildApplication(reader: reader(values), logger: capture.logger(level: .trace))
        let statuses = try await sokbo.withRunning { port in
            try await Self.exercise(port: port)
        }
        // The venues accepted the configured keys: otherwise the secrets were never used and the test proves nothing.
        #expect(statuses["/api/stocks/005930"] == 200)
        #expect(statuses["/api/account"] == 200)
        #expect(statuses["/api/stocks/005930/chart?interval=day"] == 200)
        #expect(statuses["dart"] == 200)
        #expect([200, 404, 429].contains(statuses["/api/news/{id}"] ?? 0), "news body: \(statuses["/api/news/{id}"] ?? 0)")

        let records = capture.all
        #expect(records.count > 50, "trace logging should have produced plenty of records")
        var leaks: [String] = []
        let secrets = [Self.apiToken, Self.kiwoomAppKey, Self.kiwoomSecretKey, Self.lsAppKey, Self.lsSecret, Self.dartKey]
        for record in records {
            let texts = [record.text] + record.metadata.map { "\($0.key)=\($0.value)" }
            // WebSocket frames are logged at trace as hex bytes (the first 24): decode them and look there too.
            for decoded in texts.compactMap(Self.decodedHexDump) {
                for secret in secrets where decoded.contains(secret) {
                    leaks.append("secret \(secret.prefix(12))… hex-encoded in [\(record.label)]")
                }
                if Self.hasOpaqueTokenRun(decoded) || SecretRedactor().redact(decoded) != decoded {
                    leaks.append("token-shaped bytes in [\(record.label)] \(decoded)")
                }
            }
            for text in texts {
                for secret in secrets where text.contains(secret) {
                    leaks.append("secret \(secret.prefix(12))… in [\(record.label)] \(text.prefix(300))")
                }
                if text.contains("eyJ") {
                    leaks.append("JWT-shaped text in [\(record.label)] \(text.prefix(300))")
                }
                if Self.hasOpaqueTokenRun(text) {
                    leaks.append("token-shaped run in [\(record.label)] \(text.prefix(300))")
                }
            }
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaks:\n\(leaks.prefix(20).joined(separator: "\n"))")

        // HTTP logs carry the request id.
        let requestLogs = records.filter { $0.text == "request" && $0.metadata["http.route"] == "/api/stocks/{code}" }
        #expect(!requestLogs.isEmpty)
        #expect(requestLogs.allSatisfy { ($0.metadata["hb.request.id"] ?? "").isEmpty == false })
    }

    /// Calls the routes that reach every venue and a few refusals; returns the status per call.
    static func exercise(port: Int) async throws -> [String: Int] {
        let client = HTTPClient.shared
        func call(_ path: String, token: String? = apiToken, method: HTTPMethod = .GET) async throws -> (Int, Data) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await client.execute(request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), Data(buffer: body))
        }
        var statuses: [String: Int] = [:]
        // Wait for stored news (the LS token was issued and the WebSocket streams).
        var newsID: String?
        let deadline = ContinuousClock.now + .seconds(90)
        while newsID == nil, ContinuousClock.now < deadline {
            let (_, data) = try await call("/api/news?limit=1")
            struct List: Decodable { struct Item: Decodable { let id: String }; let items: [Item] }
            newsID = (try? JSONDecoder().decode(List.self, from: data))?.items.first?.id
            if newsID == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(newsID != nil, "no news arrived from the simulated LS feed")
        for path in ["/api/stocks/005930", "/api/account", "/api/stocks/005930/chart?interval=day", "/api/disclosures",
                     "/api/status", "/metrics", "/openapi.json", "/api/stocks/999999", "/api/stocks/00593X"] {
            // A lookup finding the venue's budget spent by the trading path is answered 429: ask again shortly.
            var (status, _) = try await call(path)
            let lookupDeadline = ContinuousClock.now + .seconds(90)
            while status == 429, ContinuousClock.now < lookupDeadline {
                try await Task.sleep(for: .milliseconds(500))
                status = try await call(path).0
            }
            statuses[path] = status
        }
        if let newsID {
            statuses["/api/news/{id}"] = try await call("/api/news/\(newsID)").0
        }
        statuses["flush"] = try await call("/api/flush", method: .POST).0
        statuses["wrong token"] = try await call("/api/status", token: "not-the-token").0
        statuses["no token"] = try await call("/api/account", token: nil).0
        // DART: the poller started with the configured key.
        let dartDeadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < dartDeadline {
            let (_, data) = try await call("/api/status")
            let status = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let dart = status?["dart"] as? [String: Any]
            if dart?["state"] as? String == "running" {
                statuses["dart"] = dart?["warning"] == nil ? 200 : 500
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return statuses
    }

    /// The bytes of a NIO `ByteBuffer` dump (`bytes: [ 7b 22 … ]`) as text, if the text has one.
    static func decodedHexDump(_ text: String) -> String? {
        guard let start = text.range(of: "bytes: [ ") else { return nil }
        let hex = text[start.upperBound...].prefix { $0 != "]" }
        let bytes = hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// A run of 60 or more URL-safe characters: Kiwoom's opaque access token shape (86 characters).
    static func hasOpaqueTokenRun(_ text: String) -> Bool {
        var run = 0
        for byte in text.utf8 {
            let tokenByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
            run = tokenByte ? run + 1 : 0
            if run >= 60 { return true }
        }
        return false
    }
}

@Suite struct RedactingLogHandlerTests {
    @Test func registeredSecretsAndTokenShapesAreScrubbedFromMessagesAndMetadataAtEveryLevel() {
        let redactor = SecretRedactor()
        redactor.register("s3cret-app-key-123")
        redactor.register("short")
        #expect(redactor.registeredCount == 1)
        let capture = LogCapture()
        let jwt = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ0b2tlbiIsImF1ZCI6IjEyMzQ1Njc4OTAifQ.c2lnbmF0dXJlMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"
        let kiwoomToken = String(repeating: "Ab3-_x9Z", count: 11)
        var logger = Logger(label: "redact") { label in
            RedactingLogHandler(wrapping: CapturingLogHandler(label: label, capture: capture), redactor: redactor)
        }
        logger.logLevel = .trace
        logger[metadataKey: "handler"] = "key=s3cret-app-key-123"
        struct Failure: Error, CustomStringConvertible { let description: String }
        for level in Logger.Level.allCases {
            logger.log(level: level, "token \(jwt) for s3cret-app-key-123", metadata: [
                "nested": .dictionary(["list": .array([.string(kiwoomToken), .stringConvertible(42)])]),
                "plain": "news 202601050900001234567890 for 005930",
            ])
        }
        logger.error("failed", error: Failure(description: "refused s3cret-app-key-123"))
        let records = capture.all
        #expect(records.count == Logger.Level.allCases.count + 1)
        for record in records {
            let all = ([record.text] + record.metadata.values).joined(separator: " ")
            #expect(!all.contains("s3cret-app-key-123"), "\(all)")
            #expect(!all.contains("eyJ"), "\(all)")
            #expect(!all.contains(kiwoomToken), "\(all)")
        }
        #expect(records[0].text == "token <redacted> for <redacted>")
        #expect(records[0].metadata["handler"] == "key=<redacted>")
        #expect(records[0].metadata["plain"] == "news 202601050900001234567890 for 005930")
        #expect(records[0].metadata["nested"]?.contains("42") == true)
        #expect(records.last?.metadata["error.message"] == "refused <redacted>")
    }

    @Test func configuredSecretsAreRegisteredFromTheConfiguration() {
        let redactor = SecretRedactor()
        redactor.registerSecrets(in: reader([
            "sokbo.api.token": "api-token-from-config", "kiwoom.appkey": "kiwoom-app-key-config",
            "kiwoom.secretkey": "kiwoom-secret-config", "ls.appkey": "ls-app-key-config", "ls.appsecretkey": "ls-secret-config",
            "dart.api.key": "dart-key-config", "sokbo.database.url": "mysql://sokbo:db-password-config@127.0.0.1:3306/sokbo",
            "sokbo.http.host": "127.0.0.1",
        ]))
        #expect(redactor.registeredCount == 7)
        let line = "api-token-from-config kiwoom-app-key-config kiwoom-secret-config ls-app-key-config ls-secret-config "
            + "dart-key-config db-password-config 127.0.0.1"
        #expect(redactor.redact(line) == Array(repeating: "<redacted>", count: 7).joined(separator: " ") + " 127.0.0.1")
    }
}
