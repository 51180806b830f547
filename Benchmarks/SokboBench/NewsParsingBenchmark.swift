import Foundation
import LSNews
import SokboCore

/// Parses realistic NWS frames from bytes to `NewsItem` on one core and reports frames per second.
enum NewsParsingBenchmark: BenchmarkCase {
    static let name = "nws-parse"
    static let summary = "LS NWS frame parsing, bytes → NewsItem, one core [frames]"

    static func run(arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 1_000_000
        let frames: [[UInt8]] = (0..<64).map { i in
            let code = i % 3 == 0 ? "" : (i % 7 == 0 ? "000000005930000000000660" : "000000011810")
            let extra = i % 2 == 0 ? #","categoryid":"99","codeaccu":"C""# : ""
            let text = #"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20230614","code":""# + code
                + #"","realkey":"2023061409521727040\#(String(format: "%05d", i))","bodysize":"4841","time":"095217","id":"27","title":"STX, ‘2차전지 핵심’ 수산화리튬 사업 박차…中 영정리튬과 MOU \#(i)""#
                + extra + "}}"
            return Array(text.utf8)
        }
        let now = Date()
        var accepted = 0
        // Warm up, then measure.
        for f in frames { if case .news = try LSFrameParser.parse(f, receivedAt: now) { accepted += 1 } }
        accepted = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for i in 0..<count {
                if case .news = try LSFrameParser.parse(frames[i & 63], receivedAt: now) { accepted += 1 }
            }
        }
        let seconds = elapsed.seconds
        let bytes = frames.map(\.count).reduce(0, +) / frames.count
        print("| case | frames | avg bytes | seconds | frames/s |")
        print("|---|---|---|---|---|")
        print("| nws-parse | \(accepted) | \(bytes) | \(String(format: "%.3f", seconds)) | \(Int(Double(accepted) / seconds)) |")
    }
}
