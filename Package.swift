// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode is the default for tools 6.x; these make the
/// API surface explicit.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")

let package = Package(
    name: "ChaTT",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChatCore", targets: ["ChatCore"]),
        .library(name: "ChatMQTT", targets: ["ChatMQTT"]),
        .library(name: "ChatStore", targets: ["ChatStore"]),
        .library(name: "ChatStorePostgres", targets: ["ChatStorePostgres"]),
        .library(name: "ChatStorage", targets: ["ChatStorage"]),
        .library(name: "ChatHTTP", targets: ["ChatHTTP"]),
        .executable(name: "chatt-genpass", targets: ["chatt-genpass"]),
        .executable(name: "chatt-memorize", targets: ["chatt-memorize"]),
        .executable(name: "chatt-server", targets: ["chatt-server"]),
        .executable(name: "chatt-push", targets: ["chatt-push"]),
    ],
    // PostgreSQL (--db postgres://…, several machines) costs postgres-nio and a second TLS
    // stack to build. It is on by default (`swift build`, the tests); run.sh builds the
    // one-machine SQLite chat without it (`--disable-default-traits`), in a fraction of the time:
    // then ChatStorePostgres compiles to an empty module (its files are `#if PostgreSQL`) and
    // postgres-nio is not built at all.
    //
    // WebPush (chatt-push's sender) costs async-http-client and its TLS and HTTP/2 stacks: on by
    // default too; run.sh's first build leaves it out and builds chatt-push afterwards, in the
    // background, once the chat runs (then ChatPush's sending files are `#if WebPush`).
    traits: [
        .trait(name: "PostgreSQL", description: "History in PostgreSQL too: --db postgres://… in both daemons."),
        .trait(name: "WebPush", description: "chatt-push sends Web Push notifications (async-http-client)."),
        .default(enabledTraits: ["PostgreSQL", "WebPush"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // Without its default ConfigurationSupport trait: ChaTT reads its own configuration file,
        // and swift-configuration would only add to the build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // NIOHTTPTypes, already built for Hummingbird: the `100 Continue` handler's parts.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Libraries, from the bottom up.
        .target(
            name: "ChatCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // Web Push's cryptography (RFC 8291 payload encryption, RFC 8292 VAPID) and the
        // subscription rules: pure, no I/O.
        .target(
            name: "ChatWebPush",
            dependencies: ["ChatCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "ChatMQTT",
            dependencies: ["CMosquitto", logging, serviceLifecycle],
            swiftSettings: strict
        ),
        .target(
            name: "ChatStore",
            dependencies: [
                "ChatCore", logging, serviceLifecycle, .product(name: "GRDB", package: "GRDB.swift"),
                // sqlite3_progress_handler, for the search's time budget.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChatStorePostgres",
            dependencies: [
                "ChatCore", "ChatStore", logging, serviceLifecycle,
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strict
        ),
        // Opens whatever --db names: SQLite always, PostgreSQL with the PostgreSQL trait.
        .target(
            name: "ChatStorage",
            dependencies: [
                "ChatStore", logging, serviceLifecycle,
                .target(name: "ChatStorePostgres", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChatMemorize",
            dependencies: [
                "ChatCore", "ChatMQTT", "ChatStore", "ChatStorage", logging, serviceLifecycle,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChatHTTP",
            dependencies: [
                "ChatCore", "ChatStore", "ChatWebPush", hummingbird, logging,
                // HTTP1Channel's idle timeout and the connection limit.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Yams", package: "Yams"),
                // Uploads: streamed to a file while hashed.
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        // chatt-push: who gets a notification for which message, and (WebPush trait) the sender.
        .target(
            name: "ChatPush",
            dependencies: [
                "ChatCore", "ChatMQTT", "ChatStore", "ChatStorage", "ChatMemorize", "ChatWebPush", logging, serviceLifecycle,
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["WebPush"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["WebPush"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["WebPush"])),
            ],
            swiftSettings: strict
        ),

        // What both daemons share: logging from LOG_LEVEL, the exit-status policy.
        .target(
            name: "ChatDaemon",
            dependencies: [logging, argumentParser],
            swiftSettings: strict
        ),

        // Thin executables.
        .executableTarget(
            name: "chatt-genpass",
            dependencies: ["ChatCore", argumentParser],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-memorize",
            dependencies: ["ChatCore", "ChatStore", "ChatStorage", "ChatMemorize", "ChatDaemon", argumentParser, logging],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-server",
            dependencies: [
                "ChatHTTP", "ChatStore", "ChatStorage", "ChatDaemon", argumentParser, hummingbird, logging, serviceLifecycle,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // Without WebPush (run.sh's first build) a stub that says so: nothing to link.
        .executableTarget(
            name: "chatt-push",
            dependencies: [
                .target(name: "ChatPush", condition: .when(traits: ["WebPush"])),
                .target(name: "ChatMemorize", condition: .when(traits: ["WebPush"])),
                .target(name: "ChatDaemon", condition: .when(traits: ["WebPush"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["WebPush"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["WebPush"])),
            ],
            swiftSettings: strict
        ),

        // The fuzz target of the parsers (scripts/fuzz.sh builds it with libFuzzer); a plain
        // build replays the files it is given.
        .executableTarget(
            name: "chatt-fuzz",
            dependencies: ["ChatCore", "ChatMemorize"],
            swiftSettings: strict
        ),

        // Benchmarks (bench/*.sh), not shipped.
        .executableTarget(
            name: "chatt-bench-mqtt",
            dependencies: ["ChatMQTT"],
            path: "bench/Sources/chatt-bench-mqtt",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-bench-http-baseline",
            dependencies: [argumentParser, hummingbird],
            path: "bench/Sources/chatt-bench-http-baseline",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-bench-push",
            dependencies: [
                .target(name: "ChatCore", condition: .when(traits: ["WebPush"])),
                .target(name: "ChatPush", condition: .when(traits: ["WebPush"])),
                .target(name: "ChatWebPush", condition: .when(traits: ["WebPush"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["WebPush"])),
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["WebPush"])),
            ],
            path: "bench/Sources/chatt-bench-push",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-bench-fill",
            dependencies: ["ChatCore", "ChatStore", argumentParser],
            path: "bench/Sources/chatt-bench-fill",
            swiftSettings: strict
        ),

        // Tests. ChatTestSupport starts real mosquitto brokers; a plain library so every
        // test target (MQTT, memorize, HTTP) can use it.
        .target(
            name: "ChatTestSupport",
            dependencies: ["ChatCore", "ChatStore"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatCoreTests",
            dependencies: ["ChatCore", "ChatTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatMQTTTests",
            dependencies: ["ChatMQTT", "ChatCore", "ChatTestSupport", serviceLifecycle, logging],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatStoreTests",
            dependencies: [
                "ChatStore", "ChatStorePostgres", "ChatTestSupport", logging, serviceLifecycle,
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatMemorizeTests",
            dependencies: ["ChatMemorize", "ChatTestSupport", serviceLifecycle, logging],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatHTTPTests",
            dependencies: [
                "ChatCore", "ChatStore", "ChatHTTP", "ChatTestSupport", hummingbird, logging,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatWebPushTests",
            dependencies: ["ChatWebPush", "ChatCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatPushTests",
            dependencies: ["ChatPush", "ChatWebPush", "ChatCore", "ChatStore", "ChatTestSupport", "ChatMQTT", logging, serviceLifecycle,
                           .product(name: "Crypto", package: "swift-crypto"), hummingbird],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["chatt-genpass", "chatt-memorize", "chatt-server", "chatt-push", "chatt-fuzz", "ChatCore", "ChatTestSupport"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
