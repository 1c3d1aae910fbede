#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
public import ChatCore
public import ChatStore
public import Logging
import PostgresNIO
public import ServiceLifecycle
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The history in a PostgreSQL database, for deployments past one machine: several
/// `chatt-memorize` instances write and several `chatt-server` instances read the same
/// database. The same semantics as ``SQLiteMessageStore``: inserts idempotent by message
/// id, keyset paging on a `bigserial` key, full-text search (a `tsvector` column with a GIN
/// index), import and export through ``MessageStore``.
///
/// A batch is one transaction of a few statements whatever its size: every list is sent
/// as arrays and expanded with `unnest`. Transactions that collide with another writer's
/// (a deadlock or a serialization failure: two instances inserting the same new room or
/// the same redelivered message in a different order) are run again.
public final class PostgresMessageStore: MessageStore {
    let client: PostgresClient
    private let running = OneShotSignal()
    let logger: Logger
    /// Where this store is (password masked in its description).
    public let address: PostgresAddress

    /// Connects to `address`, brings the schema up to date and returns the store; queries
    /// go through its connection pool, which runs as ``service``.
    ///
    /// - Throws: ``StoreError`` with the server's own words (wrong password,
    ///   unknown database, nothing listening).
    public init(address: PostgresAddress, maximumConnections: Int = 8, logger: Logger = Logger(label: "chatt.postgres")) async throws(StoreError) {
        // One connection of its own first: it fails fast and with the server's words
        // (the pool retries quietly forever), and it runs the migration.
        let connection = try await address.connect(logger: logger)
        do {
            try await Self.migrate(connection, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw StoreError(address: address, operation: "migrate", underlying: error)
        }
        let client = PostgresClient(configuration: address.clientConfiguration(maximumConnections: maximumConnections),
                                    backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.address = address
    }

    /// The connection pool, to run in the daemon's service group: queries wait for it (see
    /// ``waitUntilRunning()``), and it closes its connections on graceful shutdown.
    public var service: any Service { PoolService(client: client, running: running) }

    /// Returns once the pool runs (postgres-nio warns when a query leases a connection
    /// before that).
    public func waitUntilRunning() async {
        await running.wait()
    }

    private struct PoolService: Service {
        let client: PostgresClient
        let running: OneShotSignal

        func run() async {
            // The pool marks itself running first thing in run(), on this same task.
            running.fire()
            await client.run()
        }
    }

    // MARK: Writing

    @discardableResult
    public func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        try await describingErrors("write to") {
            guard !batch.isEmpty else { return StoreWriteResult() }
            let result = try await retryingCollisions { connection in
                try await Self.write(batch, on: connection, logger: self.logger)
            }
            try await bumpVersion()
            return result
        }
    }

    public func refusesContent(_ error: any Error) -> Bool {
        (error as? StoreError)?.refusesContent ?? false
    }

    /// Runs `body`; an error from PostgreSQL becomes a ``StoreError`` that says what happened.
    func describingErrors<Result>(_ operation: String, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw StoreError(address: address, operation: operation, underlying: error)
        } catch let error as PostgresTransactionError {
            throw StoreError(address: address, operation: operation, underlying: error)
        }
    }

