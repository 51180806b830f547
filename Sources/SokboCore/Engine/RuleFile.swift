import Foundation
import Yams

/// Reads and writes the YAML rules file (`SOKBO_RULES_FILE`; `rules.example.yaml` documents it).
///
/// Parsed through Yams' node tree rather than `Decodable` so every error names its line.
public enum RuleFile {
    /// Parses and validates a rules document.
    public static func parse(_ yaml: String) throws(RuleFileError) -> RuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw RuleFileError(line: error.line, message: "not valid YAML: \(error.problem)")
        } catch {
            throw RuleFileError(line: nil, message: "not valid YAML")
        }
        guard let root, let mapping = root.mapping else {
            throw RuleFileError(line: root?.mark?.line, message: "the file must be a mapping with a `rules:` list")
        }
        for key in mapping.keys where key.string != "rules" {
            throw RuleFileError(line: key.mark?.line, message: "unknown top-level key \(key.string ?? "?")")
        }
        guard let list = mapping["rules"] else { throw RuleFileError(line: root.mark?.line, message: "missing `rules:`") }
        guard let sequence = list.sequence else { throw RuleFileError(line: list.mark?.line, message: "`rules` must be a list") }
        var rules: [Rule] = []
        var seen: Set<String> = []
        for node in sequence {
            let parsed = try rule(node)
            guard seen.insert(parsed.name).inserted else {
                throw RuleFileError(line: node.mark?.line, message: "duplicate rule name \(parsed.name)")
            }
            rules.append(parsed)
        }
        return try RuleSet(rules)
    }

    private static let keys: Set<String> = [
        "name", "enabled", "any", "all", "veto", "disclosure", "budget", "order", "max-rise-percent", "entry-timeout",
        "take-profit-percent", "stop-loss-percent", "trail-percent", "trail-activation-percent", "roi", "max-hold-minutes",
        "flatten-at-close", "take-profit-resting",
    ]

    private static func rule(_ node: Node) throws(RuleFileError) -> Rule {
        guard let mapping = node.mapping else { throw RuleFileError(line: node.mark?.line, message: "each rule must be a mapping") }
        for key in mapping.keys where !keys.contains(key.string ?? "") {
            throw RuleFileError(line: key.mark?.line, message: "unknown rule key \(key.string ?? "?") (known: \(keys.sorted().joined(separator: ", ")))")
        }
        let line = node.mark?.line
        guard let nameNode = mapping["name"], let name = nameNode.string, !name.isEmpty,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw RuleFileError(line: mapping["name"]?.mark?.line ?? line, message: "a rule needs a `name` of letters, digits, - or _")
        }
        let enabled = try bool(mapping["enabled"], default: true)
        let any = try strings(mapping["any"])
        let all = try strings(mapping["all"])
        let veto = try strings(mapping["veto"])
        guard !any.isEmpty || !all.isEmpty else {
            throw RuleFileError(line: line, message: "rule \(name) needs keywords in `any` or `all`")
        }
        guard let budgetNode = mapping["budget"], let budget = budgetNode.int, budget > 0 else {
            throw RuleFileError(line: mapping["budget"]?.mark?.line ?? line, message: "rule \(name): `budget` must be a positive integer (KRW)")
        }
        var orderType = Rule.OrderType.marketableLimit
        if let orderNode = mapping["order"] {
            guard let raw = orderNode.string, let parsed = Rule.OrderType(rawValue: raw) else {
                throw RuleFileError(line: orderNode.mark?.line, message: "rule \(name): `order` must be marketable-limit or market")
            }
            orderType = parsed
        }
        var maxRise: Double?
        if let riseNode = mapping["max-rise-percent"] {
            guard let value = riseNode.float, value >= 0, value <= 30 else {
                throw RuleFileError(line: riseNode.mark?.line, message: "rule \(name): `max-rise-percent` must be a number from 0 to 30")
            }
            maxRise = value
        }
        var disclosure: String?
        if let disclosureNode = mapping["disclosure"] {
            guard let text = disclosureNode.string, !text.trimmingSpaces().isEmpty else {
                throw RuleFileError(line: disclosureNode.mark?.line, message: "rule \(name): `disclosure` must be a report-name text")
            }
            disclosure = text
        }
        var entryTimeout = Rule.defaultEntryTimeoutSeconds
        if let node = mapping["entry-timeout"] {
            guard let value = node.int, value > 0, value <= 86_400 else {
                throw RuleFileError(line: node.mark?.line, message: "rule \(name): `entry-timeout` must be whole seconds from 1 to 86400")
            }
            entryTimeout = value
        }
        return Rule(name: name, enabled: enabled, anyKeywords: any, allKeywords: all, vetoKeywords: veto,
                    disclosurePattern: disclosure, budget: budget, orderType: orderType, maxRisePercent: maxRise,
                    entryTimeoutSeconds: entryTimeout, exits: try exits(mapping, rule: name))
    }

    /// The exit keys; each defaults to `ExitPolicy()`'s value, and `off` turns a threshold off.
    private static func exits(_ mapping: Node.Mapping, rule name: String) throws(RuleFileError) -> ExitPolicy {
        let defaults = ExitPolicy()
        func percent(_ key: String, _ value: Double?, zeroAllowed: Bool = false) throws(RuleFileError) -> Double? {
            guard let node = mapping[key] else { return value }
            if node.string == "off" { return nil }
            guard let number = node.float, number > 0 || (zeroAllowed && number == 0), number <= 100 else {
                throw RuleFileError(line: node.mark?.line, message: "rule \(name): `\(key)` must be a percent above 0 and at most 100, or off")
            }
            return number
        }
        var maxHold = defaults.maxHoldMinutes
        if let node = mapping["max-hold-minutes"] {
            if node.string == "off" {
                maxHold = nil
            } else {
                guard let minutes = node.int, minutes > 0 else {
                    throw RuleFileError(line: node.mark?.line, message: "rule \(name): `max-hold-minutes` must be a positive whole number, or off")
                }
                maxHold = minutes
            }
        }
        var roi: [ROIStep] = []
        if let node = mapping["roi"] {
            guard let table = node.mapping else {
                throw RuleFileError(line: node.mark?.line, message: "rule \(name): `roi` must map minutes held to a minimum return percent")
            }
            for (key, value) in table {
                guard let minutes = key.int, minutes >= 0, let percent = value.float, percent >= -100, percent <= 100 else {
                    throw RuleFileError(line: key.mark?.line,
                                        message: "rule \(name): each `roi` entry is minutes (0 or more): percent (-100 to 100)")
                }
                roi.append(ROIStep(minutes: minutes, minimumReturnPercent: percent))
            }
        }
        let resting = try bool(mapping["take-profit-resting"], default: false)
        if resting, mapping["take-profit-percent"]?.string == "off" {
            throw RuleFileError(line: mapping["take-profit-resting"]?.mark?.line,
                                message: "rule \(name): `take-profit-resting` needs a `take-profit-percent`")
        }
        return ExitPolicy(takeProfitPercent: try percent("take-profit-percent", defaults.takeProfitPercent),
                          stopLossPercent: try percent("stop-loss-percent", defaults.stopLossPercent),
                          trailPercent: try percent("trail-percent", defaults.trailPercent),
                          trailActivationPercent: try percent("trail-activation-percent", defaults.trailActivationPercent, zeroAllowed: true),
                          roi: roi, maxHoldMinutes: maxHold,
                          flattenAtClose: try bool(mapping["flatten-at-close"], default: defaults.flattenAtClose),
                          restingTakeProfit: try resting)
    }

    private static func strings(_ node: Node?) throws(RuleFileError) -> [String] {
        guard let node else { return [] }
        if let scalar = node.string, node.scalar != nil { return [scalar] }
        guard let sequence = node.sequence else { throw RuleFileError(line: node.mark?.line, message: "expected a list of keywords") }
        var result: [String] = []
        for item in sequence {
            guard let text = item.string, !text.trimmingSpaces().isEmpty else {
                throw RuleFileError(line: item.mark?.line, message: "keywords must be non-empty text")
            }
            result.append(text)
        }
        return result
    }

    private static func bool(_ node: Node?, default value: Bool) throws(RuleFileError) -> Bool {
        guard let node else { return value }
        guard let parsed = node.bool else { throw RuleFileError(line: node.mark?.line, message: "expected true or false") }
        return parsed
    }

    /// The default rules: common positive-disclosure headlines, used when no rules file is configured.
    public static let defaultYAML = """
    # Sokbo default rules: buy on common positive-disclosure headlines, never on their reversals.
    rules:
      - name: supply-contract
        any: [공급계약, 단일판매]
        veto: [취소, 철회, 정정, 해지, 해제, 불성실]
        budget: 1000000
        order: marketable-limit
        max-rise-percent: 15
      - name: bonus-issue
        any: [무상증자]
        veto: [취소, 철회, 정정, 연기]
        budget: 1000000
        order: marketable-limit
        max-rise-percent: 15
      - name: buyback
        any: [자기주식 취득, 자사주 취득, 자사주 매입]
        veto: [취소, 철회, 정정, 처분, 해지]
        budget: 1000000
        order: marketable-limit
        max-rise-percent: 10
    """
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
