import Foundation
import SokboCore

/// One filing the simulated DART lists, in wire terms.
public struct DARTSimulatedFiling: Sendable, Hashable {
    /// `corp_code`.
    public var corpCode: String
    /// `corp_name`.
    public var corpName: String
    /// `stock_code`, `""` for unlisted.
    public var stockCode: String
    /// `corp_cls`.
    public var corpClass: String
    /// `report_nm` exactly as served (may carry trailing spaces).
    public var reportName: String
    /// `rcept_no`.
    public var receiptNo: String
    /// `flr_nm`.
    public var filer: String
    /// `rcept_dt`.
    public var receiptDate: String
    /// `rm`.
    public var remark: String
    /// `pblntf_ty` (`A`–`J`), for filtering.
    public var disclosureType: String
    /// `pblntf_detail_ty`, for filtering.
    public var detailType: String
    /// When it becomes visible in `list.json`.
    public var visibleAt: Date

    /// Creates a filing.
    public init(corpCode: String, corpName: String, stockCode: String, corpClass: String, reportName: String,
                receiptNo: String, filer: String, receiptDate: String, remark: String, disclosureType: String,
                detailType: String, visibleAt: Date) {
        self.corpCode = corpCode
        self.corpName = corpName
        self.stockCode = stockCode
        self.corpClass = corpClass
        self.reportName = reportName
        self.receiptNo = receiptNo
        self.filer = filer
        self.receiptDate = receiptDate
        self.remark = remark
        self.disclosureType = disclosureType
        self.detailType = detailType
        self.visibleAt = visibleAt
    }

    /// The row in wire order, compact, every field a string.
    var json: String {
        "{\"corp_code\":\(Self.quote(corpCode)),\"corp_name\":\(Self.quote(corpName)),\"stock_code\":\(Self.quote(stockCode)),"
            + "\"corp_cls\":\(Self.quote(corpClass)),\"report_nm\":\(Self.quote(reportName)),\"rcept_no\":\(Self.quote(receiptNo)),"
            + "\"flr_nm\":\(Self.quote(filer)),\"rcept_dt\":\(Self.quote(receiptDate)),\"rm\":\(Self.quote(remark))}"
    }

    /// A JSON string literal (UTF-8 kept as is, like DART).
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
