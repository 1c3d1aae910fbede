// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode is the default for tools 6.x; these make the
/// API surface explicit.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ChaTT",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChatCore", targets: ["ChatCore"]),
        .library(name: "ChatStore", targets: ["ChatStore"]),
        .library(name: "ChatHTTP", targets: ["ChatHTTP"]),
        .executable(name: "chatt-genpass", targets: ["chatt-genpass"]),
        .executable(name: "chatt-server", targets: ["chatt-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "ChatCore", swiftSettings: strict),
        .target(
            name: "ChatStore",
            dependencies: ["ChatCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "ChatHTTP",
            dependencies: [
                "ChatCore", "ChatStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-server",
            dependencies: [
                "ChatHTTP", "ChatStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Benchmark helpers for bench/http.sh; not shipped.
        .executableTarget(
            name: "chatt-bench-http-baseline",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "bench/Sources/chatt-bench-http-baseline",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-bench-fill",
            dependencies: [
                "ChatCore", "ChatStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/Sources/chatt-bench-fill",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-genpass",
            dependencies: [
                "ChatCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatCoreTests",
            dependencies: ["ChatCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatStoreTests",
            dependencies: ["ChatStore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatHTTPTests",
            dependencies: [
                "ChatCore", "ChatStore", "ChatHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["chatt-genpass", "chatt-server"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
