import Foundation
import Logging

/// The bearer token for `/api`: `SOKBO_API_TOKEN` when set, else one generated on first start and kept
/// in `<data>/api-token` with mode 0600. Printed once, when generated; never logged afterwards.
enum APIToken {
    static func resolve(configured: String?, dataDirectory: String, logger: Logger) throws -> String {
        if let configured { return configured }
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.appendingPathComponent("api-token").path
        if let data = FileManager.default.contents(atPath: path),
           let stored = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            logger.info("API token loaded from the data directory", metadata: ["file": "\(path)"])
            return stored
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SettingsError(key: "sokbo.data.dir", message: "cannot write the generated API token to \(path)")
        }
        // Printed on stderr once, on purpose: the operator needs it, and it never goes through the logger.
        FileHandle.standardError.write(Data("sokbo: generated API token (saved in \(path)): \(token)\n".utf8))
        return token
    }
}
