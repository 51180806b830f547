import Foundation
import SokboCore

/// Generates a realistic DART day: on weekdays filings between 07:30 and 19:00 KST peaking 15:00–17:00 (dart.md
/// §3.4), so about one in twenty lands in the 18:00–19:00 evening tail; mostly unlisted (`corp_cls` E) funds and ABS,
/// a third exchange or FSS filings of listed companies with titles from spec §8, `rcept_no` = date + channel +
/// sequence, trailing spaces on some names, always the `ㆍ` middle dot.
///
/// Weekends: the exchanges are shut, so only FSS-filed (`00`) reports arrive, a few between 09:00 and 18:00. dart.md
/// has no weekend figure; its 2022-01-01..10 sample (3,139 final filings over six business days and two weekends)
/// leaves little for weekends, so the caller passes a small count.
struct DARTDayGenerator {
    let day: String
    let count: Int
    let seed: UInt64

    private static let listedTitles: [(name: String, type: String, detail: String, fss: Bool)] = [
        ("단일판매ㆍ공급계약체결", "I", "I001", false),
        ("단일판매ㆍ공급계약체결(자율공시)", "I", "I001", false),
        ("주요사항보고서(유상증자결정)", "B", "B001", true),
        ("주요사항보고서(자기주식취득결정)", "B", "B001", true),
        ("현금ㆍ현물배당결정", "I", "I001", false),
        ("영업(잠정)실적(공정공시)", "I", "I002", false),
        ("연결재무제표기준영업(잠정)실적(공정공시)", "I", "I002", false),
        ("최대주주등소유주식변동신고서", "I", "I004", false),
        ("임원ㆍ주요주주특정증권등소유상황보고서", "D", "D002", true),
        ("주식등의대량보유상황보고서(일반)", "D", "D001", true),
        ("타법인주식및출자증권취득결정", "I", "I001", false),
        ("투자판단관련주요경영사항 (특허취득)", "I", "I001", false),
        ("풍문또는보도에대한해명", "I", "I001", false),
        ("기업설명회(IR)개최(안내공시)", "I", "I001", false),
        ("[기재정정]단일판매ㆍ공급계약체결", "I", "I001", false),
    ]

    private static let unlistedTitles: [(name: String, type: String, detail: String, channel: String)] = [
        ("증권신고서(집합투자증권-신탁형)", "G", "G001", "00"),
        ("투자설명서(집합투자증권)", "G", "G001", "00"),
        ("일괄신고추가서류(파생결합증권-주가연계증권)", "C", "C003", "00"),
        ("자산유동화계획의등록", "H", "H001", "00"),
        ("자산양도등의등록신청서", "H", "H001", "00"),
        ("감사보고서 (2025.12)", "F", "F001", "00"),
        ("효력발생안내(한국투자증권 2026-0101 증권신고서(채무증권))", "C", "C002", "10"),
    ]

    func filings(listed: [DARTSimulatedCompany], unlisted: [(corpCode: String, name: String)]) -> [DARTSimulatedFiling] {
        guard count > 0, let midnight = KST.date(yyyymmdd: day, hhmmss: "000000") else { return [] }
        let weekday = Self.isWeekday(midnight)
        var rng = SimRandom(seed: seed ^ (UInt64(day) ?? 0))
        var drafts: [(seconds: Int, filing: DARTSimulatedFiling, channel: String)] = []
        let listedTitles = weekday ? Self.listedTitles : Self.listedTitles.filter(\.fss)
        let unlistedTitles = weekday ? Self.unlistedTitles : Self.unlistedTitles.filter { $0.channel == "00" }
        for _ in 0..<count {
            let seconds = weekday ? Self.timeOfDay(&rng) : Self.weekendTimeOfDay(&rng)
            let isListed = rng.next() % 3 == 0 && !listed.isEmpty
            var filing: DARTSimulatedFiling
            var channel: String
            if isListed {
                let company = listed[Int(rng.next() % UInt64(listed.count))]
                let title = listedTitles[Int(rng.next() % UInt64(listedTitles.count))]
                channel = title.fss ? "00" : (company.corpClass == "K" ? "90" : "80")
                let market = company.corpClass == "K" ? "코" : "유"
                var remark = title.fss ? "" : market
                if rng.next() % 12 == 0 { remark += "정" }
                filing = DARTSimulatedFiling(
                    corpCode: company.corpCode, corpName: company.name, stockCode: company.stockCode,
                    corpClass: company.corpClass, reportName: title.name, receiptNo: "", filer: company.name,
                    receiptDate: day, remark: remark, disclosureType: title.type, detailType: title.detail, visibleAt: midnight)
            } else {
                let corp = unlisted.isEmpty ? (corpCode: "00434003", name: "다코") : unlisted[Int(rng.next() % UInt64(unlisted.count))]
                let title = unlistedTitles[Int(rng.next() % UInt64(unlistedTitles.count))]
                channel = title.channel
                filing = DARTSimulatedFiling(
                    corpCode: corp.corpCode, corpName: corp.name, stockCode: "", corpClass: "E", reportName: title.name,
                    receiptNo: "", filer: channel == "10" ? "금융감독원" : corp.name, receiptDate: day, remark: "",
                    disclosureType: title.type, detailType: title.detail, visibleAt: midnight)
            }
            if rng.next() % 8 == 0 { filing.reportName += String(repeating: " ", count: Int(rng.next() % 14) + 1) }
            drafts.append((seconds, filing, channel))
        }
        drafts.sort { $0.seconds < $1.seconds }
        var sequences: [String: Int] = [:]
        return drafts.map { draft in
            var filing = draft.filing
            let sequence = (sequences[draft.channel] ?? 0) + 1
            sequences[draft.channel] = sequence
            filing.receiptNo = day + draft.channel + String(format: "%04d", sequence)
            filing.visibleAt = midnight.addingTimeInterval(TimeInterval(draft.seconds))
            return filing
        }
    }

    /// 07:30–19:00 KST, with half of the day's filings in the 15:00–17:00 peak.
    private static func timeOfDay(_ rng: inout SimRandom) -> Int {
        if rng.next() % 2 == 0 {
            return 15 * 3600 + Int(rng.next() % 7200)
        }
        return 7 * 3600 + 1800 + Int(rng.next() % UInt64(11 * 3600 + 1800))
    }

    /// 09:00–18:00 KST, evenly.
    private static func weekendTimeOfDay(_ rng: inout SimRandom) -> Int {
        9 * 3600 + Int(rng.next() % UInt64(9 * 3600))
    }

    /// Monday to Friday in KST (1970-01-01 was a Thursday).
    static func isWeekday(_ date: Date) -> Bool {
        let days = Int((date.timeIntervalSince1970 + 9 * 3600).rounded(.down)) / 86_400
        let weekday = ((days + 4) % 7 + 7) % 7
        return weekday >= 1 && weekday <= 5
    }
}
