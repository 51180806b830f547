import Logging
import SokboCore
import Storage

/// Opens the store a database URL names and brings its schema up to date.
enum StoreFactory {
    static func open(_ url: DatabaseURL, logger: Logger) async throws -> any Store {
        let store: any Store
        switch url {
        case .sqlite(let path):
            store = try await SQLiteStore.open(path: path, logger: logger)
        case .mysql(let settings):
            #if MySQL
            store = try await MySQLStore.open(settings: settings, logger: logger)
            #else
            _ = settings
            throw SettingsError(key: "sokbo.database.url",
                                message: "this build has no MySQL support; build with `--traits MySQL` (needs libmariadb-dev)")
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
