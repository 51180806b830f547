import Configuration

/// One configuration scope (`sokbo`, `sokbo.simulator`, `ls`, `kiwoom`, `dart`) that remembers its own
/// name, so an error names the key — and the environment variable — the user actually set.
///
/// Why not `ConfigReader.scoped(to:)` alone: a scoped reader keeps its prefix private, and a parser that
/// guessed the prefix reported `KIWOOM_QUERIES_PER_SECOND=abc` as `SOKBO_QUERIES_PER_SECOND`.
struct SettingsScope: Sendable {
    /// The scope's dotted name, e.g. `kiwoom`.
    let name: String
    private let reader: ConfigReader

    /// The scope `name` (dotted) of `reader`.
    init(_ reader: ConfigReader, _ name: String) {
        self.name = name
        self.reader = reader.scoped(to: ConfigKey(name))
    }

    /// The full dotted key of `key` in this scope (`kiwoom.queries.per.second`).
    func fullKey(_ key: String) -> String { name + "." + key }

    /// An error about `key` of this scope.
    func error(_ key: String, _ message: String) -> SettingsError {
        SettingsError(key: fullKey(key), message: message)
    }

    /// The raw string at `key`, if set (`isSecret` keeps it out of the reader's access logs).
    func string(forKey key: String, isSecret: Bool = false) -> String? {
        reader.string(forKey: ConfigKey(key), isSecret: isSecret)
    }

    /// The integer at `key`, if set as one.
    func int(forKey key: String) -> Int? {
        reader.int(forKey: ConfigKey(key))
    }

    /// Reads a key as a string and converts it; missing → default, unconvertible → `SettingsError`
    /// naming this scope's key.
    func parse<T>(_ key: String, default defaultValue: T, _ convert: (String) -> T?) throws(SettingsError) -> T {
        // Values are read as strings so that a malformed number is an error, not a silent default.
        guard let raw = string(forKey: key) ?? int(forKey: key).map(String.init) else { return defaultValue }
        guard let value = convert(raw.trimmingCharacters(in: .whitespaces)) else {
            throw error(key, "invalid value \"\(raw)\"")
        }
        return value
    }
}

extension ConfigReader {
    /// The scope `name` of this reader, for settings parsing.
    func settingsScope(_ name: String) -> SettingsScope { SettingsScope(self, name) }
}
