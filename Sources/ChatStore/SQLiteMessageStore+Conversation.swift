public import ChatCore
internal import GRDB

/// Protocol v2 in SQLite: replies, edits (earlier texts in `message_edit`), deletes
/// (tombstones), reactions, the ids of events dealt with, and the events held until their
/// target arrives (`held_event`: held in the database, so they survive a restart).
extension SQLiteMessageStore {
    /// The migration's name.
    static let conversationMigration = "v2: replies, edits, deletes, reactions, held events"

    /// Adds the v2 tables and columns.
    static func registerConversationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(conversationMigration) { db in
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN replyTo TEXT;
                ALTER TABLE message ADD COLUMN editedAt INTEGER;
                ALTER TABLE message ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE message_edit (
                    id INTEGER PRIMARY KEY,
                    message INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    ts INTEGER NOT NULL
                );
                CREATE INDEX message_edit_message ON message_edit (message, id);
                CREATE TABLE reaction (
                    id INTEGER PRIMARY KEY,
                    message INTEGER NOT NULL,
                    emoji TEXT NOT NULL,
                    author TEXT NOT NULL,
                    UNIQUE (message, emoji, author)
                );
                CREATE TABLE conversation_event (eventID TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                CREATE TABLE held_event (
                    position INTEGER PRIMARY KEY,
                    eventID TEXT NOT NULL UNIQUE,
                    target TEXT NOT NULL,
                    room TEXT NOT NULL,
                    author TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT,
                    emoji TEXT,
                    isOn INTEGER,
                    ts INTEGER NOT NULL,
                    receivedAt INTEGER NOT NULL
                );
                CREATE INDEX held_event_target ON held_event (target, position);
                """)
        }
    }

    /// Applies the batch's events (and held ones whose target is among `arrived`).
    static func applyConversation(_ batch: StoreBatch, arrived: [String], in db: Database) throws -> ConversationOutcome {
        guard !batch.events.isEmpty || !arrived.isEmpty else { return ConversationOutcome() }
        var ledger = SQLiteConversationLedger(db: db)
        let outcome = try ConversationRules.apply(batch.events, arrived: arrived, to: &ledger)
        if outcome.droppedHeld > 0 {
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)
                """, arguments: [SettingKey.droppedHeldEvents, String(outcome.droppedHeld)])
        }
        return outcome
    }

    /// The v2 columns a read adds to ``messageColumns``.
    static let conversationColumns = "replyTo, editedAt, deleted, sig"

    /// The extras of a row read with ``conversationColumns`` (reactions come after).
    static func extras(_ row: Row) -> MessageExtras? {
        let deleted: Int64 = row["deleted"] ?? 0
        let sig: String? = row["sig"]
        return MessageExtras(replyTo: row["replyTo"], edited: row["editedAt"], deleted: deleted != 0,
                             sig: sig.flatMap(SignatureVerdict.init(rawValue:))).nonEmpty
    }

    /// Adds the reactions of `messages` to their extras.
    static func attachReactions(_ db: Database, to messages: inout [StoredMessage]) throws {
        guard !messages.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (position, message) in messages.enumerated() { index[message.key] = position }
        let keys = messages.map(\.key)
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: "SELECT message, emoji, author FROM reaction WHERE message IN (\(placeholders)) ORDER BY id",
                                    arguments: StatementArguments(keys))
        for row in rows {
            guard let position = index[row["message"]] else { continue }
            var extras = messages[position].extras ?? MessageExtras()
            extras.reactions[row["emoji"], default: []].append(row["author"])
            messages[position].extras = extras
        }
    }

    /// How many events wait for their target.
    public func heldEventCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM held_event") ?? 0 }
    }

    /// The page of `room` holding the message `messageID`: up to `limit` messages, about
    /// half of them older; `nil` when no such message is in the room.
    public func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage? {
        try await pool.read { db in
            guard let key = try Int64.fetchOne(db, sql: "SELECT id FROM message WHERE messageID = ? AND room = ?",
                                               arguments: [messageID, room.rawValue]) else { return nil }
            let newerWanted = max(0, (limit - 1) / 2)
            var newer = try Self.storedMessages(db, sql: """
                SELECT \(Self.messageColumns) FROM message WHERE room = ? AND id > ? ORDER BY id LIMIT ?
                """, arguments: [room.rawValue, key, newerWanted + 1])
            let hasNewer = newer.count > newerWanted
            newer = Array(newer.prefix(newerWanted))
            let olderWanted = limit - newer.count
            let older = try Self.storedMessages(db, sql: Self.pageBeforeSQL, arguments: [room.rawValue, key + 1, olderWanted + 1])
            var page = Array(older.prefix(olderWanted).reversed()) + newer
            try Self.attachReactions(db, to: &page)
            return MessagePage(messages: page, hasMore: older.count > olderWanted, hasNewer: hasNewer)
        }
    }
}

extension SQLiteMessageStore {
    /// Keeps `history` as the earlier texts of the message `key` (an import).
    static func keepHistory(_ history: [EarlierText], of key: Int64, in db: Database) throws {
        let ledger = SQLiteConversationLedger(db: db)
        for earlier in history { try ledger.keepEarlierText(earlier.text, ts: earlier.ts, of: key) }
    }
}