    /// Runs `body` in a transaction; runs it again (a few times) when PostgreSQL ends it
    /// for a deadlock or a serialization failure with another writer.
    private func retryingCollisions<Result: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError where attempt < 8 && error.isCollision {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20) * attempt))
            }
        }
    }

    /// After the commit, never before: a reader that sees the new version then also sees
    /// the new rows, so a cache keyed by the version is never stale.
    func bumpVersion() async throws {
        try await client.query("SELECT nextval('store_version')", logger: logger)
    }

    private static func write(_ batch: StoreBatch, on connection: PostgresConnection, logger: Logger) async throws -> StoreWriteResult {
        var rooms = batch.rooms
        var seenRooms = Set(rooms)
        for message in batch.messages where seenRooms.insert(message.room).inserted {
            rooms.append(message.room)
        }
        if !rooms.isEmpty {
            let names = rooms.map(\.rawValue)
            try await connection.query("""
                INSERT INTO room (name) SELECT name FROM unnest(\(names)::text[]) WITH ORDINALITY AS t(name, n)
                ORDER BY n ON CONFLICT DO NOTHING
                """, logger: logger)
        }

        var result = StoreWriteResult()
        var arrived: [String] = []
        if !batch.messages.isEmpty {
            let messages = batch.messages
            var inserted = 0
            for try await id in try await connection.query("""
                INSERT INTO message (room, author, text, message_id, ts, received_at, reply_to, edited_at, deleted, sig)
                SELECT room, author, text, CASE WHEN has_id THEN message_id END, CASE WHEN has_ts THEN ts END, received_at,
                    NULLIF(reply_to, ''), CASE WHEN edited_at >= 0 THEN edited_at END, deleted, NULLIF(sig, '')
                FROM unnest(\(messages.map(\.room.rawValue))::text[], \(messages.map(\.author))::text[],
                            \(messages.map(\.text))::text[], \(messages.map { $0.messageID ?? "" })::text[],
                            \(messages.map { $0.messageID != nil })::bool[], \(messages.map { $0.ts ?? 0 })::int8[],
                            \(messages.map { $0.ts != nil })::bool[], \(messages.map(\.receivedAt))::int8[],
                            \(messages.map { $0.replyTo ?? "" })::text[], \(messages.map { $0.edited ?? -1 })::int8[],
                            \(messages.map(\.deleted))::bool[], \(messages.map { $0.verdict?.rawValue ?? "" })::text[])
                    WITH ORDINALITY AS t(room, author, text, message_id, has_id, ts, has_ts, received_at, reply_to, edited_at, deleted, sig, n)
                ORDER BY n
                ON CONFLICT (message_id) DO NOTHING
                RETURNING message_id
                """, logger: logger).decode(String?.self) {
                inserted += 1
                if let id { arrived.append(id) }
            }
            result.inserted = inserted
            result.duplicates = messages.count - result.inserted
        }
        try await keepHistory(of: batch.messages, arrived: arrived, on: connection, logger: logger)
        result.events = try await applyConversation(batch, arrived: arrived, on: connection, logger: logger)

        if !batch.users.isEmpty {
            let users = batch.users.sorted(by: { $0.key < $1.key })
            try await connection.query("""
                INSERT INTO chat_user (nick, host_name, first_connection, last_connection, last_seen)
                SELECT nick, NULLIF(host_name, ''), first_connection, last_connection, last_seen
                FROM unnest(\(users.map(\.key.rawValue))::text[], \(users.map { $0.value.hostName ?? "" })::text[],
                            \(users.map { $0.value.firstConnection.milliseconds })::int8[],
                            \(users.map { $0.value.lastConnection.milliseconds })::int8[],
                            \(users.map { $0.value.lastSeen.milliseconds })::int8[])
                    AS t(nick, host_name, first_connection, last_connection, last_seen)
                ON CONFLICT (nick) DO UPDATE SET host_name = excluded.host_name,
                    first_connection = excluded.first_connection, last_connection = excluded.last_connection,
                    last_seen = excluded.last_seen
                """, logger: logger)
        }
        let addresses = batch.users.sorted(by: { $0.key < $1.key }).flatMap { nick, info in
            info.addresses.map { AddressNickname(address: $0, nick: nick) }
        } + batch.addresses
        if !addresses.isEmpty {
            try await connection.query("""
                INSERT INTO user_address (address, nick)
                SELECT address, nick FROM unnest(\(addresses.map(\.address))::text[], \(addresses.map(\.nick.rawValue))::text[])
                    WITH ORDINALITY AS t(address, nick, n)
                ORDER BY n ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if let online = batch.online {
            try await connection.query("DELETE FROM online_user", logger: logger)
            try await connection.query("""
                INSERT INTO online_user (position, nick)
                SELECT n, nick FROM unnest(\(online)::text[]) WITH ORDINALITY AS t(nick, n)
                """, logger: logger)
        }
        if !batch.onlineRemoved.isEmpty {
            try await connection.query("DELETE FROM online_user WHERE nick = ANY(\(batch.onlineRemoved)::text[])", logger: logger)
        }
        if !batch.onlineAdded.isEmpty {
            try await connection.query("""
                INSERT INTO online_user (position, nick)
                SELECT (SELECT COALESCE(max(position), 0) FROM online_user) + n, nick
                FROM unnest(\(batch.onlineAdded)::text[]) WITH ORDINALITY AS t(nick, n)
                """, logger: logger)
        }
        for (key, amount) in batch.counters.sorted(by: { $0.key < $1.key }) {
            try await connection.query("""
                INSERT INTO setting (key, value) VALUES (\(key), \(String(amount)))
                ON CONFLICT (key) DO UPDATE SET value = (setting.value::bigint + excluded.value::bigint)::text
                """, logger: logger)
        }
        try await writeRoomChanges(batch.roomChanges, on: connection, logger: logger)
        try await writeDirects(batch.directs, on: connection, logger: logger)
        return result
    }

    public func setting(_ key: String) async throws -> String? {
        try await describingErrors("read from") {
            try await client.query("SELECT value FROM setting WHERE key = \(key)", logger: logger)
                .decode(String.self).first { _ in true }
        }
    }

    public func setting(_ key: String, default value: String) async throws -> String {
        try await describingErrors("write to") {
            try await client.query("INSERT INTO setting (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO NOTHING",
                                   logger: logger)
            return try await setting(key) ?? value
        }
    }

    public func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        try await describingErrors("write to") {
            var replacement = StoreBatch()
            replacement.rooms = [room]
            replacement.messages = messages.map { var message = $0; message.room = room; return message }
            let batch = replacement, logger = self.logger
            _ = try await retryingCollisions { connection in
                try await connection.query("DELETE FROM message WHERE room = \(room.rawValue)", logger: logger)
                return try await Self.write(batch, on: connection, logger: logger)
            }
            try await bumpVersion()
        }
    }

    // MARK: Reading

    static let messageColumns = "id, room, author, text, message_id, COALESCE(ts, received_at), \(conversationColumns)"

    private typealias MessageRow = (Int64, String, String, String, String?, Int64, String?, Int64?, Bool, String?, String?)

    static func storedMessages(_ rows: PostgresRowSequence) async throws -> [StoredMessage] {
        var messages: [StoredMessage] = []
        for try await (key, room, author, text, messageID, ts, replyTo, edited, deleted, sig, reactions) in rows.decode(MessageRow.self) {
            guard let room = try? RoomName(room) else { continue }
            let extras = MessageExtras(replyTo: replyTo, edited: edited, deleted: deleted, reactions: Self.reactions(reactions),
                                       sig: sig.flatMap(SignatureVerdict.init(rawValue:)))
            messages.append(StoredMessage(key: key, room: room, author: author, text: text, messageID: messageID, ts: ts,
                                          extras: extras))
        }
        return messages
    }

    public func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage] {
        try await messages(in: room, before: nil, limit: limit).messages
    }

    public func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage {
        try await describingErrors("read") {
            let newestFirst = try await Self.storedMessages(client.query("""
                SELECT \(unescaped: Self.messageColumns) FROM message
                WHERE room = \(room.rawValue) AND id < \(before ?? Int64.max) ORDER BY id DESC LIMIT \(Int64(limit + 1))
                """, logger: logger))
            return MessagePage(messages: newestFirst.prefix(limit).reversed(), hasMore: newestFirst.count > limit)
        }
    }

    public func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        try await search(in: room, for: query, limit: limit, timeBudget: SearchTimedOut.defaultBudget)
    }

    /// ``search(in:for:limit:)`` stopped by PostgreSQL once it has run for `timeBudget`
    /// (`SET LOCAL statement_timeout`, which ends with the search's transaction, so the
    /// pooled connection keeps no timeout).
    ///
    /// - Throws: ``SearchTimedOut`` when the budget ran out.
    public func search(in room: RoomName, for query: String, limit: Int, timeBudget: Duration) async throws -> [StoredMessage] {
        guard let match = TextSearchQuery.make(query) else { return [] }
        let parts = timeBudget.components
        let milliseconds = max(1, parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
        let logger = self.logger
        return try await describingErrors("search") {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SET LOCAL statement_timeout = \(unescaped: String(milliseconds))", logger: logger)
                    return try await Self.storedMessages(connection.query("""
                        SELECT \(unescaped: Self.messageColumns) FROM message
                        WHERE room = \(room.rawValue) AND search @@ to_tsquery('simple', \(match)) ORDER BY id DESC LIMIT \(Int64(limit))
                        """, logger: logger))
                }
            } catch let error as PostgresTransactionError where error.isStatementTimeout {
                throw SearchTimedOut(budget: timeBudget)
            }
        }
    }

    public func rooms() async throws -> [RoomName] {
        try await client.withConnection { connection in try await Self.rooms(connection, logger: self.logger) }
    }

    private static func rooms(_ connection: PostgresConnection, logger: Logger) async throws -> [RoomName] {
        var rooms: [RoomName] = []
        for try await name in try await connection.query("SELECT name FROM room ORDER BY id", logger: logger).decode(String.self) {
            if let room = try? RoomName(name) { rooms.append(room) }
        }
        return rooms
    }

    public func onlineUsers() async throws -> [String] {
        try await client.withConnection { connection in try await Self.onlineUsers(connection, logger: self.logger) }
    }

    private static func onlineUsers(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var users: [String] = []
        for try await nick in try await connection.query("SELECT nick FROM online_user ORDER BY position", logger: logger)
            .decode(String.self) {
            users.append(nick)
        }
        return users
    }

    public func version() async throws -> Int64 {
        try await client.withConnection { connection in try await Self.version(connection, logger: self.logger) }
    }

    private static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        // `last_value` of a sequence never called yet is its start (1); called once, still 1.
        try await connection.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM store_version", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0
    }

    public func lastInfo(messagesPerRoom: Int) async throws -> LastInfo {
        try await describingErrors("read") {
            let logger = self.logger
            return try await client.withConnection { connection in
                // The version first: rows committed after it are newer than it says, never older.
                let version = try await Self.version(connection, logger: logger)
                let rooms = try await Self.rooms(connection, logger: logger)
                let users = try await Self.onlineUsers(connection, logger: logger)
                let last = try await Self.storedMessages(connection.query("""
                    SELECT m.* FROM room r CROSS JOIN LATERAL (
                        SELECT \(unescaped: Self.messageColumns) FROM message WHERE message.room = r.name
                        ORDER BY id DESC LIMIT \(Int64(messagesPerRoom))) m
                    ORDER BY m.id
                    """, logger: logger))
                return LastInfo(users: users, rooms: rooms, messages: Dictionary(grouping: last, by: \.room), version: version)
            }
        }
    }

    public func loadChatState(rules: GreetingRules) async throws -> ChatState {
        try await describingErrors("read") {
            let logger = self.logger
            return try await client.withConnection { connection in
                var state = ChatState(rules: rules)
                for room in try await Self.rooms(connection, logger: logger) { state.addRoom(room) }
                var addressesByNick: [Nickname: [String]] = [:]
                for try await (address, nick) in try await connection.query(
                    "SELECT address, nick FROM user_address ORDER BY id", logger: logger).decode((String, String).self) {
                    guard let nick = try? Nickname(nick) else { continue }
                    state.restore(address: address, nicknames: [nick])
                    addressesByNick[nick, default: []].append(address)
                }
                for try await (nick, hostName, first, last, seen) in try await connection.query(
                    "SELECT nick, host_name, first_connection, last_connection, last_seen FROM chat_user", logger: logger)
                    .decode((String, String?, Int64, Int64, Int64).self) {
                    guard let nick = try? Nickname(nick) else { continue }
                    state.restore(nick, info: UserInfo(
                        addresses: addressesByNick[nick] ?? [], hostName: hostName,
                        firstConnection: Date(milliseconds: first), lastConnection: Date(milliseconds: last),
                        lastSeen: Date(milliseconds: seen)))
                }
                state.setOnline(try await Self.onlineUsers(connection, logger: logger).compactMap { try? Nickname($0) })
                return state
            }
        }
    }

    public func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let chunk = try await withHistory(Self.storedMessages(client.query("""
                SELECT \(unescaped: Self.messageColumns) FROM message WHERE id > \(after) ORDER BY id LIMIT 2000
                """, logger: logger)))
            guard let last = chunk.last else { return }
            try body(chunk)
            after = last.key
        }
    }

    public func messageCount() async throws -> Int {
        let count = try await client.query("SELECT count(*) FROM message", logger: logger).decode(Int64.self).first { _ in true }
        return Int(count ?? 0)
    }
}

extension PostgresTransactionError {
    /// A deadlock (40P01) or a serialization failure (40001): the transaction may simply run again.
    var isCollision: Bool {
        guard let error = closureError as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// The statement was cancelled by `statement_timeout` (SQLSTATE 57014, query_canceled).
    var isStatementTimeout: Bool {
        guard let error = closureError as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "57014"
    }
}
#endif
