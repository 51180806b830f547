/// `au10001` request body.
public struct AU10001Request: Encodable, Sendable {
    /// Always `client_credentials`.
    public var grant_type = "client_credentials"
    /// App key.
    public var appkey: String
    /// Secret key.
    public var secretkey: String
}

/// `au10001` reply: an absolute KST expiry, never a lifetime.
public struct AU10001Response: Decodable, Sendable, CustomStringConvertible {
    /// `YYYYMMDDHHMMSS` KST.
    public var expires_dt: String?
    /// `bearer` or `Bearer`.
    public var token_type: String?
    /// The access token (secret).
    public var token: String?

    /// Redacted.
    public var description: String { "AU10001Response(expires_dt: \(expires_dt ?? "-"), token: <redacted>)" }
}
