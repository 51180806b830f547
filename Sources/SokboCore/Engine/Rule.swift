import Foundation

/// One trading rule: which headlines it buys on, and how much.
public struct Rule: Sendable, Codable, Hashable {
    /// How a rule's buy order is priced.
    public enum OrderType: String, Sendable, Codable, Hashable {
        /// A limit at the best ask rounded up to the tick grid: fills now, never above the ask seen.
        case marketableLimit = "marketable-limit"
        /// A market order.
        case market
    }

    /// Unique name (letters, digits, `-`, `_`).
    public var name: String
    /// Off rules are kept but never match.
    public var enabled: Bool
    /// At least one of these must appear (empty: no requirement).
    public var anyKeywords: [String]
    /// All of these must appear.
    public var allKeywords: [String]
    /// Any of these vetoes the headline (취소, 철회, 정정, 해지…).
    public var vetoKeywords: [String]
    /// When set, a DART disclosure from the same company today whose report name contains this is required.
    public var disclosurePattern: String?
    /// KRW per order.
    public var budget: Int
    /// How the order is priced.
    public var orderType: OrderType
    /// Skip when the stock has already risen more than this percentage today (nil: no ceiling).
    public var maxRisePercent: Double?
    /// Seconds an entry may stay open; then its unfilled rest is cancelled (`entry-timeout`).
    public var entryTimeoutSeconds: Int
    /// How the rule's positions are left (`take-profit-percent`, `stop-loss-percent`, `trail-percent`,
    /// `trail-activation-percent`, `roi`, `max-hold-minutes`, `flatten-at-close`).
    public var exits: ExitPolicy

    /// The default entry timeout: 60 s. A news entry that has not filled within a minute has missed most
    /// of the reaction it was meant to catch.
    public static let defaultEntryTimeoutSeconds = 60

    /// Creates a rule.
    public init(name: String, enabled: Bool = true, anyKeywords: [String], allKeywords: [String] = [],
                vetoKeywords: [String] = [], disclosurePattern: String? = nil, budget: Int,
                orderType: OrderType = .marketableLimit, maxRisePercent: Double? = nil,
                entryTimeoutSeconds: Int = Rule.defaultEntryTimeoutSeconds, exits: ExitPolicy = ExitPolicy()) {
        self.name = name
        self.enabled = enabled
        self.anyKeywords = anyKeywords
        self.allKeywords = allKeywords
        self.vetoKeywords = vetoKeywords
        self.disclosurePattern = disclosurePattern
        self.budget = budget
        self.orderType = orderType
        self.maxRisePercent = maxRisePercent
        self.entryTimeoutSeconds = entryTimeoutSeconds
        self.exits = exits
    }
}

/// The outcome of matching one headline against the rules.
public enum RuleMatch: Sendable, Hashable {
    /// A rule wants to buy.
    case matched(Rule)
    /// A rule's keywords matched but a veto word stopped it.
    case vetoed(rule: String, word: String)
    /// Nothing matched.
    case noMatch

    /// Words a trader can read, stored with the signal.
    public var reason: String {
        switch self {
        case .matched(let rule): "matched rule \(rule.name)"
        case .vetoed(let rule, let word): "rule \(rule) vetoed by \"\(word)\""
        case .noMatch: "no rule matched"
        }
    }
}

/// A validated, ordered set of rules; the first enabled rule that matches wins.
public struct RuleSet: Sendable, Hashable {
    /// The rules in file order.
    public let rules: [Rule]
    private let prepared: [PreparedRule]

    /// Validates and prepares rules (names unique, budgets positive, keywords present).
    public init(_ rules: [Rule]) throws(RuleFileError) {
        var names: Set<String> = []
        for rule in rules {
            guard names.insert(rule.name).inserted else { throw RuleFileError(line: nil, message: "duplicate rule name \(rule.name)") }
        }
        self.rules = rules
        self.prepared = rules.map(PreparedRule.init)
    }

    /// Matches a headline: a veto beats a match of the same rule; the first matching rule wins.
    public func match(_ headline: String) -> RuleMatch {
        let text = HeadlineNormalizer.normalize(headline)
        var firstVeto: RuleMatch?
        for rule in prepared where rule.rule.enabled {
            guard rule.keywordsMatch(text) else { continue }
            if let veto = rule.veto(text) {
                if firstVeto == nil { firstVeto = .vetoed(rule: rule.rule.name, word: veto) }
                continue
            }
            return .matched(rule.rule)
        }
        return firstVeto ?? .noMatch
    }

    /// Rules with normalised keywords, computed once per rule set rather than per headline.
    private struct PreparedRule: Sendable, Hashable {
        let rule: Rule
        let any: [String]
        let all: [String]
        let veto: [(normalized: String, original: String)]

        init(_ rule: Rule) {
            self.rule = rule
            any = rule.anyKeywords.map(HeadlineNormalizer.normalize).filter { !$0.isEmpty }
            all = rule.allKeywords.map(HeadlineNormalizer.normalize).filter { !$0.isEmpty }
            veto = rule.vetoKeywords.map { (HeadlineNormalizer.normalize($0), $0) }.filter { !$0.0.isEmpty }
        }

        func keywordsMatch(_ text: String) -> Bool {
            (any.isEmpty || any.contains { text.contains($0) }) && all.allSatisfy { text.contains($0) }
                && !(any.isEmpty && all.isEmpty)
        }

        func veto(_ text: String) -> String? { veto.first { text.contains($0.normalized) }?.original }

        static func == (a: PreparedRule, b: PreparedRule) -> Bool { a.rule == b.rule }
        func hash(into hasher: inout Hasher) { hasher.combine(rule) }
    }
}

/// A rules file that cannot be used: the line (1-based, when known) and the reason.
public struct RuleFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line of the offending node.
    public let line: Int?
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }
    /// `line 7: budget must be a positive integer (KRW)`.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
