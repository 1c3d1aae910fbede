#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
public import ChatCore
public import ChatStore
import Foundation
import Logging
import PostgresNIO

/// Protocol v2 on PostgreSQL: the same tables as SQLite's, and the same rules
/// (``ConversationRules``), run on what the write reads first and then carried out in the
/// write's transaction.
extension PostgresMessageStore {
    /// Replies, edits, deletes, reactions, the ids of events dealt with, held events. Its
    /// version number is the issue's, away from the others' next numbers.
    static let conversationMigration = Migration(version: 16, name: "v2: replies, edits, deletes, reactions, held events", statements: [
        "ALTER TABLE message ADD COLUMN reply_to text, ADD COLUMN edited_at bigint, ADD COLUMN deleted boolean NOT NULL DEFAULT false",
        "CREATE TABLE message_edit (id bigserial PRIMARY KEY, message bigint NOT NULL, text text NOT NULL, ts bigint NOT NULL)",
        "CREATE INDEX message_edit_message ON message_edit (message, id)",
        """
        CREATE TABLE reaction (
            id bigserial PRIMARY KEY, message bigint NOT NULL, emoji text NOT NULL, author text NOT NULL,
            UNIQUE (message, emoji, author)
        )
        """,
        "CREATE TABLE conversation_event (event_id text PRIMARY KEY)",
        """
        CREATE TABLE held_event (
            position bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, target text NOT NULL, room text NOT NULL,
            author text NOT NULL, kind text NOT NULL, text text, emoji text, is_on boolean, ts bigint NOT NULL,
            received_at bigint NOT NULL
        )
        """,
        "CREATE INDEX held_event_target ON held_event (target, position)",
    ])

    /// The v2 columns a read adds: reply, edit time, tombstone, and the reactions as a JSON
    /// array of `[emoji, author]`, oldest first.
    static let conversationColumns = """
        reply_to, edited_at, deleted, sig, \
        (SELECT json_agg(json_build_array(r.emoji, r.author) ORDER BY r.id) FROM reaction r WHERE r.message = message.id)::text
        """

    /// The reactions read with ``conversationColumns``.
    static func reactions(_ json: String?) -> [String: [String]] {
        guard let json, let pairs = try? JSONDecoder().decode([[String]].self, from: Data(json.utf8)) else { return [:] }
        var reactions: [String: [String]] = [:]
        for pair in pairs where pair.count == 2 {
            reactions[pair[0], default: []].append(pair[1])
        }
        return reactions
    }

    /// Applies the batch's events and the held ones whose target is in `arrived`.
    static func applyConversation(_ batch: StoreBatch, arrived: [String], on connection: PostgresConnection,
                                  logger: Logger) async throws -> ConversationOutcome {
        guard !batch.events.isEmpty || !arrived.isEmpty else { return ConversationOutcome() }
        var ledger = try await PlannedLedger.read(for: batch.events, arrived: arrived, on: connection, logger: logger)
        if batch.events.isEmpty && ledger.heldTotal == 0 { return ConversationOutcome() }
        let outcome = try ConversationRules.apply(batch.events, arrived: arrived, to: &ledger)
        for step in ledger.steps {
            try await step.run(on: connection, logger: logger)
        }
        if outcome.droppedHeld > 0 {
            try await connection.query("""
                INSERT INTO setting (key, value) VALUES (\(SettingKey.droppedHeldEvents), \(String(outcome.droppedHeld)))
                ON CONFLICT (key) DO UPDATE SET value = (setting.value::bigint + excluded.value::bigint)::text
                """, logger: logger)
        }
        return outcome
    }

    public func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage? {
        try await describingErrors("read") {
            var found: Int64?
            for try await key in try await client.query(
                "SELECT id FROM message WHERE message_id = \(messageID) AND room = \(room.rawValue)", logger: logger
            ).decode(Int64.self) {
                found = key
            }
            guard let key = found else { return nil }
            let newerWanted = max(0, (limit - 1) / 2)
            let newerRows = try await Self.storedMessages(client.query("""
                SELECT \(unescaped: Self.messageColumns) FROM message
                WHERE room = \(room.rawValue) AND id > \(key) ORDER BY id LIMIT \(Int64(newerWanted + 1))
                """, logger: logger))
            let newer = Array(newerRows.prefix(newerWanted))
            let olderWanted = limit - newer.count
            let older = try await Self.storedMessages(client.query("""
                SELECT \(unescaped: Self.messageColumns) FROM message
                WHERE room = \(room.rawValue) AND id <= \(key) ORDER BY id DESC LIMIT \(Int64(olderWanted + 1))
                """, logger: logger))
            return MessagePage(messages: older.prefix(olderWanted).reversed() + newer, hasMore: older.count > olderWanted,
                               hasNewer: newerRows.count > newerWanted)
        }
    }

