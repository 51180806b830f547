import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Replay
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// `POST /api/replays`, `GET /api/replays/{id}` and its report over real sockets, against the app as
/// `sokbo serve` builds it.
@Suite struct ReplayAPITests {
    /// Polls the job until it is done or failed (the replay runs on its own thread; no timing is asserted).
    static func finished(_ port: Int, _ id: String) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        let ended = try await eventually(timeout: .seconds(600)) {
            let job = try await TradingAPITests.call(port, .GET, "/api/replays/\(id)")
            #expect(job.status == 200)
            last = job.json
            return ["done", "failed"].contains(job.json["state"] as? String ?? "")
        }
        #expect(ended, "the replay did not finish: \(last)")
        return last
    }

    static func sortedJSON(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test func theSampleDayThroughTheAPIGivesTheSameResultAsTheDriver() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            let started = try await TradingAPITests.call(port, .POST, "/api/replays", body: #"{"sample":true}"#)
            #expect(started.status == 202)
            #expect(["queued", "running"].contains(started.json["state"] as? String ?? ""))
            let id = try #require(started.json["id"] as? String)
            let job = try await Self.finished(port, id)
            #expect(job["state"] as? String == "done", "\(job["error"] ?? "")")
            let result = try #require(job["result"] as? [String: Any])
            let progress = try #require(job["progress"] as? [String: Any])
            #expect(progress["fraction"] as? Double == 1)

            // The same replay, run as `sokbo replay --input samples/sample-day.jsonl --json` runs it: the live
            // settings read with the venue's hours, the shipped rules, 300 ms and 1 tick.
            let trading = try TradingSettings(reader: reader(["sokbo.data.dir": TestStores.temporaryDirectory()]), mode: .mock)
            let configuration = ReplayConfiguration(rules: trading.rules, limits: trading.limits, calendar: trading.calendar,
                                                    model: FillModel(latencyMilliseconds: 300, slippageTicks: 1), costs: trading.costs,
                                                    dailyLossLimit: trading.dailyLossLimit, maxOpenPositions: trading.maxOpenPositions)
            var source = try JSONLRecordSource(path: try #require(ReplaySample.path))
            let expected = try await ReplayDriver(configuration: configuration).run(&source)
            #expect(expected.total.trades > 0)
            let expectedJSON = try JSONSerialization.jsonObject(with: ReplayOutput.json([expected]))
            #expect(try Self.sortedJSON(result) == Self.sortedJSON(expectedJSON), "the API's result differs from the driver's")

            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/replays/\(id)/report")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let report = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(report.status == .ok)
            #expect(report.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            let page = String(buffer: try await report.body.collect(upTo: 1 << 22))
            #expect(page == ReplayHTMLReport.page([expected]))
        }
    }

    @Test func badBodiesAreRefusedWithTheReason() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            let cases: [(String, String)] = [
                ("", "JSON object"),
                ("[1]", "JSON object"),
                ("{}", "give from"),
                (#"{"sample":true,"from":"2026-11-02"}"#, "not both"),
                (#"{"sample":"yes"}"#, "sample must be true or false"),
                (#"{"sample":true,"latency":5}"#, "unknown key latency"),
                (#"{"sample":true,"latencyMs":-1}"#, "latencyMs must be 0 to 60000"),
                (#"{"sample":true,"latencyMs":"300"}"#, "latencyMs must be an integer"),
                (#"{"from":"2026-13-45"}"#, "from must be a KST day"),
                (#"{"from":"2026-11-27","to":"2026-11-02"}"#, "is before from"),
                (#"{"sample":true,"flattenAt":"3pm"}"#, "flattenAt must be HH:MM"),
                (#"{"sample":true,"rules":"rules:\n  - name: x\n    any: [a]\n    budget: -1\n"}"#, "line 4"),
                (#"{"sample":true,"set":"nonsense"}"#, "set expects rule.key"),
                (#"{"sample":true,"set":"no-such-rule.budget=5"}"#, "no rule named no-such-rule"),
            ]
            for (body, reason) in cases {
                let answer = try await TradingAPITests.call(port, .POST, "/api/replays", body: body)
                #expect(answer.status == 400, "\(body)")
                let error = answer.json["error"] as? [String: Any]
                #expect(error?["code"] as? String == "invalid_body", "\(body)")
                #expect((error?["message"] as? String)?.contains(reason) == true, "\(body): \(error?["message"] ?? "")")
            }
        }
    }

    @Test func anUnknownReplayIs404AndEveryRouteNeedsTheToken() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            #expect(try await TradingAPITests.call(port, .GET, "/api/replays/r9-nothing").status == 404)
            #expect(try await TradingAPITests.call(port, .GET, "/api/replays/r9-nothing/report").status == 404)
            for (method, path) in [(HTTPMethod.POST, "/api/replays"), (.GET, "/api/replays/r1-x"), (.GET, "/api/replays/r1-x/report")] {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                if method == .POST { request.body = .bytes(ByteBuffer(string: #"{"sample":true}"#)) }
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                #expect(response.status == .unauthorized, "\(method) \(path)")
            }
            // Nothing was started without the token.
            #expect(try await TradingAPITests.call(port, .GET, "/api/replays/r1-x").status == 404)
        }
    }
}
