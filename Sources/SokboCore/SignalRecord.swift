import Foundation

/// A rule evaluation of one news item, always stored with its reason.
public struct SignalRecord: Sendable, Codable, Hashable, Storable {
    /// What the evaluation decided.
    public enum Decision: String, Sendable, Codable {
        /// Buy the ticker.
        case buy
        /// A rule matched but something (risk, sizing, veto) stopped it.
        case skip
        /// No rule matched.
        case none
    }
    /// Unique key: `<news id>:<rule>` (or `<news id>:-` when no rule matched).
    public var id: String
    /// The news item evaluated.
    public var newsID: String
    /// The rule that matched, if any.
    public var rule: String?
    /// The ticker concerned, if resolved.
    public var ticker: Ticker?
    /// The decision.
    public var decision: Decision
    /// Why, in words a trader can read.
    public var reason: String
    /// When it was decided.
    public var createdAt: Date
    /// The ticker's company name (the DART corp-code map), when known. Not stored: added where the signal is
    /// published and where it is listed, from the same map.
    public var companyName: String?

    /// Creates a signal; the id is derived so the same news and rule never make two rows.
    public init(newsID: String, rule: String?, ticker: Ticker?, decision: Decision, reason: String, createdAt: Date,
                companyName: String? = nil) {
        self.id = Self.id(newsID: newsID, rule: rule)
        self.newsID = newsID
        self.rule = rule
        self.ticker = ticker
        self.decision = decision
        self.reason = reason
        self.createdAt = createdAt
        self.companyName = companyName
    }

    /// `<news id>:<rule>`; when that is longer than a key column holds (64 characters), the rule is replaced by
    /// a stable hash of it (`h` and 16 hex digits), so long rule names sharing a prefix never collide.
    static func id(newsID: String, rule: String?) -> String {
        let plain = "\(newsID):\(rule ?? "-")"
        guard plain.count > 64, let rule else { return plain }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in rule.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "\(newsID):h" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Signals live in `signals`.
    public static var table: Table { .signals }

    /// The row.
    public var row: Row {
        Row([.text(id), .text(newsID), rule.map { .text($0) } ?? .null, ticker.map { .text($0.code) } ?? .null,
             .text(decision.rawValue), .text(reason), .integer(createdAt.epochMilliseconds)])
    }

    /// Rebuilds a signal from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 7, let id = v[0].text, let newsID = v[1].text, let decision = v[4].text.flatMap(Decision.init),
              let reason = v[5].text, let created = v[6].integer else { return nil }
        self.id = id
        self.newsID = newsID
        self.rule = v[2].text
        self.ticker = v[3].text.flatMap { Ticker($0) }
        self.decision = decision
        self.reason = reason
        self.createdAt = Date(epochMilliseconds: created)
    }
}

/// One thing that happened to an order (sent, accepted, filled, unknown, settled…).
public struct OrderEventRecord: Sendable, Codable, Hashable, Storable {
    /// Unique key: `<order id>:<sequence>`.
    public var id: String
    /// The order concerned.
    public var orderID: String
    /// What happened (`submitted`, `accepted`, `filled`, `unknown`, …).
    public var kind: String
    /// Details (broker reply, reason), free text or JSON.
    public var detail: String
    /// When.
    public var createdAt: Date

    /// Creates an event; `sequence` makes the key unique per order.
    public init(orderID: String, sequence: Int, kind: String, detail: String, createdAt: Date) {
        self.id = "\(orderID):\(sequence)"
        self.orderID = orderID
        self.kind = kind
        self.detail = detail
        self.createdAt = createdAt
    }

    /// Order events live in `order_events`.
    public static var table: Table { .orderEvents }

    /// The row.
    public var row: Row {
        Row([.text(id), .text(orderID), .text(kind), .text(detail), .integer(createdAt.epochMilliseconds)])
    }

    /// Rebuilds an event from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 5, let id = v[0].text, let orderID = v[1].text, let kind = v[2].text, let detail = v[3].text,
              let created = v[4].integer else { return nil }
        self.id = id
        self.orderID = orderID
        self.kind = kind
        self.detail = detail
        self.createdAt = Date(epochMilliseconds: created)
    }
}

/// A DART disclosure as stored.
public struct DisclosureRecord: Sendable, Codable, Hashable, Storable {
    /// `rcept_no`, 14 digits; the unique key.
    public var id: String
    /// DART's 8-digit corp code.
    public var corpCode: String
    /// Company name.
    public var corpName: String
    /// The listed stock, when the company is listed.
    public var ticker: Ticker?
    /// The normalised report name.
    public var reportName: String
    /// Who filed it.
    public var filer: String
    /// `rcept_dt`, `YYYYMMDD`.
    public var receivedDate: String
    /// The `rm` flags.
    public var remark: String
    /// When Sokbo first saw it.
    public var createdAt: Date

    /// Creates a disclosure record.
    public init(id: String, corpCode: String, corpName: String, ticker: Ticker?, reportName: String, filer: String,
                receivedDate: String, remark: String, createdAt: Date) {
        self.id = id
        self.corpCode = corpCode
        self.corpName = corpName
        self.ticker = ticker
        self.reportName = reportName
        self.filer = filer
        self.receivedDate = receivedDate
        self.remark = remark
        self.createdAt = createdAt
    }

    /// Disclosures live in `disclosures`.
    public static var table: Table { .disclosures }

    /// The row.
    public var row: Row {
        Row([.text(id), .text(corpCode), .text(corpName), ticker.map { .text($0.code) } ?? .null, .text(reportName),
             .text(filer), .text(receivedDate), .text(remark), .integer(createdAt.epochMilliseconds)])
    }

    /// Rebuilds a disclosure from its row.
    public init?(row: Row) {
        let v = row.values
        guard v.count == 9, let id = v[0].text, let corp = v[1].text, let name = v[2].text, let report = v[4].text,
              let filer = v[5].text, let date = v[6].text, let remark = v[7].text, let created = v[8].integer
        else { return nil }
        self.init(id: id, corpCode: corp, corpName: name, ticker: v[3].text.flatMap { Ticker($0) }, reportName: report,
                  filer: filer, receivedDate: date, remark: remark, createdAt: Date(epochMilliseconds: created))
    }
}
