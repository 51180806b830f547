import Foundation
import ZIPFoundation

/// Reads the corpCode.xml download: a ZIP holding one `CORPCODE.xml`, streamed through the scanner.
public enum CorpCodeArchive {
    /// Whether bytes are a ZIP (DART sends errors as HTTP 200 XML, so the first bytes decide, never the headers).
    public static func isZIP(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(2) == Data("PK".utf8)
    }

    /// Unzips and scans; the XML member is chosen by name (`CORPCODE*.xml`), never by position.
    public static func entries(fromZIP data: Data) throws(DARTError) -> [CorpCodeEntry] {
        guard isZIP(data) else { throw DARTError.malformed("corpCode.xml body is not a ZIP") }
        do {
            let archive = try Archive(data: data, accessMode: .read)
            let members = archive.filter { $0.type == .file }
            let member = members.first { entry in
                let name = (entry.path as NSString).lastPathComponent.uppercased()
                return name.hasPrefix("CORPCODE") && name.hasSuffix(".XML")
            } ?? members.first { $0.path.uppercased().hasSuffix(".XML") }
            guard let member else { throw DARTError.malformed("the ZIP holds no CORPCODE.xml") }
            var scanner = CorpCodeScanner(expectedEntries: Int(member.uncompressedSize / 180))
            _ = try archive.extract(member, bufferSize: 1 << 16) { chunk in scanner.feed(chunk) }
            try scanner.finish()
            return scanner.entries
        } catch let error as DARTError {
            throw error
        } catch {
            throw DARTError.malformed("corpCode ZIP unreadable: \(error)")
        }
    }

    /// Unzips, scans and indexes.
    public static func map(fromZIP data: Data) throws(DARTError) -> CorpCodeMap {
        CorpCodeMap(entries: try entries(fromZIP: data))
    }

    /// Zips a CORPCODE.xml document the way DART does (one deflated member); used by the simulator and tests.
    public static func makeZIP(xml: Data, memberName: String = "CORPCODE.xml") throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: memberName, type: .file, uncompressedSize: Int64(xml.count),
                             compressionMethod: .deflate) { position, size in
            xml.subdata(in: Int(position)..<Int(position) + size)
        }
        guard let data = archive.data else { throw DARTError.malformed("in-memory archive has no data") }
        return data
    }
}
