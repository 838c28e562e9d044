// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "chengxin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chengxin", targets: ["chengxin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        // The operational log of the dashboard and the kiosk (`LogHandler.log(event:)` is 1.16's).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // The only C surface: ncursesw from Debian's libncursesw5-dev (pkg-config ncursesw).
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Pure domain: merchants, branches, rules, events, projections. No I/O.
        .target(name: "Core", dependencies: ["TextSafety", .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // The one policy for characters that must not act on a screen or in a file (used by the
        // terminal, the exports and reports, and the command line).
        .target(name: "TextSafety"),
        // Events as bytes: JSON payloads read and written, the replay that reads them in place, the snapshot.
        .target(name: "Codec", dependencies: ["Core"]),
        // What is handed to people: the public notice, the monthly report, exports (CSV, JSON, HTML).
        .target(name: "Reports", dependencies: ["Core", "TextSafety"]),
        // Bytes and records: framing, checksums, the SHA-256 chain, the lock.
        .target(
            name: "Log",
            dependencies: ["CCRC32C", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Cell grid, display width, widgets, and the backends (only NcursesBackend.swift touches ncurses).
        .target(name: "Terminal", dependencies: ["CNcursesw", "CLocaleWidth", "TextSafety"]),
        // The C library's wcwidth, so that widths agree with ncurses without touching ncurses.
        .target(name: "CLocaleWidth"),
        // CRC-32C with the processor's instruction where there is one (the log's checksum).
        .target(name: "CCRC32C"),
        // libpq, PostgreSQL's own client library (Debian's libpq-dev): the shared record of issue 21.
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The market's record in PostgreSQL: its schema, its records as the log's bytes, the
        // notifications of new ones (only PGConnection.swift touches libpq).
        .target(name: "PostgresLog", dependencies: ["Log", "CLibpq"]),
        // The C library's malloc_trim: the dashboard hands back the heap freed after building its lists.
        .target(name: "CFreeMemory"),
        // Screens: update + view.
        .target(name: "App", dependencies: ["Core", "Reports", "Terminal", "CFreeMemory"]),
        // The write path: opening a data directory, snapshots, the chain check, appends by
        // idempotency key, sign-in, and what the dashboard's and the kiosk's effects do.
        .target(name: "Storage", dependencies: ["Core", "Codec", "Reports", "Log", "PostgresLog"]),
        // The operational log of the dashboard and the kiosk: swift-log's `LogHandler` appending
        // lines to a file outside the data directory, capped in size.
        .target(name: "OperationalLog", dependencies: ["TextSafety", .product(name: "Logging", package: "swift-log")]),
        // The command line's surface: its declarations read as one tree, the check of the arguments
        // against them (messages in both languages, suggestions), the help pages and the manual page.
        .target(name: "CommandSurface", dependencies: ["Core", "Terminal"]),
        // The version and commit tools/package builds in (-Xcc -DCHENGXIN_VERSION=…).
        .target(name: "CBuildInfo"),
        .executableTarget(
            name: "chengxin",
            dependencies: [
                "CommandSurface", "CBuildInfo", "Core", "Codec", "Reports", "Log", "PostgresLog", "Storage", "Terminal", "App", "TextSafety", "OperationalLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQLite, only as the benchmark's peer for durable appends (Debian's libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The benchmark: `swift run -c release chengxin-bench` (docs/performance.md).
        .executableTarget(name: "chengxin-bench", dependencies: ["Core", "Codec", "Log", "PostgresLog", "Storage", "Terminal", "App", "CSQLite", "LocalPostgres"]),
        // A private PostgreSQL server in a folder (initdb, a Unix socket only): the tests' and the benchmark's.
        .target(name: "LocalPostgres"),
        // A real writer and follower in processes of their own for the log's contract tests (either store).
        .executableTarget(name: "chengxin-log-stress", dependencies: ["Core", "Codec", "Log", "PostgresLog", "Storage"]),
        // The real terminal backend printing the keys it decodes (the pseudo-terminal tests).
        .executableTarget(name: "chengxin-keys", dependencies: ["Terminal"]),
        // Helpers the tests share: child processes, polling, built products.
        .target(name: "TestSupport", dependencies: ["LocalPostgres"], path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core", "Codec", "Reports", "TestSupport"]),
        .testTarget(name: "LogTests", dependencies: ["Log", "TestSupport", "chengxin-log-stress"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "TestSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "AppTests", dependencies: ["App", "Core", "Reports", "Terminal", "TestSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "OperationalLogTests", dependencies: ["OperationalLog", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Core", "Codec", "Reports", "Log", "PostgresLog", "TestSupport", "chengxin-log-stress"]),
        .testTarget(name: "EndToEndTests", dependencies: ["chengxin", "CommandSurface", "chengxin-bench", "chengxin-keys", "Storage", "TestSupport"]),
    ]
)
