public import ChatCore
internal import GRDB
#if canImport(Glibc)
internal import Glibc
#endif
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The history in an SQLite file, shared by `chatt-memorize` (which writes) and
/// `chatt-server` (which mostly reads).
///
/// WAL mode, `synchronous=NORMAL`, a busy timeout; reads run on the pool's read-only
/// connections, on GRDB's own threads, never on the caller's event loop. Writes are one
/// transaction per ``StoreBatch``.
public final class SQLiteMessageStore: MessageStore {
    private let pool: DatabasePool
    /// The file this store reads and writes.
    public let path: String

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    ///
    /// - Throws: ``StoreError`` saying which file could not be opened, and why.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.seconds)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try Self.openSharingFirstUse(path: path, configuration: configuration)
        } catch {
            throw StoreError(path: path, operation: "open", underlying: error)
        }
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

    // MARK: Writing

    @discardableResult
    public func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        guard !batch.isEmpty else { return StoreWriteResult() }
        return try await pool.write { db in try Self.write(batch, in: db) }
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
            INSERT INTO message (room, author, text, messageID, ts, receivedAt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (messageID) DO NOTHING
            """)
        for message in batch.messages {
            try insertMessage.execute(arguments: [
                message.room.rawValue, message.author, message.text, message.messageID, message.ts, message.receivedAt,
            ])
            if db.changesCount > 0 { result.inserted += 1 } else { result.duplicates += 1 }
        }
        if result.inserted > 0 {
            try db.execute(sql: "INSERT INTO message_fts (rowid, text) SELECT id, text FROM message WHERE id > ?",
                           arguments: [lastKeyBefore])
        }

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
        if let online = batch.online {
            try db.execute(sql: "DELETE FROM onlineUser")
            let insertOnline = try db.cachedStatement(sql: "INSERT INTO onlineUser (nick) VALUES (?)")
            for nick in online {
                try insertOnline.execute(arguments: [nick])
            }
        }
        try bumpVersion(db)
        return result
    }

    private static func bumpVersion(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'version'")
    }

    public func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM message WHERE room = ?", arguments: [room.rawValue])
            var batch = StoreBatch()
            batch.rooms = [room]
            batch.messages = messages.map { var message = $0; message.room = room; return message }
            _ = try Self.write(batch, in: db)
        }
    }

    // MARK: Reading

    private static let messageColumns = "id, room, author, text, messageID, COALESCE(ts, receivedAt) AS ts"
    /// ``messageColumns`` of `message` joined with `message_fts` (which has a `text` too).
    private static let searchColumns = """
        message.id AS id, message.room AS room, message.author AS author, message.text AS text, \
        message.messageID AS messageID, COALESCE(message.ts, message.receivedAt) AS ts
        """

    private static func storedMessages(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredMessage] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let room = try? RoomName(row["room"] as String) else { return nil }
            return StoredMessage(key: row["id"], room: room, author: row["author"], text: row["text"],
                                 messageID: row["messageID"], ts: row["ts"])
        }
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
                    """, arguments: [start])
            }
            guard let last = chunk.last else { return }
            try body(chunk)
            after = last.key
        }
    }

    public func messageCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? 0 }
    }

    /// Runs SQLite's `PRAGMA integrity_check`; returns its answer, `["ok"]` when all is well.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

/// A database file could not be opened or migrated.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What was being done.
    public let operation: String
    /// SQLite's (or GRDB's) own words.
    public let reason: String

    init(path: String, operation: String, underlying: any Error) {
        self.path = path
        self.operation = operation
        self.reason = "\(underlying)"
    }

    public var description: String { "cannot \(operation) the database \(path): \(reason)" }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
