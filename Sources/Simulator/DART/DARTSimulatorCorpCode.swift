import Foundation
import ZIPFoundation

/// Builds the simulated `corpCode.xml` download: a real ZIP holding `CORPCODE.xml` (UTF-8, five elements per
/// `<list>`, a single-space `stock_code` for unlisted companies) with the listed universe plus generated
/// unlisted companies.
enum DARTSimulatorCorpCode {
    private static let prefixes = ["한국", "대한", "미래", "신한", "동양", "서울", "부산", "세종", "한빛", "누리", "가온", "온누리"]
    private static let middles = ["에셋", "인베스트", "캐피탈", "파트너스", "디벨롭먼트", "테크", "산업", "물류", "에너지", "바이오"]
    private static let suffixes = ["유한회사", "제일차유한회사", "투자조합", "사모투자합자회사", "주식회사", "제이차"]

    /// The unlisted companies: the real `다코` row, then generated ones with codes from `09000000` upwards.
    static func unlisted(count: Int) -> [(corpCode: String, name: String)] {
        guard count > 0 else { return [] }
        var out: [(corpCode: String, name: String)] = [(DARTCompanies.daco.corpCode, DARTCompanies.daco.name)]
        out.reserveCapacity(count)
        for i in 1..<count {
            let name = prefixes[i % prefixes.count] + middles[(i / prefixes.count) % middles.count]
                + suffixes[(i / (prefixes.count * middles.count)) % suffixes.count] + String(i)
            out.append((String(format: "%08d", 9_000_000 + i), name))
        }
        return out
    }

    /// CORPCODE.xml for the listed universe and `unlistedCount` unlisted companies.
    static func xml(listed: [DARTSimulatedCompany], unlistedCount: Int) -> Data {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result>\n"
        xml.reserveCapacity((listed.count + unlistedCount) * 190)
        for company in listed {
            xml += "    <list>\n        <corp_code>\(company.corpCode)</corp_code>\n        <corp_name>\(escape(company.name))</corp_name>\n"
                + "        <corp_eng_name>\(escape(company.englishName))</corp_eng_name>\n        <stock_code>\(company.stockCode)</stock_code>\n"
                + "        <modify_date>20260102</modify_date>\n    </list>\n"
        }
        for (i, corp) in unlisted(count: unlistedCount).enumerated() {
            let modify = i == 0 ? DARTCompanies.daco.modifyDate : String(format: "20%02d%02d%02d", 10 + i % 16, 1 + i % 12, 1 + i % 28)
            xml += "    <list>\n        <corp_code>\(corp.corpCode)</corp_code>\n        <corp_name>\(escape(corp.name))</corp_name>\n"
                + "        <corp_eng_name>COMPANY \(i)</corp_eng_name>\n        <stock_code> </stock_code>\n"
                + "        <modify_date>\(modify)</modify_date>\n    </list>\n"
        }
        xml += "</result>\n"
        return Data(xml.utf8)
    }

    /// The ZIP DART serves.
    static func zip(listed: [DARTSimulatedCompany], unlistedCount: Int) throws -> Data {
        let xml = xml(listed: listed, unlistedCount: unlistedCount)
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: "CORPCODE.xml", type: .file, uncompressedSize: Int64(xml.count), compressionMethod: .deflate) { position, size in
            xml.subdata(in: Int(position)..<Int(position) + size)
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return s }
        return s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
