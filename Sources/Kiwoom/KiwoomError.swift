import SokboCore

/// A failed Kiwoom call, classified by the bracketed code inside `return_msg` (all four forms of §3.3),
/// falling back to the `return_code` class, the HTTP status or the transport failure.
public struct KiwoomError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Category: String, Sendable {
        /// Refused by our own input checks; nothing was sent.
        case invalidRequest
        /// The venue refused the input (1501, 1504, 1505, 1511–1517, 1687, 8020; class 2).
        case input
        /// Unknown stock (1901, 1902).
        case symbolNotFound
        /// Too many requests (HTTP 429, 1700, class 5).
        case rateLimited
        /// Not sent: our own pacing could not give the request a slot before the caller's bound
        /// (`retryAfter` says when one may be free). Nothing was consumed and nothing left.
        case paced
        /// Batch too large (1634): same text as a rate limit, but retrying never helps.
        case batchTooLarge
        /// App key or secret refused (8001, 8002, 8011, 8012).
        case credentials
        /// Token invalid, expired or superseded (8003, 8005, 8006, 8009, 8015, 8016; class 3).
        case token
        /// Real/mock keys or token mixed up (8030, 8031): a configuration error.
        case modeMismatch
        /// Device or terminal authentication (8010, 8040, 8050, 8103).
        case device
        /// Service error (class 7, 1999).
        case service
        /// Order or business rejection (class 20, `[2000](…)`).
        case rejected
        /// Market closed (RC4057, RC4058).
        case marketClosed
        /// Not offered on this host (RC9000, RC7006).
        case unsupported
        /// An unexpected HTTP status (5xx and others).
        case http
        /// Timeout, refused connection, disconnect.
        case transport
        /// The reply could not be read.
        case decoding
    }

    /// The category.
    public var category: Category
    /// The TR.
    public var apiID: String
    /// The `return_code` class, when the venue sent one.
    public var returnCode: Int?
    /// The specific code from `return_msg` (`8005`, `1700`, `RC4058`, `800033`), when present.
    public var code: String?
    /// The venue's message or our description; never contains a secret.
    public var message: String
    /// The HTTP status, when a reply arrived.
    public var httpStatus: Int?
    /// For `.paced`: how long until a slot may be free.
    public var retryAfter: Duration?

    /// Creates an error.
    public init(_ category: Category, apiID: String, returnCode: Int? = nil, code: String? = nil, message: String, httpStatus: Int? = nil) {
        self.category = category
        self.apiID = apiID
        self.returnCode = returnCode
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// A request refused by our own pacing before it was sent.
    public static func paced(apiID: String, retryAfter: Duration) -> KiwoomError {
        var error = KiwoomError(.paced, apiID: apiID, code: "paced",
                                message: "not sent: no request slot within the caller's bound; retry after \(retryAfter)")
        error.retryAfter = retryAfter
        return error
    }

    /// True when the same query may succeed later (after back-off or a token re-issue).
    public var isRetryable: Bool {
        switch category {
        case .rateLimited, .transport, .token: true
        case .http: (httpStatus ?? 0) >= 500 || httpStatus == 429
        default: false
        }
    }

    /// True when the cached token must be dropped and re-issued once (8005, 8103, 8031, class 3 without a code).
    public var requiresNewToken: Bool {
        switch code {
        case "8005", "8031", "8103": true
        case nil: category == .token
        default: false
        }
    }

    /// `kt10000 rejected[RC4058] (return_code 20): …`.
    public var description: String {
        var s = "\(apiID) \(category.rawValue)"
        if let code { s += "[\(code)]" }
        if let returnCode { s += " (return_code \(returnCode))" }
        if let httpStatus { s += " (HTTP \(httpStatus))" }
        return s + ": " + message
    }

    // MARK: - Classification

    /// Classifies a non-zero `return_code` reply.
    public static func classify(apiID: String, returnCode: Int, message: String, httpStatus: Int? = nil) -> KiwoomError {
        // Some fixtures put the specific code in return_code itself (§10): accept those too.
        let code = extractCode(from: message) ?? ([8005, 8031, 8103, 1700].contains(returnCode) ? String(returnCode) : nil)
        var category = code.flatMap(category(forCode:)) ?? category(forClass: returnCode)
        if httpStatus == 429 { category = .rateLimited }
        return KiwoomError(category, apiID: apiID, returnCode: returnCode, code: code, message: message, httpStatus: httpStatus)
    }

    /// The specific code in a `return_msg`: `…[8005:…]`, `…[1634]`, `[2000](RC4058:…)`, `[CODE=8005, MESSAGE=…]`.
    public static func extractCode(from message: String) -> String? {
        if let range = message.range(of: "[CODE=") {
            let rest = message[range.upperBound...]
            let code = rest.prefix { $0 != "," && $0 != "]" }.trimmingSpaces()
            return code.isEmpty ? nil : code
        }
        if let range = message.range(of: "[2000](") {
            let rest = message[range.upperBound...]
            let code = rest.prefix { $0 != ":" && $0 != ")" }.trimmingSpaces()
            return code.isEmpty ? "2000" : code
        }
        var search = message[...]
        while let open = search.firstIndex(of: "[") {
            let rest = search[search.index(after: open)...]
            let code = rest.prefix { $0 != ":" && $0 != "]" }
            if !code.isEmpty, code.count <= 8, code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
                return String(code)
            }
            search = rest
        }
        return nil
    }

    static func category(forCode code: String) -> Category? {
        switch code {
        case "1501", "1504", "1505", "1511", "1512", "1513", "1514", "1515", "1516", "1517", "1687", "8020": .input
        case "1700": .rateLimited
        case "1634": .batchTooLarge
        case "1901", "1902": .symbolNotFound
        case "8001", "8002", "8011", "8012": .credentials
        case "8003", "8005", "8006", "8009", "8015", "8016": .token
        case "8030", "8031": .modeMismatch
        case "8010", "8040", "8050", "8103": .device
        case "1999": .service
        case "RC4057", "RC4058": .marketClosed
        case "RC9000", "RC7006": .unsupported
        default: code.hasPrefix("RC") || code.count == 6 || code == "2000" ? .rejected : nil
        }
    }

    static func category(forClass returnCode: Int) -> Category {
        switch returnCode {
        case 2: .input
        case 3: .token
        case 5: .rateLimited
        case 7: .service
        case 20: .rejected
        default: .service
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}
