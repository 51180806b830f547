import Foundation
import SokboCore

/// What `POST /api/replays` takes: the sample day or a range of recorded days, and the what-ifs the
/// command line offers (`--rules`, `--latency-ms`, `--slippage-ticks`, `--flatten-at`, `--set`).
public struct ReplayRequest: Sendable, Codable, Hashable {
    /// `true`: the shipped sample day instead of the database's days.
    public var sample: Bool?
    /// First KST day (`YYYY-MM-DD` or `YYYYMMDD`).
    public var from: String?
    /// Last KST day, inclusive (default: `from`).
    public var to: String?
    /// A rules file (YAML text) instead of the rules in force.
    public var rules: String?
    /// Order latency in milliseconds (default 300).
    public var latencyMs: Int?
    /// Ticks of slippage against every fill (default 1).
    public var slippageTicks: Int?
    /// KST time still-open positions are sold at, `HH:MM` (default 15:20).
    public var flattenAt: String?
    /// A what-if sweep, `rule.key=a,b,c`: one replay per value, side by side.
    public var set: String?

    /// Creates a request.
    public init(sample: Bool? = nil, from: String? = nil, to: String? = nil, rules: String? = nil, latencyMs: Int? = nil,
                slippageTicks: Int? = nil, flattenAt: String? = nil, set: String? = nil) {
        self.sample = sample
        self.from = from
        self.to = to
        self.rules = rules
        self.latencyMs = latencyMs
        self.slippageTicks = slippageTicks
        self.flattenAt = flattenAt
        self.set = set
    }

    /// The keys a body may have: an unknown one (a typo such as `latency`) is refused, never ignored.
    static let keys: Set<String> = ["sample", "from", "to", "rules", "latencyMs", "slippageTicks", "flattenAt", "set"]
    /// Most days one replay may cover (a year), and most variants one sweep may run.
    public static let maxDays = 366
    /// Most values of a sweep.
    public static let maxVariants = 10

    /// Decodes a JSON body, refusing unknown keys and wrong types with a message naming the key.
    public static func decode(_ data: Data) throws(ReplayRequestError) -> ReplayRequest {
        guard !data.isEmpty else { throw ReplayRequestError("the body must be a JSON object, e.g. {\"sample\":true}") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReplayRequestError("the body must be a JSON object, e.g. {\"sample\":true} or {\"from\":\"2026-11-02\",\"to\":\"2026-11-27\"}")
        }
        if let unknown = object.keys.filter({ !keys.contains($0) }).sorted().first {
            throw ReplayRequestError("unknown key \(unknown) (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
        do {
            return try JSONDecoder().decode(ReplayRequest.self, from: data)
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            let kind = type == Bool.self ? "true or false" : type == Int.self ? "an integer" : "a string"
            throw ReplayRequestError("\(key) must be \(kind)")
        } catch let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ReplayRequestError(key.isEmpty ? "the body is not valid JSON" : "\(key) has a value of the wrong kind")
        } catch {
            throw ReplayRequestError("the body is not a valid replay request")
        }
    }

    /// The request checked and resolved: which days, which rules (one set per sweep value), which fill model.
    /// `currentRules`/`currentYAML` are the rules in force, used when the request gives none.
    public func plan(currentRules: RuleSet, currentYAML: String) throws(ReplayRequestError) -> ReplayPlan {
        let source: ReplayPlan.Source
        switch (sample ?? false, from) {
        case (true, nil):
            guard to == nil else { throw ReplayRequestError("give either sample or from/to, not both") }
            source = .sample
        case (true, _): throw ReplayRequestError("give either sample or from/to, not both")
        case (false, nil): throw ReplayRequestError("give from (and to) as KST days YYYY-MM-DD, or sample: true")
        case (false, let from?):
            let first = try Self.day(from, key: "from")
            let last = try Self.day(to ?? from, key: "to")
            guard first <= last else { throw ReplayRequestError("to (\(to ?? "")) is before from (\(from))") }
            let span = Int((KST.date(yyyymmdd: last, hhmmss: "000000")!.timeIntervalSince(KST.date(yyyymmdd: first, hhmmss: "000000")!) / 86_400)
                .rounded()) + 1
            guard span <= Self.maxDays else { throw ReplayRequestError("at most \(Self.maxDays) days per replay, got \(span)") }
            source = .days(from: first, to: last)
        }
        let latency = latencyMs ?? 300
        guard (0...60_000).contains(latency) else { throw ReplayRequestError("latencyMs must be 0 to 60000") }
        let slippage = slippageTicks ?? 1
        guard (0...100).contains(slippage) else { throw ReplayRequestError("slippageTicks must be 0 to 100") }
        let flatten = flattenAt ?? "15:20"
        guard let flattenSeconds = Self.seconds(flatten) else { throw ReplayRequestError("flattenAt must be HH:MM (KST), got \(flatten)") }
        let yaml = rules ?? currentYAML
        var variants: [ReplayPlan.Variant]
        if let rules {
            do { variants = [.init(label: nil, rules: try RuleFile.parse(rules))] } catch {
                throw ReplayRequestError("rules: \(error)")
            }
        } else {
            variants = [.init(label: nil, rules: currentRules)]
        }
        if let set {
            let override: RuleOverride
            do throws(RecordError) { override = try RuleOverride(parsing: set) } catch { throw ReplayRequestError(error.message.replacingOccurrences(of: "--set", with: "set")) }
            guard override.values.count <= Self.maxVariants else { throw ReplayRequestError("set: at most \(Self.maxVariants) values") }
            variants = []
            for value in override.values {
                do { variants.append(.init(label: override.label(value), rules: try override.apply(value, to: yaml))) } catch {
                    throw ReplayRequestError("\(error)".replacingOccurrences(of: "--set", with: "set"))
                }
            }
        }
        return ReplayPlan(source: source, variants: variants, model: FillModel(latencyMilliseconds: latency, slippageTicks: slippage),
                          flattenAt: flattenSeconds)
    }

    /// `2026-11-02` or `20261102` → `20261102`.
    static func day(_ text: String, key: String) throws(ReplayRequestError) -> String {
        let digits = text.replacingOccurrences(of: "-", with: "")
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }), KST.date(yyyymmdd: digits, hhmmss: "000000") != nil else {
            throw ReplayRequestError("\(key) must be a KST day, YYYY-MM-DD, got \(text)")
        }
        return digits
    }

    /// `HH:MM` → seconds after midnight.
    static func seconds(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 3600 + m * 60
    }
}

/// Why a replay request was refused (the API answers 400 with it).
public struct ReplayRequestError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the key.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