    /// Keeps the earlier texts of imported messages that were stored (`arrived`).
    static func keepHistory(of messages: [NewMessage], arrived: [String], on connection: PostgresConnection,
                            logger: Logger) async throws {
        let stored = Set(arrived)
        for message in messages where !message.history.isEmpty {
            guard let id = message.messageID, stored.contains(id) else { continue }
            try await connection.query("""
                INSERT INTO message_edit (message, text, ts)
                SELECT m.id, t.text, t.ts FROM message m,
                    unnest(\(message.history.map(\.text))::text[], \(message.history.map(\.ts))::int8[]) WITH ORDINALITY AS t(text, ts, n)
                WHERE m.message_id = \(id) ORDER BY n
                """, logger: logger)
        }
    }

    /// `chunk` with the earlier texts of its edited messages, for the export.
    func withHistory(_ chunk: [StoredMessage]) async throws -> [StoredMessage] {
        guard let first = chunk.first?.key, let last = chunk.last?.key else { return chunk }
        var messages = chunk
        var index: [Int64: Int] = [:]
        for (position, message) in messages.enumerated() { index[message.key] = position }
        for try await (key, text, ts) in try await client.query("""
            SELECT message, text, ts FROM message_edit WHERE message BETWEEN \(first) AND \(last) ORDER BY id
            """, logger: logger).decode((Int64, String, Int64).self) {
            guard let position = index[key] else { continue }
            var extras = messages[position].extras ?? MessageExtras()
            extras.history.append(EarlierText(text: text, ts: ts))
            messages[position].extras = extras
        }
        return messages
    }

    public func heldEventCount() async throws -> Int {
        try await describingErrors("read") {
            let count = try await client.query("SELECT count(*) FROM held_event", logger: logger).decode(Int64.self).first { _ in true }
            return Int(count ?? 0)
        }
    }
}

/// A ``ConversationLedger`` over what one write read first (the targets, the ids known, the
/// held events of the messages that arrived), recording what to change as steps run after.
struct PlannedLedger: ConversationLedger {
    var targets: [String: ConversationTarget] = [:]
    var known: Set<String> = []
    var heldFor: [String: [ConversationEvent]] = [:]
    var heldTotal = 0
    var steps: [Step] = []

    /// One change to carry out.
    enum Step {
        case done(String)
        case hold(ConversationEvent)
        case dropOldestHeld
        case takeHeld(String)
        case keepEarlier(key: Int64, text: String, ts: Int64)
        case replace(key: Int64, text: String, editedAt: Int64)
        case tombstone(key: Int64)
        case reaction(key: Int64, emoji: String, author: String, on: Bool)

