#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
import ChatCore
public import ChatStore
import Logging
import PostgresNIO

/// Room settings (topics, archive states) and search across rooms, paged by key.
extension PostgresMessageStore {
    /// Keeps each change unless a newer one (by `ts`) is kept already.
    static func writeRoomChanges(_ changes: [RoomSettingChange], on connection: PostgresConnection, logger: Logger) async throws {
        for change in changes {
            switch change {
            case .topic(let room, let value):
                try await connection.query("""
                    INSERT INTO room_topic (room, text, author, event_id, ts)
                    VALUES (\(room.rawValue), \(value.text), \(value.author), \(value.id), \(value.ts))
                    ON CONFLICT (room) DO UPDATE SET text = excluded.text, author = excluded.author,
                        event_id = excluded.event_id, ts = excluded.ts
                    WHERE excluded.ts >= room_topic.ts
                    """, logger: logger)
            case .archive(let room, let value):
                try await connection.query("""
                    INSERT INTO room_archive (room, archived, author, event_id, ts)
                    VALUES (\(room.rawValue), \(value.on), \(value.author), \(value.id), \(value.ts))
                    ON CONFLICT (room) DO UPDATE SET archived = excluded.archived, author = excluded.author,
                        event_id = excluded.event_id, ts = excluded.ts
                    WHERE excluded.ts >= room_archive.ts
                    """, logger: logger)
            }
        }
    }

    public func roomSettings() async throws -> RoomSettings {
        try await describingErrors("read") {
            var settings = RoomSettings()
            for try await (room, text, author, id, ts) in try await client.query(
                "SELECT room, text, author, event_id, ts FROM room_topic", logger: logger)
                .decode((String, String, String, String, Int64).self) {
                guard let room = try? RoomName(room) else { continue }
                settings.topics[room] = RoomTopic(text: text, author: author, id: id, ts: ts)
            }
            for try await (room, on, author, id, ts) in try await client.query(
                "SELECT room, archived, author, event_id, ts FROM room_archive", logger: logger)
                .decode((String, Bool, String, String, Int64).self) {
                guard let room = try? RoomName(room) else { continue }
                settings.archives[room] = RoomArchive(on: on, author: author, id: id, ts: ts)
            }
            return settings
        }
    }

    public func search(_ search: MessageSearch) async throws -> SearchPage {
        guard !search.isEmpty else { return SearchPage(messages: [], hasMore: false) }
        let milliseconds = max(1, SearchTimedOut.defaultBudget.components.seconds * 1000)
        // Empty strings and the largest key stand for "any": one statement, every filter bound.
        let match = TextSearchQuery.make(search.words) ?? ""
        let room = search.room?.rawValue ?? ""
        let author = search.author ?? ""
        let before = search.before ?? Int64.max
        let logger = self.logger
        let found = try await describingErrors("search") {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SET LOCAL statement_timeout = \(unescaped: String(milliseconds))", logger: logger)
                    return try await Self.storedMessages(connection.query("""
                        SELECT \(unescaped: Self.messageColumns) FROM message
                        WHERE (\(match) = '' OR search @@ to_tsquery('simple', \(match)))
                            AND (\(room) = '' OR room = \(room))
                            AND (\(author) = '' OR lower(author) = lower(\(author)))
                            AND NOT deleted
                            AND id < \(before)
                        ORDER BY id DESC LIMIT \(Int64(search.limit + 1))
                        """, logger: logger))
                }
            } catch let error as PostgresTransactionError where error.isStatementTimeout {
                throw SearchTimedOut(budget: SearchTimedOut.defaultBudget)
            }
        }
        return SearchPage(messages: Array(found.prefix(search.limit)), hasMore: found.count > search.limit)
    }
}
#endif
