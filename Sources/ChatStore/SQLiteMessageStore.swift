public import ChatCore
internal import GRDB
#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// The history in an SQLite file, shared by `chatt-memorize` (which writes) and
/// `chatt-server` (which mostly reads).
///
/// WAL mode, `synchronous=NORMAL`, a busy timeout, the WAL kept to
/// ``journalSizeLimit`` once checkpointed; reads run on the pool's read-only connections,
/// on GRDB's own threads, never on the caller's event loop. Writes are one transaction per
/// ``StoreBatch``, and each checks, before it commits, that the path still leads to the
/// file this store opened: a write into a database deleted or replaced under the process
/// fails instead of vanishing with the old file.
public final class SQLiteMessageStore: MessageStore {
    /// How a store may open its file.
    public enum Access: Sendable, Hashable {
        /// Read and write; the file is created when missing.
        case readWrite
        /// Read and write when the file can be written; else read-only (a read-only file,
        /// folder or filesystem), for a reader such as `chatt-server`.
        case readWriteElseReadOnly
    }

    /// The most the WAL file keeps once checkpointed (`PRAGMA journal_size_limit`): 64 MiB.
    public static let journalSizeLimit = 64 * 1024 * 1024

    let pool: DatabasePool
    private let busyTimeoutMilliseconds: Int
    /// The file this store reads and writes.
    public let path: String
    /// Whether it was opened read-only (see ``Access/readWriteElseReadOnly``).
    public let isReadOnly: Bool
    /// Whether it was opened as immutable: read-only, and SQLite could not make its `-shm`
    /// file, so it takes the file as unchanging (changes made later are not seen).
    public let isImmutable: Bool
    /// The device and inode `path` led to when it was opened.
    public let fileIdentity: FileIdentity
    /// The database's own identity (a random id made with it; see ``DatabaseMarker``), or
    /// `nil` for a database opened read-only before it had one.
    public let identity: String?

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    ///
    /// - Throws: ``StoreError`` saying which file could not be opened, and why.
    public init(path: String, busyTimeout: Duration = .seconds(5), access: Access = .readWrite) throws(StoreError) {
        self.path = path
        busyTimeoutMilliseconds = Int(busyTimeout.seconds * 1_000)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.seconds)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA journal_size_limit = \(SQLiteMessageStore.journalSizeLimit)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000")
        }
        do {
            // SQLite opens a file it cannot write read-only without a word, when it can read
            // the -wal and -shm files a writer left: the first write would fail. Hence the
            // check of the file itself after a successful open.
            let writable: DatabasePool?
            do {
                let opened = try Self.openSharingFirstUse(path: path, configuration: configuration)
                writable = Self.canWrite(path) ? opened : nil
            } catch let error as DatabaseError where Self.isNotWritable(error) && FileManager.default.fileExists(atPath: path) {
                writable = nil
            }
            if let writable {
                pool = writable
                isReadOnly = false
                isImmutable = false
            } else if access == .readWriteElseReadOnly {
                (pool, isImmutable) = try Self.openReadOnly(path: path, configuration: configuration)
                isReadOnly = true
            } else {
                throw StoreError(path: path, operation: "open", reason: "the file exists, but this user cannot write it: "
                    + "the file, its folder (where SQLite makes its -wal and -shm files) or its filesystem is read-only")
            }
            fileIdentity = try FileIdentity.of(path)
            identity = try pool.read { db in try Self.identity(db) }
        } catch {
            throw StoreError(path: path, operation: "open", underlying: error)
        }
    }

    /// Whether this process may write the file (`access(2)`, which knows read-only mounts).
    private static func canWrite(_ path: String) -> Bool {
        access(path, W_OK) == 0
    }

    private static func isNotWritable(_ error: DatabaseError) -> Bool {
        [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH].contains(error.resultCode)
    }

    /// Opens an existing database without writing to it: no migration, so its schema must
    /// be there already. When SQLite cannot make the `-shm` file either (a read-only folder
    /// or filesystem, and no `-shm` left by a writer), the file is opened as immutable: no
    /// writer can be at work then (it would have made that file), but one that starts later
    /// is not seen. Returns the pool, and whether it is immutable.
    private static func openReadOnly(path: String, configuration: Configuration) throws -> (DatabasePool, Bool) {
        var configuration = configuration
        configuration.readonly = true
        func openAndRead(_ path: String) throws -> DatabasePool {
            let pool = try DatabasePool(path: path, configuration: configuration)
            _ = try pool.read { db in try migrator.appliedIdentifiers(db) }
            return pool
        }
        let pool: DatabasePool
        var immutable = false
        do {
            pool = try openAndRead(path)
        } catch let error as DatabaseError where isNotWritable(error) {
            immutable = true
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
            pool = try openAndRead("file:\(encoded)?immutable=1")
        }
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        guard applied.contains(firstMigration) else {
            throw StoreError(path: path, operation: "open", reason: "it cannot be written by this user, and it has "
                + "no ChaTT history yet: start chatt-memorize on it first, or make it writable")
        }
        return (pool, immutable)
    }

    /// Opens the pool and brings the schema up to date, also when another process does the
    /// same at the same moment on a new file (two memorize instances, or memorize and
    /// chatt-server, started together). Two races end in an error the busy timeout does not
    /// cover: switching a new file to WAL needs a lock SQLite does not wait for
    /// (`SQLITE_BUSY`), and GRDB reads which migrations are applied outside the migration's
    /// own transaction, so both may run one and the second fails on `CREATE TABLE` once the
    /// first has committed (`SQLITE_ERROR`). Tried again, the other process's work is seen
    /// done.
    private static func openSharingFirstUse(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempt = 1
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch let error as DatabaseError
                where attempt < 10 && [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR].contains(error.resultCode) {
                attempt += 1
                usleep(UInt32.random(in: 5_000...50_000))
            }
        }
    }

    // MARK: The file

    /// Checks that ``path`` still leads to the file this store opened.
    ///
    /// - Throws: ``StoreError`` saying that the file was deleted or replaced while open,
    ///   and what can still be done.
    public func checkFile() throws(StoreError) {
        let now: FileIdentity
        do {
            now = try FileIdentity.of(path)
        } catch where error.isMissing {
            throw StoreError(path: path, operation: "use", reason: "it was deleted while open, so writes are refused "
                + "(they would go into the deleted file, lost when this process stops). Until it stops, the old contents "
                + "can be copied back from /proc/\(getpid())/fd/ (the link marked (deleted)); or restore a backup")
        } catch {
            throw StoreError(path: path, operation: "use", reason: "cannot check the file: \(error)")
        }
        guard now == fileIdentity else {
            throw StoreError(path: path, operation: "use", reason: "the path now leads to another file (\(now)) than "
                + "the one opened (\(fileIdentity)): it was replaced while open; restart to use the new one")
        }
    }

    /// Checks the file (``checkFile()``), then reads from the database.
    public func checkHealth() async throws {
        try checkFile()
        _ = try await version()
    }

    /// Copies the WAL into the database and truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`).
    /// It holds the write lock while it waits for readers, so it waits at most `patience`:
    /// another writer of the file (a second memorize) must not wait past its busy timeout.
    /// Returns whether the WAL was emptied; `false` when readers kept it busy (next time).
    @discardableResult
    public func checkpoint(patience: Duration = .milliseconds(200)) async throws -> Bool {
        guard !isReadOnly else { return false }
        let restore = busyTimeoutMilliseconds
        let wait = Int(patience.seconds * 1_000)
        do {
            return try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA busy_timeout = \(wait)")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(restore)") }
                do {
                    _ = try db.checkpoint(.truncate)
                    return true
                } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
                    return false
                }
            }
        } catch {
            throw StoreError(path: path, operation: "checkpoint", underlying: error)
        }
    }

    /// Runs `body` in a write transaction that commits only if the file is still the one
    /// opened; any failure becomes a ``StoreError`` naming the file.
    private func writing<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write { db in
                let result = try body(db)
                try self.checkFile()
                return result
            }
        } catch {
            throw StoreError(path: path, operation: "write to", underlying: error)
        }
    }

    // MARK: Writing

    @discardableResult
    public func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        guard !batch.isEmpty else { return StoreWriteResult() }
        return try await writing { db in try Self.write(batch, in: db) }
    }

    /// SQLite refuses a value only when it is too big for it (`SQLITE_TOOBIG`), of a type a
    /// column refuses (`SQLITE_MISMATCH`) or breaks a constraint (`SQLITE_CONSTRAINT`).
    public func refusesContent(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_TOOBIG, .SQLITE_MISMATCH, .SQLITE_CONSTRAINT].contains(error.resultCode)
    }

    private static func write(_ batch: StoreBatch, in db: Database) throws -> StoreWriteResult {
        var rooms = batch.rooms
        var seenRooms = Set(rooms)
        for message in batch.messages where seenRooms.insert(message.room).inserted {
            rooms.append(message.room)
        }
        let insertRoom = try db.cachedStatement(sql: "INSERT INTO room (name) VALUES (?) ON CONFLICT DO NOTHING")
        for room in rooms {
            try insertRoom.execute(arguments: [room.rawValue])
        }

        var result = StoreWriteResult()
        let lastKeyBefore = try Int64.fetchOne(db, sql: "SELECT max(id) FROM message") ?? 0
        let insertMessage = try db.cachedStatement(sql: """
            INSERT INTO message (room, author, text, messageID, ts, receivedAt, replyTo, editedAt, deleted, sig)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (messageID) DO NOTHING
            """)
        var arrived: [String] = []
        for message in batch.messages {
            try insertMessage.execute(arguments: [
                message.room.rawValue, message.author, message.text, message.messageID, message.ts, message.receivedAt,
                message.replyTo, message.edited, message.deleted, message.verdict?.rawValue,
            ])
            if db.changesCount > 0 {
                result.inserted += 1
                if let id = message.messageID { arrived.append(id) }
                if !message.history.isEmpty { try keepHistory(message.history, of: db.lastInsertedRowID, in: db) }
            } else {
                result.duplicates += 1
            }
        }
        if result.inserted > 0 {
            try db.execute(sql: "INSERT INTO message_fts (rowid, text) SELECT id, text FROM message WHERE id > ?",
                           arguments: [lastKeyBefore])
        }
        result.events = try applyConversation(batch, arrived: arrived, in: db)

        let upsertUser = try db.cachedStatement(sql: """
            INSERT INTO user (nick, hostName, firstConnection, lastConnection, lastSeen) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (nick) DO UPDATE SET hostName = excluded.hostName, firstConnection = excluded.firstConnection,
                lastConnection = excluded.lastConnection, lastSeen = excluded.lastSeen
            """)
        let insertAddress = try db.cachedStatement(
            sql: "INSERT INTO userAddress (address, nick) VALUES (?, ?) ON CONFLICT DO NOTHING")
        for (nick, info) in batch.users.sorted(by: { $0.key < $1.key }) {
            try upsertUser.execute(arguments: [
                nick.rawValue, info.hostName, info.firstConnection.milliseconds,
                info.lastConnection.milliseconds, info.lastSeen.milliseconds,
            ])
            for address in info.addresses {
                try insertAddress.execute(arguments: [address, nick.rawValue])
            }
        }
        for pair in batch.addresses {
            try insertAddress.execute(arguments: [pair.address, pair.nick.rawValue])
        }
        let insertOnline = try db.cachedStatement(sql: "INSERT INTO onlineUser (nick) VALUES (?)")
        if let online = batch.online {
            try db.execute(sql: "DELETE FROM onlineUser")
            for nick in online {
                try insertOnline.execute(arguments: [nick])
            }
        }
        if !batch.onlineRemoved.isEmpty {
            let removeOnline = try db.cachedStatement(sql: "DELETE FROM onlineUser WHERE nick = ?")
            for nick in batch.onlineRemoved {
                try removeOnline.execute(arguments: [nick])
            }
        }
        for nick in batch.onlineAdded {
            try insertOnline.execute(arguments: [nick])
        }
        if !batch.counters.isEmpty {
            let raise = try db.cachedStatement(sql: """
                INSERT INTO setting (key, value) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)
                """)
            for (key, amount) in batch.counters.sorted(by: { $0.key < $1.key }) {
                try raise.execute(arguments: [key, String(amount)])
            }
        }
        try writeRoomChanges(batch.roomChanges, in: db)
        _ = try writeDirects(batch.directs, in: db)
        try bumpVersion(db)
        return result
    }

    public func setting(_ key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    public func setting(_ key: String, default value: String) async throws -> String {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", arguments: [key, value])
            return try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) ?? value
        }
    }

    static func bumpVersion(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'version'")
    }

    public func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        try await writing { db in
            for table in ["reaction", "message_edit"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE message IN (SELECT id FROM message WHERE room = ?)",
                               arguments: [room.rawValue])
            }
            try db.execute(sql: "DELETE FROM message WHERE room = ?", arguments: [room.rawValue])
            var batch = StoreBatch()
            batch.rooms = [room]
            batch.messages = messages.map { var message = $0; message.room = room; return message }
            _ = try Self.write(batch, in: db)
        }
    }

    // MARK: Reading

    static let messageColumns = "id, room, author, text, messageID, COALESCE(ts, receivedAt) AS ts, \(conversationColumns)"
    /// ``messageColumns`` of `message` joined with `message_fts` (which has a `text` too).
    static let searchColumns = """
        message.id AS id, message.room AS room, message.author AS author, message.text AS text, \
        message.messageID AS messageID, COALESCE(message.ts, message.receivedAt) AS ts, \
        message.replyTo AS replyTo, message.editedAt AS editedAt, message.deleted AS deleted, message.sig AS sig
        """

    /// The messages `sql` selects (with ``messageColumns``), their reactions included.
    static func storedMessages(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredMessage] {
        var messages: [StoredMessage] = try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let room = try? RoomName(row["room"] as String) else { return nil }
            return StoredMessage(key: row["id"], room: room, author: row["author"], text: row["text"],
                                 messageID: row["messageID"], ts: row["ts"], extras: extras(row))
        }
        try attachReactions(db, to: &messages)
        return messages
    }

    /// The newest messages of a room (room, limit): an index search on `(room, id)`, so
    /// its cost follows the limit, never the history (a test counts SQLite's steps).
    static let lastMessagesSQL = "SELECT \(messageColumns) FROM message WHERE room = ? ORDER BY id DESC LIMIT ?"
    /// The page before a key, newest first (room, key, limit): keyset paging, never OFFSET.
    static let pageBeforeSQL = "SELECT \(messageColumns) FROM message WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?"

    private static func lastMessages(_ db: Database, room: RoomName, limit: Int) throws -> [StoredMessage] {
        try storedMessages(db, sql: lastMessagesSQL, arguments: [room.rawValue, limit]).reversed()
    }

    public func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage] {
        try await pool.read { db in try Self.lastMessages(db, room: room, limit: limit) }
    }

    public func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage {
        try await pool.read { db in
            let newestFirst = try Self.storedMessages(
                db, sql: Self.pageBeforeSQL, arguments: [room.rawValue, before ?? Int64.max, limit + 1])
            return MessagePage(messages: newestFirst.prefix(limit).reversed(), hasMore: newestFirst.count > limit)
        }
    }

    public func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        try await search(in: room, for: query, limit: limit, timeBudget: SearchTimedOut.defaultBudget)
    }

    /// ``search(in:for:limit:)`` stopped once it has run for `timeBudget`.
    ///
    /// - Throws: ``SearchTimedOut`` when the budget ran out (SQLite's progress handler
    ///   interrupts the statement, so the reader is free again at once).
    public func search(in room: RoomName, for query: String, limit: Int, timeBudget: Duration) async throws -> [StoredMessage] {
        guard let match = FullTextQuery.make(query) else { return [] }
        return try await pool.read { db in
            // FTS5 hands its matches newest first (ORDER BY its rowid), so the scan stops at
            // `limit` matches in the room instead of collecting and sorting every match in the
            // history (a common word in 1M messages: 1.3 s before, 0.13 s so).
            try SearchDeadline.run(on: db, budget: timeBudget) {
                try Self.storedMessages(db, sql: """
                    SELECT \(Self.searchColumns) FROM message_fts JOIN message ON message.id = message_fts.rowid
                    WHERE message_fts MATCH ? AND message.room = ?
                    ORDER BY message_fts.rowid DESC LIMIT ?
                    """, arguments: [match, room.rawValue, limit])
            }
        }
    }

    private static func rooms(_ db: Database) throws -> [RoomName] {
        try String.fetchAll(db, sql: "SELECT name FROM room ORDER BY rowid").compactMap { try? RoomName($0) }
    }

    private static func onlineUsers(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT nick FROM onlineUser ORDER BY position")
    }

    private static func identity(_ db: Database) throws -> String? {
        guard try db.tableExists("database_identity") else { return nil }
        return try String.fetchOne(db, sql: "SELECT id FROM database_identity")
    }

    private static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'version'") ?? 0
    }

    public func rooms() async throws -> [RoomName] {
        try await pool.read { db in try Self.rooms(db) }
    }

    public func onlineUsers() async throws -> [String] {
        try await pool.read { db in try Self.onlineUsers(db) }
    }

    public func version() async throws -> Int64 {
        try await pool.read { db in try Self.version(db) }
    }

    public func lastInfo(messagesPerRoom: Int) async throws -> LastInfo {
        try await pool.read { db in
            let rooms = try Self.rooms(db)
            var messages: [RoomName: [StoredMessage]] = [:]
            for room in rooms {
                let last = try Self.lastMessages(db, room: room, limit: messagesPerRoom)
                if !last.isEmpty { messages[room] = last }
            }
            return LastInfo(users: try Self.onlineUsers(db), rooms: rooms, messages: messages, version: try Self.version(db))
        }
    }

    public func loadChatState(rules: GreetingRules) async throws -> ChatState {
        try await pool.read { db in
            var state = ChatState(rules: rules)
            for room in try Self.rooms(db) { state.addRoom(room) }
            var addressesByNick: [Nickname: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT address, nick FROM userAddress ORDER BY id") {
                guard let nick = try? Nickname(row["nick"] as String) else { continue }
                let address: String = row["address"]
                state.restore(address: address, nicknames: [nick])
                addressesByNick[nick, default: []].append(address)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM user") {
                guard let nick = try? Nickname(row["nick"] as String) else { continue }
                state.restore(nick, info: UserInfo(
                    addresses: addressesByNick[nick] ?? [], hostName: row["hostName"],
                    firstConnection: Date(milliseconds: row["firstConnection"]),
                    lastConnection: Date(milliseconds: row["lastConnection"]),
                    lastSeen: Date(milliseconds: row["lastSeen"])))
            }
            state.setOnline(try Self.onlineUsers(db).compactMap { try? Nickname($0) })
            return state
        }
    }

    public func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let start = after
            let chunk = try await pool.read { db in
                try Self.storedMessages(db, sql: """
                    SELECT \(Self.messageColumns) FROM message WHERE id > ? ORDER BY id LIMIT 2000
                    """, arguments: [start]).withHistory(db)
            }
            guard let last = chunk.last else { return }
            try body(chunk)
            after = last.key
        }
    }

    public func messageCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? 0 }
    }

    /// A pragma's value as the writer connection and a reader connection see it (tests).
    func pragma(_ name: String) async throws -> (writer: Int?, reader: Int?) {
        let writer = try await pool.write { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") }
        let reader = try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") }
        return (writer, reader)
    }

    /// Runs SQLite's `PRAGMA quick_check` (the file's structure, without the index
    /// contents; it reads the whole file); returns its answer, `["ok"]` when all is well.
    public func quickCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
    }

    /// Runs SQLite's `PRAGMA integrity_check`; returns its answer, `["ok"]` when all is well.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