        func run(on connection: PostgresConnection, logger: Logger) async throws {
            switch self {
            case .done(let id):
                try await connection.query("INSERT INTO conversation_event (event_id) VALUES (\(id)) ON CONFLICT DO NOTHING", logger: logger)
            case .hold(let event):
                var text: String?, emoji: String?, isOn: Bool?
                switch event.kind {
                case .edit(let newText): text = newText
                case .delete: break
                case .react(let reaction, let on): (emoji, isOn) = (reaction, on)
                }
                try await connection.query("""
                    INSERT INTO held_event (event_id, target, room, author, kind, text, emoji, is_on, ts, received_at)
                    VALUES (\(event.eventID), \(event.target), \(event.room.rawValue), \(event.author), \(event.kind.name),
                            \(text), \(emoji), \(isOn), \(event.ts), \(event.receivedAt))
                    ON CONFLICT (event_id) DO NOTHING
                    """, logger: logger)
            case .dropOldestHeld:
                try await connection.query("DELETE FROM held_event WHERE position = (SELECT min(position) FROM held_event)", logger: logger)
            case .takeHeld(let target):
                try await connection.query("DELETE FROM held_event WHERE target = \(target)", logger: logger)
            case .keepEarlier(let key, let text, let ts):
                try await connection.query("INSERT INTO message_edit (message, text, ts) VALUES (\(key), \(text), \(ts))", logger: logger)
            case .replace(let key, let text, let editedAt):
                try await connection.query("UPDATE message SET text = \(text), edited_at = \(editedAt) WHERE id = \(key)", logger: logger)
            case .tombstone(let key):
                try await connection.query("UPDATE message SET text = '', deleted = true WHERE id = \(key)", logger: logger)
                try await connection.query("DELETE FROM message_edit WHERE message = \(key)", logger: logger)
                try await connection.query("DELETE FROM reaction WHERE message = \(key)", logger: logger)
            case .reaction(let key, let emoji, let author, let on):
                if on {
                    try await connection.query("""
                        INSERT INTO reaction (message, emoji, author) VALUES (\(key), \(emoji), \(author)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                } else {
                    try await connection.query("""
                        DELETE FROM reaction WHERE message = \(key) AND emoji = \(emoji) AND author = \(author)
                        """, logger: logger)
                }
            }
        }
    }

    /// Reads what the rules will ask about `events` and the messages `arrived`.
    static func read(for events: [ConversationEvent], arrived: [String], on connection: PostgresConnection,
                     logger: Logger) async throws -> PlannedLedger {
        var ledger = PlannedLedger()
        ledger.heldTotal = Int(try await connection.query("SELECT count(*) FROM held_event", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0)
        if ledger.heldTotal > 0, !arrived.isEmpty {
            for try await (id, target, room, author, kind, text, emoji, isOn, ts, receivedAt) in try await connection.query("""
                SELECT event_id, target, room, author, kind, text, emoji, is_on, ts, received_at FROM held_event
                WHERE target = ANY(\(arrived)::text[]) ORDER BY position
                """, logger: logger).decode((String, String, String, String, String, String?, String?, Bool?, Int64, Int64).self) {
                guard let room = try? RoomName(room) else { continue }
                let eventKind: ConversationEvent.Kind = switch kind {
                case "edit": .edit(text: text ?? "")
                case "delete": .delete
                default: .react(emoji: emoji ?? "", on: isOn ?? false)
                }
                ledger.heldFor[target, default: []].append(ConversationEvent(
                    room: room, author: author, eventID: id, target: target, kind: eventKind, ts: ts, receivedAt: receivedAt))
            }
        }
        let ids = events.map(\.eventID)
        if !ids.isEmpty {
            for try await id in try await connection.query("""
                SELECT event_id FROM conversation_event WHERE event_id = ANY(\(ids)::text[])
                UNION ALL SELECT event_id FROM held_event WHERE event_id = ANY(\(ids)::text[])
                """, logger: logger).decode(String.self) {
                ledger.known.insert(id)
            }
        }
        let targets = Array(Set(events.map(\.target) + ledger.heldFor.keys))
        if !targets.isEmpty {
            for try await (key, room, author, text, messageID, ts, edited, deleted) in try await connection.query("""
                SELECT id, room, author, text, message_id, COALESCE(ts, received_at), edited_at, deleted FROM message
                WHERE message_id = ANY(\(targets)::text[])
                """, logger: logger).decode((Int64, String, String, String, String, Int64, Int64?, Bool).self) {
                ledger.targets[messageID] = ConversationTarget(key: key, room: room, author: author, text: text, ts: ts,
                                                               edited: edited, deleted: deleted)
            }
        }
        return ledger
    }

    func knowsEvent(_ eventID: String) -> Bool { known.contains(eventID) }

    mutating func markDone(_ eventID: String) {
        known.insert(eventID)
        steps.append(.done(eventID))
    }

    func target(_ messageID: String) -> ConversationTarget? { targets[messageID] }

    mutating func hold(_ event: ConversationEvent) {
        known.insert(event.eventID)
        heldTotal += 1
        steps.append(.hold(event))
    }

    func heldCount() -> Int { heldTotal }

    func hasHeld() -> Bool { heldTotal > 0 }

    mutating func dropOldestHeld() -> Bool {
        guard heldTotal > 0 else { return false }
        heldTotal -= 1
        steps.append(.dropOldestHeld)
        return true
    }

    mutating func takeHeld(for messageID: String) -> [ConversationEvent] {
        guard let taken = heldFor.removeValue(forKey: messageID) else { return [] }
        heldTotal -= taken.count
        steps.append(.takeHeld(messageID))
        return taken
    }

    mutating func keepEarlierText(_ text: String, ts: Int64, of key: Int64) {
        steps.append(.keepEarlier(key: key, text: text, ts: ts))
    }

    private mutating func changeTarget(_ key: Int64, _ body: (inout ConversationTarget) -> Void) {
        for (id, target) in targets where target.key == key {
            var changed = target
            body(&changed)
            targets[id] = changed
        }
    }

    mutating func replaceText(of target: ConversationTarget, with text: String, editedAt ts: Int64) {
        steps.append(.replace(key: target.key, text: text, editedAt: ts))
        changeTarget(target.key) { $0.text = text; $0.edited = ts }
    }

    mutating func tombstone(_ target: ConversationTarget) {
        steps.append(.tombstone(key: target.key))
        changeTarget(target.key) { $0.text = ""; $0.deleted = true }
    }

    mutating func setReaction(_ emoji: String, by author: String, on key: Int64, on: Bool) {
        steps.append(.reaction(key: key, emoji: emoji, author: author, on: on))
    }
}
#endif
