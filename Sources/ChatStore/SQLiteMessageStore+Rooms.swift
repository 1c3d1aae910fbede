internal import ChatCore
internal import GRDB

/// Room settings (topics, archive states) and the author index of `from:` searches: a
/// migration and tables of their own.
extension SQLiteMessageStore {
    static let roomMigration = "rooms: topics, archive states; messages by author"

    static func registerRoomMigration(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(roomMigration) { db in
            try db.execute(sql: """
                CREATE TABLE room_topic (
                    room TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL, author TEXT NOT NULL, eventID TEXT NOT NULL,
                    ts INTEGER NOT NULL
                );
                CREATE TABLE room_archive (
                    room TEXT PRIMARY KEY NOT NULL, archived INTEGER NOT NULL, author TEXT NOT NULL,
                    eventID TEXT NOT NULL, ts INTEGER NOT NULL
                );
                CREATE INDEX message_author_id ON message (author COLLATE NOCASE, id);
                """)
        }
    }

    /// Keeps each change unless a newer one (by `ts`) is kept already.
    static func writeRoomChanges(_ changes: [RoomSettingChange], in db: Database) throws {
        guard !changes.isEmpty else { return }
        let topic = try db.cachedStatement(sql: """
            INSERT INTO room_topic (room, text, author, eventID, ts) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (room) DO UPDATE SET text = excluded.text, author = excluded.author, eventID = excluded.eventID,
                ts = excluded.ts
            WHERE excluded.ts >= room_topic.ts
            """)
        let archive = try db.cachedStatement(sql: """
            INSERT INTO room_archive (room, archived, author, eventID, ts) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (room) DO UPDATE SET archived = excluded.archived, author = excluded.author,
                eventID = excluded.eventID, ts = excluded.ts
            WHERE excluded.ts >= room_archive.ts
            """)
        for change in changes {
            switch change {
            case .topic(let room, let value):
                try topic.execute(arguments: [room.rawValue, value.text, value.author, value.id, value.ts])
            case .archive(let room, let value):
                try archive.execute(arguments: [room.rawValue, value.on, value.author, value.id, value.ts])
            }
        }
    }

    public func roomSettings() async throws -> RoomSettings {
        try await pool.read { db in
            var settings = RoomSettings()
            for row in try Row.fetchAll(db, sql: "SELECT room, text, author, eventID, ts FROM room_topic") {
                guard let room = try? RoomName(row["room"] as String) else { continue }
                settings.topics[room] = RoomTopic(text: row["text"], author: row["author"], id: row["eventID"], ts: row["ts"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT room, archived, author, eventID, ts FROM room_archive") {
                guard let room = try? RoomName(row["room"] as String) else { continue }
                settings.archives[room] = RoomArchive(on: row["archived"], author: row["author"], id: row["eventID"], ts: row["ts"])
            }
            return settings
        }
    }
}
