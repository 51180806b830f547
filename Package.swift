// swift-tools-version: 6.1
import PackageDescription

// Why a trait: the MySQL/MariaDB store links libmariadb, a Debian package. Keeping it behind the
// `MySQL` trait means `swift run sokbo` needs nothing but Swift; `scripts/test.sh` turns it on.
let package = Package(
    name: "sokbo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sokbo", targets: ["sokbo"]),
    ],
    traits: [
        .trait(name: "MySQL", description: "MySQL/MariaDB store through libmariadb (needs libmariadb-dev)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // MARK: - Core (no I/O)
        // Yams is pure parsing (the rules file); the core still does no I/O.
        .target(name: "SokboCore", dependencies: [.product(name: "Yams", package: "Yams")]),

        // MARK: - Storage
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "SokboCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .target(name: "CMariaDB", condition: .when(traits: ["MySQL"])),
            ]
        ),

        // MARK: - Venues
        .target(
            name: "LSNews",
            dependencies: [
                "SokboCore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Kiwoom",
            dependencies: [
                "SokboCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DART",
            dependencies: [
                "SokboCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "SokboCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),

        // MARK: - Trading engine (no I/O of its own: it drives the Broker and Store protocols)
        .target(
            name: "Trading",
            dependencies: [
                "SokboCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Alerts (Telegram and webhooks; off the trading path)
        .target(
            name: "Alerts",
            dependencies: [
                "SokboCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Replay (the live engine on recorded days)
        .target(
            name: "Replay",
            dependencies: [
                "SokboCore", "Trading", "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The shipped sample day, so `POST /api/replays {"sample":true}` and the tests replay the same file.
            resources: [.copy("Resources/sample-day.jsonl")]
        ),

        // MARK: - API and composition
        .target(
            name: "SokboAPI",
            dependencies: [
                "SokboCore",
                "Storage",
                "Trading",
                "Replay",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/dashboard")]
        ),
        .target(
            name: "SokboApp",
            dependencies: [
                "SokboCore", "Storage", "SokboAPI", "LSNews", "Kiwoom", "DART", "Simulator", "Trading", "Alerts", "Replay",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/krx-holidays.txt")]
        ),
        .executableTarget(
            name: "sokbo",
            dependencies: [
                "SokboApp", "Replay", "Simulator", "Kiwoom", "LSNews", "SokboCore", "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "SokboBench",
            dependencies: [
                "SokboCore", "Storage", "SokboApp", "SokboAPI", "Kiwoom", "Simulator", "Trading", "Alerts", "Replay", "LSNews",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SokboBench"
        ),

        // MARK: - Tests
        .testTarget(name: "SokboCoreTests", dependencies: ["SokboCore"]),
        // The engine one event at a time: a scripted broker, an in-memory store, an injected clock.
        .testTarget(
            name: "TradingTests",
            dependencies: ["Trading", "SokboCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: ["Replay", "SokboCore", "Trading", "SokboApp", "Storage", "SokboTestSupport", "Simulator", "Kiwoom",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Configuration", package: "swift-configuration")]
        ),
        // Test doubles and helpers shared by the test targets (stores for each backend, sample rows).
        .target(
            name: "SokboTestSupport",
            dependencies: [
                "Storage", "SokboCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/SokboTestSupport"
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "SokboCore", "SokboTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "LSNewsTests",
            dependencies: [
                "LSNews", "Simulator", "SokboCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "KiwoomTests",
            dependencies: [
                "Kiwoom", "Simulator", "SokboCore", "SokboAPI", "SokboTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DARTTests",
            dependencies: [
                "DART", "Simulator", "SokboCore", "SokboAPI", "Storage",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AlertsTests",
            dependencies: [
                "Alerts", "SokboApp", "SokboCore", "Simulator", "Trading", "SokboTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Active/standby: the lease and the fence against MariaDB, and whole nodes sharing one database.
        .testTarget(
            name: "HATests",
            dependencies: [
                "SokboApp", "SokboAPI", "Storage", "SokboCore", "Simulator", "Trading", "SokboTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SokboAppTests",
            dependencies: [
                "SokboApp", "SokboAPI", "Storage", "SokboCore", "Simulator", "LSNews", "Kiwoom", "Trading", "SokboTestSupport", "Alerts",
                "Replay",
                // The executable itself, so the signal-handling test can launch the real binary.
                "sokbo",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