extension [StoredMessage] {
    /// The messages with their earlier texts (``MessageExtras/history``), for the export.
    func withHistory(_ db: Database) throws -> [StoredMessage] {
        guard let first = first?.key, let last = last?.key else { return self }
        var messages = self
        var index: [Int64: Int] = [:]
        for (position, message) in messages.enumerated() { index[message.key] = position }
        for row in try Row.fetchAll(db, sql: "SELECT message, text, ts FROM message_edit WHERE message BETWEEN ? AND ? ORDER BY id",
                                    arguments: [first, last]) {
            guard let position = index[row["message"]] else { continue }
            var extras = messages[position].extras ?? MessageExtras()
            extras.history.append(EarlierText(text: row["text"], ts: row["ts"]))
            messages[position].extras = extras
        }
        return messages
    }
}

/// ``ConversationLedger`` on an SQLite write transaction.
struct SQLiteConversationLedger: ConversationLedger {
    let db: Database

    func knowsEvent(_ eventID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM conversation_event WHERE eventID = ?1) OR EXISTS (SELECT 1 FROM held_event WHERE eventID = ?1)
            """), arguments: [eventID]) ?? false
    }

    func markDone(_ eventID: String) throws {
        try db.cachedStatement(sql: "INSERT INTO conversation_event (eventID) VALUES (?) ON CONFLICT DO NOTHING")
            .execute(arguments: [eventID])
    }

    func target(_ messageID: String) throws -> ConversationTarget? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, room, author, text, COALESCE(ts, receivedAt) AS ts, editedAt, deleted FROM message WHERE messageID = ?
            """), arguments: [messageID]) else { return nil }
        let deleted: Int64 = row["deleted"]
        return ConversationTarget(key: row["id"], room: row["room"], author: row["author"], text: row["text"], ts: row["ts"],
                                  edited: row["editedAt"], deleted: deleted != 0)
    }

    func hold(_ event: ConversationEvent) throws {
        var text: String?, emoji: String?, isOn: Bool?
        switch event.kind {
        case .edit(let newText): text = newText
        case .delete: break
        case .react(let reaction, let on): (emoji, isOn) = (reaction, on)
        }
        try db.cachedStatement(sql: """
            INSERT INTO held_event (eventID, target, room, author, kind, text, emoji, isOn, ts, receivedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (eventID) DO NOTHING
            """).execute(arguments: [event.eventID, event.target, event.room.rawValue, event.author, event.kind.name,
                                     text, emoji, isOn, event.ts, event.receivedAt])
    }

    func heldCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM held_event")) ?? 0
    }

    func hasHeld() throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM held_event)")) ?? false
    }

    func dropOldestHeld() throws -> Bool {
        try db.execute(sql: "DELETE FROM held_event WHERE position = (SELECT min(position) FROM held_event)")
        return db.changesCount > 0
    }

    func takeHeld(for messageID: String) throws -> [ConversationEvent] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM held_event WHERE target = ? ORDER BY position"),
                                    arguments: [messageID])
        guard !rows.isEmpty else { return [] }
        try db.cachedStatement(sql: "DELETE FROM held_event WHERE target = ?").execute(arguments: [messageID])
        return rows.compactMap { row in
            guard let room = try? RoomName(row["room"] as String) else { return nil }
            let kind: ConversationEvent.Kind
            switch row["kind"] as String {
            case "edit": kind = .edit(text: row["text"] ?? "")
            case "delete": kind = .delete
            default: kind = .react(emoji: row["emoji"] ?? "", on: row["isOn"] ?? false)
            }
            return ConversationEvent(room: room, author: row["author"], eventID: row["eventID"], target: row["target"],
                                     kind: kind, ts: row["ts"], receivedAt: row["receivedAt"])
        }
    }

    func keepEarlierText(_ text: String, ts: Int64, of key: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO message_edit (message, text, ts) VALUES (?, ?, ?)").execute(arguments: [key, text, ts])
    }

    func replaceText(of target: ConversationTarget, with text: String, editedAt ts: Int64) throws {
        try reindex(target.key, from: target.text, to: text)
        try db.cachedStatement(sql: "UPDATE message SET text = ?, editedAt = ? WHERE id = ?").execute(arguments: [text, ts, target.key])
    }

    func tombstone(_ target: ConversationTarget) throws {
        try reindex(target.key, from: target.text, to: "")
        try db.cachedStatement(sql: "UPDATE message SET text = '', deleted = 1 WHERE id = ?").execute(arguments: [target.key])
        try db.cachedStatement(sql: "DELETE FROM message_edit WHERE message = ?").execute(arguments: [target.key])
        try db.cachedStatement(sql: "DELETE FROM reaction WHERE message = ?").execute(arguments: [target.key])
    }

    func setReaction(_ emoji: String, by author: String, on key: Int64, on: Bool) throws {
        if on {
            try db.cachedStatement(sql: "INSERT INTO reaction (message, emoji, author) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [key, emoji, author])
        } else {
            try db.cachedStatement(sql: "DELETE FROM reaction WHERE message = ? AND emoji = ? AND author = ?")
                .execute(arguments: [key, emoji, author])
        }
    }

    /// Keeps the full-text index in step with the message's text (an external-content
    /// index must be told the old text to forget it).
    private func reindex(_ key: Int64, from old: String, to new: String) throws {
        try db.cachedStatement(sql: "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', ?, ?)")
            .execute(arguments: [key, old])
        try db.cachedStatement(sql: "INSERT INTO message_fts (rowid, text) VALUES (?, ?)").execute(arguments: [key, new])
    }
}
