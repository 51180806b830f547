import Foundation
import Hummingbird
import SokboCore

/// The rules in force as a YAML rules file (`GET /api/rules`, and the answer to `PUT /api/rules`).
///
/// Why YAML and not JSON: `PUT` takes the rules file, so what `GET` serves can be edited and put back as
/// it is; the document said `text/yaml` for both while the server answered JSON. Every text is written as
/// a double-quoted scalar with JSON's escapes, which YAML reads back unchanged whatever the text holds
/// (`#`, `:`, quotes, leading spaces, Hangul).
struct RulesYAML: ResponseGenerator {
    let rules: [Rule]

    /// The media type served, the one `PUT` accepts first.
    static let contentType = "text/yaml; charset=utf-8"

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: Self.contentType], body: .init(byteBuffer: ByteBuffer(string: Self.render(rules))))
    }

    /// The rules file text; `RuleFile.parse` reads it back to the same rules.
    static func render(_ rules: [Rule]) -> String {
        guard !rules.isEmpty else { return "rules: []\n" }
        var text = "rules:\n"
        for rule in rules {
            text += "  - name: \(quoted(rule.name))\n"
            if !rule.enabled { text += "    enabled: false\n" }
            if !rule.anyKeywords.isEmpty { text += "    any: \(list(rule.anyKeywords))\n" }
            if !rule.allKeywords.isEmpty { text += "    all: \(list(rule.allKeywords))\n" }
            if !rule.vetoKeywords.isEmpty { text += "    veto: \(list(rule.vetoKeywords))\n" }
            if let pattern = rule.disclosurePattern { text += "    disclosure: \(quoted(pattern))\n" }
            text += "    budget: \(rule.budget)\n"
            text += "    order: \(rule.orderType.rawValue)\n"
            if let rise = rule.maxRisePercent { text += "    max-rise-percent: \(number(rise))\n" }
            text += "    entry-timeout: \(rule.entryTimeoutSeconds)\n"
            let exits = rule.exits
            text += "    take-profit-percent: \(exits.takeProfitPercent.map(number) ?? "\"off\"")\n"
            text += "    stop-loss-percent: \(exits.stopLossPercent.map(number) ?? "\"off\"")\n"
            text += "    trail-percent: \(exits.trailPercent.map(number) ?? "\"off\"")\n"
            text += "    trail-activation-percent: \(exits.trailActivationPercent.map(number) ?? "\"off\"")\n"
            if !exits.roi.isEmpty {
                text += "    roi: {" + exits.roi.map { "\($0.minutes): \(number($0.minimumReturnPercent))" }.joined(separator: ", ") + "}\n"
            }
            text += "    max-hold-minutes: \(exits.maxHoldMinutes.map(String.init) ?? "\"off\"")\n"
            text += "    flatten-at-close: \(exits.flattenAtClose)\n"
        }
        return text
    }

    private static func list(_ words: [String]) -> String {
        "[" + words.map(quoted).joined(separator: ", ") + "]"
    }

    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).flatMap { String(data: $0, encoding: .utf8) } ?? "\"\""
    }

    /// A plain decimal: YAML 1.1 reads `1e-05` as text, so exponents are written out.
    private static func number(_ value: Double) -> String {
        let plain = "\(value)"
        guard plain.contains("e") else { return plain }
        var fixed = String(format: "%.17f", value)
        while fixed.hasSuffix("0") { fixed.removeLast() }
        return fixed.hasSuffix(".") ? fixed + "0" : fixed
    }
}
