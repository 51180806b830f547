import SokboCore
import Yams

/// `--set rule.key=a,b,c`: one rules file per value, the named rule's key set to it, each validated by the
/// live rules parser (so any key the live file accepts can be swept, and a bad value names its line).
public struct RuleOverride: Sendable, Hashable {
    /// The rule's name.
    public var rule: String
    /// The key inside it (`budget`, `max-rise-percent`, …).
    public var key: String
    /// The values to try.
    public var values: [String]

    /// Parses `rule.key=a,b,c`.
    public init(parsing text: String) throws(RecordError) {
        guard let equals = text.firstIndex(of: "="), let dot = text[..<equals].firstIndex(of: ".") else {
            throw RecordError("--set expects rule.key=value[,value…], got \(text)")
        }
        rule = String(text[..<dot])
        key = String(text[text.index(after: dot)..<equals])
        values = text[text.index(after: equals)...].split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard !rule.isEmpty, !key.isEmpty, !values.isEmpty else { throw RecordError("--set expects rule.key=value[,value…], got \(text)") }
    }

    /// The rules file `yaml` with the rule's key set to `value`, parsed.
    public func apply(_ value: String, to yaml: String) throws -> RuleSet {
        guard let root = try Yams.compose(yaml: yaml), let top = root.mapping, let list = top["rules"]?.sequence else {
            throw RecordError("the rules file has no `rules:` list")
        }
        var found = false
        let rules = list.map { item -> Node in
            guard let mapping = item.mapping, mapping["name"]?.string == rule else { return item }
            found = true
            var pairs = mapping.map { ($0.key, $0.value) }
            if let index = pairs.firstIndex(where: { $0.0.string == key }) { pairs[index].1 = Node(value) } else { pairs.append((Node(key), Node(value))) }
            return .mapping(Node.Mapping(pairs))
        }
        guard found else { throw RecordError("--set: no rule named \(rule)") }
        let pairs = top.map { pair -> (Node, Node) in pair.key.string == "rules" ? (pair.key, .sequence(Node.Sequence(rules))) : (pair.key, pair.value) }
        let text = try Yams.serialize(node: .mapping(Node.Mapping(pairs)))
        do {
            return try RuleFile.parse(text)
        } catch {
            throw RecordError("--set \(rule).\(key)=\(value): \(error)")
        }
    }

    /// The variant's label, `rule.key=value`.
    public func label(_ value: String) -> String { "\(rule).\(key)=\(value)" }
}
