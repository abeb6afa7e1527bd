// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fiscal",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FiscalKit", targets: ["FiscalKit"]),
        .executable(name: "fiscal", targets: ["fiscal"]),
        .executable(name: "fiscal-fuzz", targets: ["FiscalFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "FiscalKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // queries/postgres/ is FiscalPublish's (its own Resources link).
            exclude: ["Resources/queries/postgres"],
            resources: [
                // Embedded in the binary, so an installed `fiscal` works in any directory.
                .embedInCode("Resources/schema.sql"),
                .embedInCode("Resources/metrics.csv"),
                .embedInCode("Resources/indicators.csv"),
                .embedInCode("Resources/scoring_rules.csv"),
                // queries/, in the order their views depend on each other (QueryLibrary.files).
                .embedInCode("Resources/queries/facts.sql"),
                .embedInCode("Resources/queries/indicators.sql"),
                .embedInCode("Resources/queries/trend.sql"),
                .embedInCode("Resources/queries/rank.sql"),
                .embedInCode("Resources/queries/reported.sql"),
                .embedInCode("Resources/queries/scoring.sql"),
                .embedInCode("Resources/queries/report.sql"),
                .embedInCode("Resources/report.mustache"),
            ],
            // No run-time exclusivity checks in release builds (the compile-time
            // ones stay): begin/end access on the import writer's buffers was
            // ~4 % of an import (perf, BENCHMARKS.md).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // fiscal publish: the local store copied into a shared PostgreSQL (issue 14).
        .target(
            name: "FiscalPublish",
            dependencies: [
                "FiscalKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [
                .embedInCode("Resources/postgres/schema.sql"),
                .embedInCode("Resources/postgres/views.sql"),
                .embedInCode("Resources/postgres/resolve.sql"),
            ]
        ),
        .executableTarget(
            name: "fiscal",
            dependencies: [
                "FiscalKit",
                "FiscalPublish",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fuzz targets (scripts/fuzz.sh builds them with libFuzzer); a replay tool otherwise.
        .executableTarget(
            name: "FiscalFuzz",
            dependencies: ["FiscalKit"]
        ),
        .testTarget(
            name: "FiscalKitTests",
            dependencies: ["FiscalKit", "FiscalPublish", "fiscal"],
            exclude: ["Fixtures"]
        ),
    ]
)
