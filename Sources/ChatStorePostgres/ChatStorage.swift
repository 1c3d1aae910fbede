public import ChatStore
public import Logging

/// A store opened from what `--db` says, with the leader lock that goes with it: the one
/// place both daemons turn a ``StoreLocation`` into a ``MessageStore``.
public struct ChatStorage: Sendable {
    /// The history.
    public let store: any MessageStore
    /// The lock that elects one instance among those sharing ``store``.
    public let leaderLock: any LeaderLock
    /// Where it is (password masked when printed).
    public let location: StoreLocation
    private let closeStore: @Sendable () -> Void

    /// Opens (creating when needed) the store at `location` and brings its schema up to
    /// date. An SQLite file's directory is created when missing.
    ///
    /// - Throws: `StoreError`, ``PostgresStoreError``, or the error creating the directory.
    public static func open(_ location: StoreLocation, logger: Logger) async throws -> ChatStorage {
        switch location {
        case .sqlite(let path):
            try DefaultDatabasePath.createDirectory(for: path)
            let store = try SQLiteMessageStore(path: path)
            return ChatStorage(store: store, leaderLock: FileLeaderLock(databasePath: path), location: location, closeStore: {})
        case .postgres(let address):
            let store = try await PostgresMessageStore(address: address, logger: logger)
            return ChatStorage(store: store, leaderLock: PostgresLeaderLock(address: address, logger: logger),
                               location: location, closeStore: { store.close() })
        }
    }

    /// Closes the connections to the database, if any.
    public func close() {
        closeStore()
    }
}
