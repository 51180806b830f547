import Foundation
import Hummingbird

/// The dashboard's files (`Resources/dashboard/`), read once from the package resources and kept in
/// memory with their content type and entity tag.
///
/// Why in memory and by name: the set is small (tens of kB) and fixed for the life of the process, so a
/// request never touches the disk, and only a file that exists in the bundle can be named: no path from
/// a request ever reaches the file system.
public struct DashboardAssets: Sendable {
    /// One served file.
    public struct Asset: Sendable {
        /// The bytes.
        public let body: ByteBuffer
        /// `Content-Type`.
        public let contentType: String
        /// A strong entity tag: a hash of the bytes, quoted.
        public let etag: String
    }

    /// Files by name (`app.js`, `index.html`, …).
    public let files: [String: Asset]

    /// The bundled assets.
    public static let bundled = DashboardAssets(directory: Bundle.module.url(forResource: "dashboard", withExtension: nil))

    /// Reads every regular file of a directory (none when the directory is missing).
    public init(directory: URL?) {
        var files: [String: Asset] = [:]
        let names = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) } ?? []
        for name in names {
            guard let directory, let type = Self.contentType(of: name),
                  let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            files[name] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: Self.etag(of: data))
        }
        self.files = files
    }

    /// The media type of a file by its extension; nil for a kind the dashboard does not serve.
    static func contentType(of name: String) -> String? {
        switch (name as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        default: nil
        }
    }

    /// FNV-1a 64 of the bytes: stable across runs, so a browser's cached copy stays valid until the file changes.
    static func etag(of data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"" + String(hash, radix: 16) + "\""
    }
}
