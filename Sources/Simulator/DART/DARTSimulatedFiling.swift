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
        "{\"corp_code\":\(JSONString.quoted(corpCode)),\"corp_name\":\(JSONString.quoted(corpName)),\"stock_code\":\(JSONString.quoted(stockCode)),"
            + "\"corp_cls\":\(JSONString.quoted(corpClass)),\"report_nm\":\(JSONString.quoted(reportName)),\"rcept_no\":\(JSONString.quoted(receiptNo)),"
            + "\"flr_nm\":\(JSONString.quoted(filer)),\"rcept_dt\":\(JSONString.quoted(receiptDate)),\"rm\":\(JSONString.quoted(remark))}"
    }
}
