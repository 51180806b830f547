import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

@Suite struct HTTPSpineTests {
    let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]

    @Test func healthIsOpenAndSaysOK() async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
        }
    }

    @Test(arguments: ["/api/status", "/api/news"])
    func apiRoutesRefuseMissingOrWrongTokens(path: String) async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: testToken]] {
                let response = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                let body = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: response.body))
                #expect(body.error.code == "unauthorized")
            }
        }
    }

    @Test func statusShowsModeServicesBufferAndFlush() async throws {
        // A long interval, so the rows are written by the POST and not by a scheduled flush first; a quiet news
        // simulator, so no headline lands in the buffer between the POST and the status.
        let sokbo = try await makeSokbo("sqlite", ["sokbo.flush.interval.ms": "600000", "sokbo.simulator.news.per.second": "0.001"])
        try await sokbo.application.test(.live) { client in
            for n in 0..<25 { await sokbo.buffer.append(sampleNews(n)) }
            let flushed = try await client.execute(uri: "/api/flush", method: .post, headers: auth)
            #expect(flushed.status == .ok)
            let report = try JSONSerialization.jsonObject(with: Data(buffer: flushed.body)) as? [String: Any]
            #expect(report?["rows"] as? Int == 25)

            let response = try await client.execute(uri: "/api/status", method: .get, headers: auth)
            #expect(response.status == .ok)
            let status = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(status["mode"] as? String == "simulate")
            let services = status["services"] as? [String: String]
            #expect(services?["flush"] == "running")
            #expect(services?["store"] == "running")
            let buffer = status["buffer"] as? [String: Any]
            #expect((buffer?["depth"] as? [String: Int])?["news"] == 0)
            let flush = status["flush"] as? [String: Any]
            #expect((flush?["rowsWritten"] as? Int) == 25)
            #expect(flush?["lastFlush"] != nil)
            #expect(!String(buffer: response.body).contains(testToken))
        }
    }

    @Test func unknownRoutesAndBadParametersAnswerWithTheJSONErrorEnvelope() async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            let missing = try await client.execute(uri: "/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(try JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: missing.body)).error.code == "not_found")
            for query in ["limit=0", "limit=abc", "ticker=5930", "since=yesterday"] {
                let bad = try await client.execute(uri: "/api/news?\(query)", method: .get, headers: auth)
                #expect(bad.status == .badRequest, "\(query)")
                #expect(try JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: bad.body)).error.code == "invalid_parameter")
            }
        }
    }

    @Test func storedNewsAreListedNewestFirstAndFilteredByTicker() async throws {
        let sokbo = try await makeSokbo()
        try await sokbo.application.test(.live) { client in
            for n in 0..<9 { await sokbo.buffer.append(sampleNews(n)) }
            _ = try await client.execute(uri: "/api/flush", method: .post, headers: auth)
            let response = try await client.execute(uri: "/api/news?ticker=005930&limit=4", method: .get, headers: auth)
            #expect(response.status == .ok)
            struct List: Decodable {
                struct Item: Decodable { let id: String; let tickers: [String] }
                let items: [Item]
            }
            let list = try JSONDecoder().decode(List.self, from: Data(buffer: response.body))
            #expect(list.items.map(\.id) == [8, 7, 5, 4].map { sampleNews($0).id })
            #expect(list.items.allSatisfy { $0.tickers == ["005930"] })
        }
    }
}

struct ErrorEnvelope: Decodable {
    struct Inner: Decodable {
        let code: String
        let message: String
    }
    let error: Inner
}

@Suite struct MetricsTests {
    @Test func metricsAreOpenOnLoopbackInPrometheusText() async throws {
        let sokbo = try await makeSokbo("sqlite", ["sokbo.http.port": "0"])
        let text = try await sokbo.withRunning { port in
            _ = try await httpGet(port: port, path: "/health")
            for n in 0..<5 { await sokbo.buffer.append(sampleNews(n)) }
            _ = await sokbo.flusher.flush()
            // The /health request is recorded once its response is written, and the lag probe samples on its own
            // schedule: read the metrics until both show (events), not once after 300 ms.
            var text = ""
            _ = try await eventually {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(60))
                #expect(response.status == .ok)
                text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                return text.contains(#"sokbo_http_request_duration_seconds_count{route="/health",method="GET",status="2xx"} "#)
                    && text.contains("sokbo_event_loop_lag_seconds_bucket")
            }
            return text
        }
        #expect(text.contains(#"sokbo_http_request_duration_seconds_count{route="/health",method="GET",status="2xx"} "#))
        #expect(text.contains("sokbo_event_loop_lag_seconds_bucket"))
        // The simulated news feed writes rows too, so at least the five appended here.
        let written = text.split(separator: "\n").first { $0.hasPrefix("sokbo_flush_rows_total ") }
        #expect((written?.split(separator: " ").last).flatMap { Int($0) } ?? 0 >= 5)
        #expect(text.contains(#"sokbo_buffer_depth{table="news"} 0"#))
        #expect(text.contains("sokbo_news_reconnects_total") || text.contains("sokbo_news_frames_accepted_total"))
    }
}
