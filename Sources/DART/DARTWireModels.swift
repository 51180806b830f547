import Foundation
import SokboCore

/// One `list.json` row as DART sends it (all strings; decoded by name, wire order is irrelevant).
public struct DARTListRow: Sendable, Hashable, Codable {
    /// `corp_code`, 8 digits.
    public var corpCode: String
    /// `corp_name`.
    public var corpName: String
    /// `stock_code`, 6 digits or empty for unlisted companies.
    public var stockCode: String
    /// `corp_cls`: `Y`, `K`, `N`, `E`.
    public var corpClass: String
    /// `report_nm`, raw (may carry trailing spaces and look-alike dots).
    public var reportName: String
    /// `rcept_no`, 14 digits.
    public var receiptNo: String
    /// `flr_nm`.
    public var filer: String
    /// `rcept_dt`, `YYYYMMDD`.
    public var receiptDate: String
    /// `rm` flags (`유`, `코`, `정`, …).
    public var remark: String

    enum CodingKeys: String, CodingKey {
        case corpCode = "corp_code", corpName = "corp_name", stockCode = "stock_code", corpClass = "corp_cls"
        case reportName = "report_nm", receiptNo = "rcept_no", filer = "flr_nm", receiptDate = "rcept_dt", remark = "rm"
    }

    /// Creates a row.
    public init(corpCode: String, corpName: String, stockCode: String, corpClass: String, reportName: String,
                receiptNo: String, filer: String, receiptDate: String, remark: String) {
        self.corpCode = corpCode
        self.corpName = corpName
        self.stockCode = stockCode
        self.corpClass = corpClass
        self.reportName = reportName
        self.receiptNo = receiptNo
        self.filer = filer
        self.receiptDate = receiptDate
        self.remark = remark
    }

    /// Decodes by name; missing optional-ish fields become empty rather than failing the whole page.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receiptNo = try c.decode(String.self, forKey: .receiptNo)
        corpCode = try c.decodeIfPresent(String.self, forKey: .corpCode) ?? ""
        corpName = try c.decodeIfPresent(String.self, forKey: .corpName) ?? ""
        stockCode = (try c.decodeIfPresent(String.self, forKey: .stockCode) ?? "").trimmingSpaces()
        corpClass = try c.decodeIfPresent(String.self, forKey: .corpClass) ?? ""
        reportName = try c.decodeIfPresent(String.self, forKey: .reportName) ?? ""
        filer = try c.decodeIfPresent(String.self, forKey: .filer) ?? ""
        receiptDate = try c.decodeIfPresent(String.self, forKey: .receiptDate) ?? String(receiptNo.prefix(8))
        remark = try c.decodeIfPresent(String.self, forKey: .remark) ?? ""
    }

    /// The channel, digits 9–10 of `rcept_no` (`00` FSS, `80` KOSPI, `90` KOSDAQ, `60` KONEX, `10` notices).
    public var channel: String {
        let digits = Array(receiptNo.utf8)
        guard digits.count == 14 else { return "" }
        return String(decoding: digits[8..<10], as: UTF8.self)
    }

    /// True when `rcept_no` is 14 digits and `rcept_dt` 8: the row's key and date can be trusted and stored.
    public var isWellFormed: Bool {
        func digits(_ text: String, _ count: Int) -> Bool {
            text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
        }
        return digits(receiptNo, 14) && digits(receiptDate, 8)
    }

    /// The row as a stored record: report name normalised, ticker only when `stock_code` is a valid code.
    public func record(seenAt: Date) -> DisclosureRecord {
        DisclosureRecord(
            id: receiptNo, corpCode: corpCode, corpName: corpName, ticker: Ticker(stockCode),
            reportName: DisclosureRecord.normalizedReportName(reportName), filer: filer, receivedDate: receiptDate,
            remark: remark, createdAt: seenAt)
    }
}

/// One `list.json` page. `013` decodes to an empty page.
public struct DARTListPage: Sendable, Hashable {
    /// `page_no`.
    public var pageNo: Int
    /// `page_count`.
    public var pageCount: Int
    /// `total_count`: rows over all pages.
    public var totalCount: Int
    /// `total_page`.
    public var totalPage: Int
    /// The rows.
    public var rows: [DARTListRow]

    /// Creates a page.
    public init(pageNo: Int, pageCount: Int, totalCount: Int, totalPage: Int, rows: [DARTListRow]) {
        self.pageNo = pageNo
        self.pageCount = pageCount
        self.totalCount = totalCount
        self.totalPage = totalPage
        self.rows = rows
    }

    /// An empty page (`013`).
    public static func empty(pageNo: Int) -> DARTListPage {
        DARTListPage(pageNo: pageNo, pageCount: 0, totalCount: 0, totalPage: 0, rows: [])
    }
}

/// The `status`/`message` envelope every JSON answer starts with.
struct DARTEnvelope: Decodable {
    let status: String
    let message: String?
}

/// The `list.json` body; paging numbers arrive as numbers but are accepted as numeric strings too.
struct DARTListBody: Decodable {
    let status: String
    let message: String?
    let pageNo: FlexibleInt?
    let pageCount: FlexibleInt?
    let totalCount: FlexibleInt?
    let totalPage: FlexibleInt?
    let list: [DARTListRow]?

    enum CodingKeys: String, CodingKey {
        case status, message, list
        case pageNo = "page_no", pageCount = "page_count", totalCount = "total_count", totalPage = "total_page"
    }
}

/// An integer DART may send as a number or as a numeric string.
struct FlexibleInt: Decodable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let int = try? c.decode(Int.self) {
            value = int
        } else if let string = try? c.decode(String.self), let int = Int(string.trimmingSpaces()) {
            value = int
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an integer")
        }
    }
}

/// `company.json` 기업개황; every field optional because the guide and the wire disagree on a few.
public struct DARTCompany: Sendable, Hashable, Codable {
    /// `corp_code` (sent although the guide omits it).
    public var corpCode: String?
    /// `corp_name` 정식명칭.
    public var corpName: String?
    /// `corp_name_eng`.
    public var corpNameEnglish: String?
    /// `stock_name` 종목명.
    public var stockName: String?
    /// `stock_code`, empty when unlisted.
    public var stockCode: String?
    /// `ceo_nm`.
    public var ceoName: String?
    /// `corp_cls`.
    public var corpClass: String?
    /// `induty_code` (KSIC).
    public var industryCode: String?
    /// `est_dt`.
    public var established: String?
    /// `acc_mt`.
    public var accountingMonth: String?
    /// `hm_url`.
    public var homepage: String?

    enum CodingKeys: String, CodingKey {
        case corpCode = "corp_code", corpName = "corp_name", corpNameEnglish = "corp_name_eng", stockName = "stock_name"
        case stockCode = "stock_code", ceoName = "ceo_nm", corpClass = "corp_cls", industryCode = "induty_code"
        case established = "est_dt", accountingMonth = "acc_mt", homepage = "hm_url"
    }
}
