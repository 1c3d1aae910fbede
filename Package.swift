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
        .library(name: "ChatMQTT", targets: ["ChatMQTT"]),
        .executable(name: "chatt-genpass", targets: ["chatt-genpass"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .target(name: "ChatCore", swiftSettings: strict),
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .target(
            name: "ChatMQTT",
            dependencies: [
                "ChatCore",
                "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Starts real mosquitto brokers for tests; a plain library so every test target
        // (MQTT, memorize, HTTP) can use it.
        .target(
            name: "ChatTestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chatt-bench-mqtt",
            dependencies: ["ChatMQTT"],
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
            name: "ChatMQTTTests",
            dependencies: [
                "ChatMQTT", "ChatCore", "ChatTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["chatt-genpass"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
