import Foundation
import SokboCore

/// An LS access token and when it stops working.
public struct LSToken: Sendable, Equatable, CustomStringConvertible {
    /// The bare token (no `Bearer `); secret.
    public var value: String
    /// When it expires.
    public var expiresAt: Date

    /// Creates a token.
    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// Redacted.
    public var description: String { "LSToken(<redacted>, expiresAt: \(expiresAt))" }

    /// The expiry of a freshly issued token (spec §2.3): the JWT `exp` when readable, otherwise the next
    /// 07:00 KST; `expires_in` only ever shortens it, because 86400 in the example is not the real lifetime.
    static func expiry(token: String, expiresIn: Int?, now: Date) -> Date {
        var expiry = jwtExpiry(token) ?? KST.next(hour: 7, after: now)
        if let expiresIn, expiresIn > 0 { expiry = min(expiry, now.addingTimeInterval(TimeInterval(expiresIn))) }
        return expiry
    }

    /// The `exp` claim of a JWT, without verifying it (we are the audience, not the issuer).
    static func jwtExpiry(_ token: String) -> Date? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let exp = (object["exp"] as? NSNumber)?.doubleValue
        else { return nil }
        return Date(timeIntervalSince1970: exp)
    }
}
