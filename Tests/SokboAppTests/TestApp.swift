import Configuration
import Foundation
import Logging
import SokboApp
import SokboTestSupport
import Storage

/// The test token used by app tests.
let testToken = "test-token-0123456789"

/// A configuration reader over in-memory values, as the command line would give them.
func reader(_ values: [String: String]) -> ConfigReader {
    ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
        (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
    })))
}

/// Builds Sokbo exactly as `sokbo serve` does, on a fresh database of `kind` and a temporary data dir.
func makeSokbo(_ kind: String = "sqlite", _ overrides: [String: String] = [:]) async throws -> Sokbo {
    let url = try await TestStores.freshURL(kind)
    var values = [
        "sokbo.data.dir": TestStores.temporaryDirectory(),
        "sokbo.api.token": testToken,
        "sokbo.flush.interval.ms": "100",
        "sokbo.database.url": urlString(url),
        // Entries are skipped past their deadline (3 s by default): on a machine loaded by the whole suite a
        // snapshot can take longer, and a test not about the deadline must not depend on timing.
        "sokbo.entry.deadline.ms": "600000",
        // The same for the bounds on a Kiwoom request's wait for its slot (10 s, lookups 2 s): they cover the
        // token issue and the retries; the tests of the bounds set them back.
        "kiwoom.max.wait.ms": "120000",
        "kiwoom.lookup.max.wait.ms": "60000",
    ]
    values.merge(overrides) { _, new in new }
    return try await buildApplication(reader: reader(values), logger: TestStores.logger)
}

/// The URL string form (with the password) that `SOKBO_DATABASE_URL` takes.
func urlString(_ url: DatabaseURL) -> String {
    switch url {
    case .sqlite(let path): "sqlite://\(path)"
    case .mysql(let s): "mysql://\(s.user):\(s.password)@\(s.host):\(s.port)/\(s.database)"
    }
}
