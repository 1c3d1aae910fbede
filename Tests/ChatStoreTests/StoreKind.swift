import ChatStore
import Foundation

/// Every storage test runs against each implementation.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, memory

    var description: String { rawValue }

    /// A fresh, empty store; SQLite in a temporary directory removed by `cleanup`.
    func make() throws -> (store: any MessageStore, cleanup: @Sendable () -> Void) {
        switch self {
        case .memory:
            return (InMemoryMessageStore(), {})
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("chatt-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try SQLiteMessageStore(path: directory.appendingPathComponent("chatt.db").path)
            return (store, { try? FileManager.default.removeItem(at: directory) })
        }
    }
}

let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
