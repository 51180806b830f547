/// A DART status code (`status` in every envelope), with the codes the guide documents as cases.
public enum DARTStatusCode: Sendable, Hashable, Codable {
    /// `000` 정상.
    case ok
    /// `010` unregistered key.
    case unregisteredKey
    /// `011` key temporarily disabled.
    case disabledKey
    /// `012` IP not allowed for this key.
    case ipNotAllowed
    /// `013` no data.
    case noData
    /// `014` file does not exist (document not yet available).
    case fileMissing
    /// `020` request limit exceeded.
    case limitExceeded
    /// `021` too many companies in one call.
    case tooManyCompanies
    /// `100` improper field value (also a missing key, the 3-month rule).
    case invalidField
    /// `101` improper access.
    case improperAccess
    /// `800` maintenance.
    case maintenance
    /// `900` undefined error.
    case undefined
    /// `901` key unusable: personal-data retention expired.
    case keyExpired
    /// Anything else the venue sends.
    case unknown(String)

    /// Maps the wire code; never fails.
    public init(code: String) {
        switch code.trimmingSpaces() {
        case "000": self = .ok
        case "010": self = .unregisteredKey
        case "011": self = .disabledKey
        case "012": self = .ipNotAllowed
        case "013": self = .noData
        case "014": self = .fileMissing
        case "020": self = .limitExceeded
        case "021": self = .tooManyCompanies
        case "100": self = .invalidField
        case "101": self = .improperAccess
        case "800": self = .maintenance
        case "900": self = .undefined
        case "901": self = .keyExpired
        case let other: self = .unknown(other)
        }
    }

    /// The wire code.
    public var code: String {
        switch self {
        case .ok: "000"
        case .unregisteredKey: "010"
        case .disabledKey: "011"
        case .ipNotAllowed: "012"
        case .noData: "013"
        case .fileMissing: "014"
        case .limitExceeded: "020"
        case .tooManyCompanies: "021"
        case .invalidField: "100"
        case .improperAccess: "101"
        case .maintenance: "800"
        case .undefined: "900"
        case .keyExpired: "901"
        case .unknown(let code): code
        }
    }

    /// Whether the status means the key itself is unusable (010, 011, 012, 901).
    public var isKeyProblem: Bool {
        switch self {
        case .unregisteredKey, .disabledKey, .ipNotAllowed, .keyExpired: true
        default: false
        }
    }
}

/// What a DART call can fail with. Messages never contain the API key.
public enum DARTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 010/011/012/901: the key is missing, unknown, disabled or bound to other IPs. Fix `DART_API_KEY`.
    case keyProblem(status: DARTStatusCode, message: String)
    /// 020: the daily request limit is spent; nothing more until the reset (00:00 KST).
    case limitExceeded(message: String)
    /// 100/101/021: the request itself is wrong (a bug on our side or an undocumented rule).
    case invalidRequest(status: DARTStatusCode, message: String)
    /// 800: maintenance; back off for minutes.
    case maintenance(message: String)
    /// 014: the file is not there (yet).
    case fileMissing(message: String)
    /// 013 where data was required (an empty `list.json` is not an error).
    case noData
    /// 900 or a code we do not know.
    case venue(status: DARTStatusCode, message: String)
    /// An HTTP status other than 200 (403 blocks, 3xx to `/error1.html`, 5xx).
    case http(status: Int)
    /// The request never got an answer: refused, reset, timed out.
    case transport(String)
    /// The answer did not parse.
    case malformed(String)

    /// Maps a non-`000` status and its message to an error.
    public static func from(status: DARTStatusCode, message: String) -> DARTError {
        switch status {
        case .unregisteredKey, .disabledKey, .ipNotAllowed, .keyExpired: .keyProblem(status: status, message: message)
        case .limitExceeded: .limitExceeded(message: message)
        case .invalidField where message.contains("인증키"): .keyProblem(status: status, message: message)
        case .invalidField, .improperAccess, .tooManyCompanies: .invalidRequest(status: status, message: message)
        case .maintenance: .maintenance(message: message)
        case .fileMissing: .fileMissing(message: message)
        case .noData: .noData
        case .ok, .undefined, .unknown: .venue(status: status, message: message)
        }
    }

    /// Whether trying again later may succeed (transport, maintenance, 5xx, 014, 900).
    public var isRetryable: Bool {
        switch self {
        case .transport, .maintenance, .fileMissing, .venue: true
        case .http(let status): status >= 500 || status == 403
        case .keyProblem, .limitExceeded, .invalidRequest, .noData, .malformed: false
        }
    }

    /// Whether DART could not be reached at all (the case start-up tolerates by using the cache).
    public var isUnreachable: Bool {
        switch self {
        case .transport, .maintenance: true
        case .http(let status): status >= 500 || status == 403
        default: false
        }
    }

    /// A readable description.
    public var description: String {
        switch self {
        case .keyProblem(let status, let message):
            "DART rejected the API key (status \(status.code) \(message)); check DART_API_KEY"
        case .limitExceeded(let message): "DART daily request limit exceeded (020 \(message))"
        case .invalidRequest(let status, let message): "DART refused the request (\(status.code) \(message))"
        case .maintenance(let message): "DART is under maintenance (800 \(message))"
        case .fileMissing(let message): "DART has no such file yet (014 \(message))"
        case .noData: "DART returned no data (013)"
        case .venue(let status, let message): "DART error \(status.code) \(message)"
        case .http(let status): "DART answered HTTP \(status)"
        case .transport(let detail): "DART unreachable: \(detail)"
        case .malformed(let detail): "DART answer malformed: \(detail)"
        }
    }
}

/// Why the DART adapter refused to start: a message an operator can act on, naming `DART_API_KEY` for key problems.
public struct DARTStartupError: Error, Sendable, CustomStringConvertible {
    /// The configuration key to fix (`DART_API_KEY`, `DART_BASE_URL`).
    public let key: String
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `DART_API_KEY: …`.
    public var description: String { "\(key): \(message)" }
}
