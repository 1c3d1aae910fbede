internal import GRDB
internal import Foundation

extension SQLiteMessageStore {
    /// The schema, as named migrations; each runs once per database file.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(firstMigration) { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                INSERT INTO meta (key, value) VALUES ('version', 0);

                CREATE TABLE room (name TEXT NOT NULL UNIQUE);
                INSERT INTO room (name) VALUES ('main');

                CREATE TABLE message (
                    id INTEGER PRIMARY KEY,
                    room TEXT NOT NULL,
                    author TEXT NOT NULL,
                    text TEXT NOT NULL,
                    messageID TEXT UNIQUE,
                    ts INTEGER,
                    receivedAt INTEGER NOT NULL
                );
                CREATE INDEX message_room_id ON message (room, id);

                CREATE VIRTUAL TABLE message_fts USING fts5(
                    text, content='message', content_rowid='id',
                    tokenize='unicode61 remove_diacritics 2'
                );
                -- New rows are indexed once per write transaction, by INSERT … SELECT
                -- (several times faster than a trigger per row); deletions by trigger.
                CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN
                    INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;

                CREATE TABLE user (
                    nick TEXT PRIMARY KEY NOT NULL,
                    hostName TEXT,
                    firstConnection INTEGER NOT NULL,
                    lastConnection INTEGER NOT NULL,
                    lastSeen INTEGER NOT NULL
                );
                CREATE TABLE userAddress (
                    id INTEGER PRIMARY KEY,
                    address TEXT NOT NULL,
                    nick TEXT NOT NULL,
                    UNIQUE (address, nick)
                );
                CREATE INDEX userAddress_nick ON userAddress (nick, id);
                CREATE TABLE onlineUser (position INTEGER PRIMARY KEY, nick TEXT NOT NULL);
                INSERT INTO onlineUser (nick) VALUES ('bot');
                """)
        }
        // Additive: a database made before it gets its identity at its next read-write open.
        migrator.registerMigration(identityMigration) { db in
            try db.execute(sql: """
                CREATE TABLE database_identity (id TEXT NOT NULL, createdAt INTEGER NOT NULL);
                INSERT INTO database_identity (id, createdAt) VALUES (?, ?);
                """, arguments: [UUID().uuidString.lowercased(), Int64(Date().timeIntervalSince1970 * 1_000)])
        }
        migrator.registerMigration("settings: memorize's own values; online users by nick") { db in
            try db.execute(sql: """
                CREATE TABLE setting (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE INDEX onlineUser_nick ON onlineUser (nick);
                """)
        }
        registerRoomMigration(in: &migrator)
        registerConversationMigration(&migrator)
        registerVerdictMigration(&migrator)
        registerDirectMigration(&migrator)
        registerPushMigration(&migrator)
        return migrator
    }

    /// The first migration's name: a database without it holds no ChaTT history.
    static let firstMigration = "v1: rooms, messages, full-text index, users"
    /// The migration that gives a database its identity (see ``DatabaseMarker``).
    static let identityMigration = "identity: a random id made with the database"
}
