import ChatStore
import ChatStorePostgres
import ChatTestSupport
import Foundation
import Logging
import ServiceLifecycle

/// Every storage test runs against each implementation.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres, memory

    var description: String { rawValue }

    /// A fresh, empty store: SQLite in a temporary directory, PostgreSQL in a database of
    /// its own on the test cluster; `cleanup` removes or closes it.
    func make() async throws -> (store: any MessageStore, cleanup: @Sendable () -> Void) {
        switch self {
        case .memory:
            return (InMemoryMessageStore(), {})
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("chatt-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try SQLiteMessageStore(path: directory.appendingPathComponent("chatt.db").path)
            return (store, { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let url = try await TestPostgres.running().makeDatabase()
            let (store, stop) = try await PostgresMessageStore.opened(address: PostgresAddress(url: url))
            return (store, stop)
        }
    }
}

let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

extension PostgresMessageStore {
    /// Opens a store and runs its pool until `stop` is called (the daemons run the pool in
    /// their service group; a test owns it this way).
    static func opened(
        address: PostgresAddress, maximumConnections: Int = 8, logger: Logger = Logger(label: "chatt.test")
    ) async throws -> (store: PostgresMessageStore, stop: @Sendable () -> Void) {
        let store = try await PostgresMessageStore(address: address, maximumConnections: maximumConnections, logger: logger)
        let pool = Task { try? await store.service.run() }
        await store.waitUntilRunning()
        return (store, { pool.cancel() })
    }
}
