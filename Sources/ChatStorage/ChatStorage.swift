public import ChatStore
public import Logging
public import ServiceLifecycle
#if PostgreSQL
import ChatStorePostgres
#endif

/// A store opened from what `--db` says, with the leader lock that goes with it: the one
/// place both daemons turn a ``StoreLocation`` into a ``MessageStore``.
public struct ChatStorage: Sendable {
    /// How a daemon opens its store.
    public struct Options: Sendable, Hashable {
        /// Accept a new database where one was (`--create`): an SQLite file that is missing
        /// although its ``DatabaseMarker`` says one existed, or that is another database.
        public var create = false
        /// Open an SQLite file read-only when it cannot be written (`chatt-server`, which
        /// only reads); else such a file is an error.
        public var readOnlyWhenNotWritable = false

        /// Options; the defaults refuse to replace a database and open it read-write.
        public init(create: Bool = false, readOnlyWhenNotWritable: Bool = false) {
            self.create = create
            self.readOnlyWhenNotWritable = readOnlyWhenNotWritable
        }
    }

    /// The history.
    public let store: any MessageStore
    /// The lock that elects one instance among those sharing ``store``.
    public let leaderLock: any LeaderLock
    /// Where it is (password masked when printed).
    public let location: StoreLocation
    /// The SQLite store, when it is one (its file can be watched).
    public let sqlite: SQLiteMessageStore?
    /// What must run while the store is used, in the daemon's service group, before the
    /// services that use it (PostgreSQL's connection pool; nothing for SQLite).
    public let services: [any Service]
    private let ready: @Sendable () async -> Void

    /// Opens the store at `location` and brings its schema up to date. An SQLite file is
    /// created (and its directory) on a first start; a database that went missing since is
    /// an error unless `options.create` (see ``SQLiteMessageStore/open(path:access:create:logger:)``).
    ///
    /// - Throws: ``StoreError``, or the error creating the directory.
    public static func open(_ location: StoreLocation, options: Options = Options(), logger: Logger) async throws -> ChatStorage {
        switch location {
        case .sqlite(let path):
            try DefaultDatabasePath.createDirectory(for: path)
            let store = try SQLiteMessageStore.open(
                path: path, access: options.readOnlyWhenNotWritable ? .readWriteElseReadOnly : .readWrite,
                create: options.create, logger: logger)
            return ChatStorage(store: store, leaderLock: FileLeaderLock(databasePath: path), location: location,
                               sqlite: store, services: [], ready: {})
        case .postgres(let address):
            #if PostgreSQL
            let store = try await PostgresMessageStore(address: address, logger: logger)
            return ChatStorage(store: store, leaderLock: PostgresLeaderLock(address: address, logger: logger),
                               location: location, sqlite: nil, services: [store.service], ready: { await store.waitUntilRunning() })
            #else
            throw StoreError(
                path: "\(address)", operation: "open",
                reason: "this build has no PostgreSQL support (run.sh builds without it); build with "
                    + "`swift build -c release` (PostgreSQL is a default trait) and use those executables")
            #endif
        }
    }

    /// The service that watches an SQLite file for deletion or replacement, checkpoints
    /// its WAL and, with `checkIntegrity`, runs `PRAGMA quick_check` once in the background
    /// (nothing for PostgreSQL: a dropped database fails every query, and `/healthz` says so).
    public func fileWatch(reaction: DatabaseFileWatch.Reaction, checkIntegrity: Bool = false,
                          logger: Logger) -> DatabaseFileWatch? {
        sqlite.map { DatabaseFileWatch(store: $0, reaction: reaction, checkIntegrity: checkIntegrity, logger: logger) }
    }

    /// Returns once ``services`` run, so that the store answers (at once for SQLite).
    public func waitUntilReady() async {
        await ready()
    }

    /// Runs ``services`` around `body`, for commands that use the store and end (`--import`,
    /// `--export`): they stop once `body` has returned.
    @discardableResult
    public func withServices<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        guard !services.isEmpty else { return try await body() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            defer { group.cancelAll() }
            await waitUntilReady()
            return try await body()
        }
    }
}
