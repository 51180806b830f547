import Logging
import SokboCore

extension DatabaseURL {
    /// Opens the store this URL names and brings its schema up to date (closing it again if that fails).
    public func openStore(logger: Logger) async throws -> any Store {
        let store: any Store
        switch self {
        case .sqlite(let path):
            store = try await SQLiteStore.open(path: path, logger: logger)
        case .mysql(let settings):
            #if MySQL
            store = try await MySQLStore.open(settings: settings, logger: logger)
            #else
            _ = settings
            throw DatabaseURLError.invalid("this build has no MySQL support; build with `--traits MySQL` (needs libmariadb-dev)")
            #endif
        }
        do {
            _ = try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
}
