import Foundation

/// Where the data lives, parsed from `SOKBO_DATABASE_URL`.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file at an absolute path.
    case sqlite(path: String)
    /// A MySQL/MariaDB server.
    case mysql(MySQLSettings)

    /// Parses `sqlite:///absolute/path.sqlite` or `mysql://user:pass@host:port/db`.
    public init(parsing raw: String) throws(DatabaseURLError) {
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                throw .invalid("sqlite URLs take an absolute path: sqlite:///absolute/path.sqlite")
            }
            self = .sqlite(path: path)
            return
        }
        guard raw.hasPrefix("mysql://") || raw.hasPrefix("mariadb://"), let components = URLComponents(string: raw) else {
            throw .invalid("expected sqlite:///absolute/path.sqlite or mysql://user:pass@host:port/db")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalid("the MySQL URL has no host") }
        let database = components.path.split(separator: "/").first.map(String.init) ?? ""
        guard !database.isEmpty else { throw .invalid("the MySQL URL has no database name (…/dbname)") }
        self = .mysql(MySQLSettings(
            host: host, port: components.port ?? 3306,
            user: components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "root",
            password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? "",
            database: database
        ))
    }

    /// The URL with the password replaced, safe to log and to show in status.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .mysql(let s): "mysql://\(s.user):***@\(s.host):\(s.port)/\(s.database)"
        }
    }
}

/// Connection settings for MySQL/MariaDB. The password never appears in `description`.
public struct MySQLSettings: Sendable, Equatable, CustomStringConvertible {
    /// Host name or IP.
    public var host: String
    /// TCP port.
    public var port: Int
    /// User name.
    public var user: String
    /// Password (secret).
    public var password: String
    /// Database (schema) name.
    public var database: String

    /// Creates settings.
    public init(host: String, port: Int, user: String, password: String, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Redacted form.
    public var description: String { "mysql://\(user):***@\(host):\(port)/\(database)" }
}

/// A database URL that cannot be used.
public enum DatabaseURLError: Error, Equatable, CustomStringConvertible {
    /// Malformed, with the reason.
    case invalid(String)
    /// Explanation.
    public var description: String { if case .invalid(let why) = self { why } else { "" } }
}
