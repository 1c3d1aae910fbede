import ChatStore
import ChatStorePostgres
import ChatTestSupport
import Foundation

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
            let store = try await PostgresMessageStore(address: PostgresAddress(url: url))
            return (store, { store.close() })
        }
    }
}

let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
