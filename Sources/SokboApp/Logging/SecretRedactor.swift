import Configuration
import Foundation
import Logging
import Storage
import Synchronization

/// The secret values the logs must never show, and the scrub that removes them from any text.
///
/// Two nets: registered values (the API token, the venues' keys, the database password) are replaced
/// wherever they appear; and anything shaped like an access token — a run of 40 or more URL-safe
/// characters mixing letters and digits, which covers LS's JWTs and Kiwoom's opaque tokens — is replaced
/// too, because tokens are issued at run time by code that never hands them to the logger.
public final class SecretRedactor: Sendable {
    /// The process-wide instance the executable's log handler uses.
    public static let shared = SecretRedactor()
    /// What a scrubbed secret becomes.
    public static let placeholder = "<redacted>"
    /// Shorter values are not registered: scrubbing every "1234" would garble the logs and hide nothing.
    public static let minimumSecretLength = 8
    /// Token-shaped runs at least this long are scrubbed (a DART key is 40 characters).
    public static let tokenRunLength = 40

    /// The configuration keys that hold secrets (the API token, the venues' keys).
    public static let secretKeys = [
        "sokbo.api.token", "kiwoom.appkey", "kiwoom.secretkey", "ls.appkey", "ls.appsecretkey", "dart.api.key",
        "sokbo.alerts.telegram.token",
    ]

    /// Secret keys holding comma-separated lists: each item is registered on its own (webhook URLs carry
    /// their key in the path; chat ids name the trader's chats).
    public static let secretListKeys = ["sokbo.alerts.webhook.urls", "sokbo.alerts.telegram.chat.ids"]

    private let secrets = Mutex<[String]>([])

    /// Creates an empty redactor (tests use their own; the executable uses `shared`).
    public init() {}

    /// Registers one secret value; empty, short and already known values are ignored.
    public func register(_ secret: String?) {
        guard let secret, secret.count >= Self.minimumSecretLength else { return }
        secrets.withLock { list in
            guard !list.contains(secret) else { return }
            list.append(secret)
            // Longest first, so a secret that contains another is replaced whole.
            list.sort { $0.count > $1.count }
        }
    }

    /// Registers every secret the configuration holds: the keys in `secretKeys` and the database password.
    public func registerSecrets(in reader: ConfigReader) {
        for key in Self.secretKeys {
            register(reader.string(forKey: ConfigKey(key), isSecret: true))
        }
        for key in Self.secretListKeys {
            for item in (reader.string(forKey: ConfigKey(key), isSecret: true) ?? "").split(separator: ",") {
                let value = item.trimmingCharacters(in: .whitespaces)
                register(value)
                // `slack=https://…`: the URL alone as well.
                if let equals = value.firstIndex(of: "=") { register(String(value[value.index(after: equals)...])) }
            }
        }
        if let raw = reader.string(forKey: "sokbo.database.url", isSecret: true),
           case .mysql(let settings)? = try? DatabaseURL(parsing: raw) {
            register(settings.password)
        }
    }

    /// The registered values, for tests.
    public var registeredCount: Int { secrets.withLock { $0.count } }

    /// The text with every registered secret and every token-shaped run replaced by the placeholder.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets.withLock({ $0 }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return Self.scrubTokenShapes(result)
    }

    /// Redacts a metadata value, recursively; `stringConvertible` values are rendered first.
    public func redact(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .stringConvertible(let convertible): .string(redact(convertible.description))
        case .array(let values): .array(values.map { redact($0) })
        case .dictionary(let metadata): .dictionary(metadata.mapValues { redact($0) })
        @unknown default: .string(redact(value.description))
        }
    }

    /// Replaces runs of `[A-Za-z0-9._-]` at least `tokenRunLength` long that mix letters and digits.
    /// Dots count as part of a run so a JWT (`header.payload.signature`) goes as one piece.
    static func scrubTokenShapes(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= tokenRunLength else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            guard isTokenByte(bytes[index]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            var letters = false
            var digits = false
            while end < bytes.count, isTokenByte(bytes[end]) {
                let byte = bytes[end]
                if byte >= 0x30 && byte <= 0x39 { digits = true } else if byte != 0x2E && byte != 0x2D && byte != 0x5F { letters = true }
                end += 1
            }
            if end - index >= tokenRunLength, letters, digits {
                output.append(contentsOf: placeholder.utf8)
                changed = true
            } else {
                output.append(contentsOf: bytes[index..<end])
            }
            index = end
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }
}
