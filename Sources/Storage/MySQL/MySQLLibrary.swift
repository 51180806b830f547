#if MySQL
import CMariaDB

/// Process-wide libmariadb set-up.
enum MySQLLibrary {
    /// True once `mysql_server_init` succeeded. `mysql_library_init` is a C macro Swift cannot see, so
    /// this calls the function behind it, exactly once per process: a global `static let` is
    /// initialised lazily and thread-safely by the runtime.
    static let isInitialized: Bool = mysql_server_init(0, nil, nil) == 0

    /// Throws when the library could not be initialised.
    static func ensureInitialized() throws {
        guard isInitialized else {
            throw MySQLError(code: 0, message: "mysql_server_init failed", context: "library initialisation")
        }
    }
}
#endif
