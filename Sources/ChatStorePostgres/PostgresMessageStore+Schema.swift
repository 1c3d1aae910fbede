#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
import PostgresNIO

extension PostgresMessageStore {
    /// One step of the schema; each runs once per database, in order.
    struct Migration {
        let version: Int32
        let name: String
        let statements: [String]
    }

    /// The schema: the same tables as SQLite's, with a `tsvector` column and a GIN index
    /// for full-text search, and a sequence whose value changes after every write.
    static let migrations: [Migration] = baseMigrations + [conversationMigration, verdictMigration, directMigration, directVerdictMigration, pushMigration]

    private static let baseMigrations: [Migration] = [
        Migration(version: 1, name: "rooms, messages, full-text index, users", statements: [
            "CREATE TABLE room (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE)",
            "INSERT INTO room (name) VALUES ('main')",
            """
            CREATE TABLE message (
                id bigserial PRIMARY KEY,
                room text NOT NULL,
                author text NOT NULL,
                text text NOT NULL,
                message_id text UNIQUE,
                ts bigint,
                received_at bigint NOT NULL,
                search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
            )
            """,
            "CREATE INDEX message_room_id ON message (room, id)",
            "CREATE INDEX message_search ON message USING gin (search)",
            """
            CREATE TABLE chat_user (
                nick text PRIMARY KEY,
                host_name text,
                first_connection bigint NOT NULL,
                last_connection bigint NOT NULL,
                last_seen bigint NOT NULL
            )
            """,
            """
            CREATE TABLE user_address (
                id bigserial PRIMARY KEY, address text NOT NULL, nick text NOT NULL, UNIQUE (address, nick)
            )
            """,
            "CREATE TABLE online_user (position integer PRIMARY KEY, nick text NOT NULL)",
            "INSERT INTO online_user (position, nick) VALUES (0, 'bot')",
            "CREATE SEQUENCE store_version",
        ]),
        Migration(version: 2, name: "settings, online users by nick", statements: [
            "CREATE TABLE setting (key text PRIMARY KEY, value text NOT NULL)",
            "CREATE INDEX online_user_nick ON online_user (nick)",
        ]),
        // 10: room settings, numbered apart from the conversation events' migrations.
        Migration(version: 10, name: "rooms: topics, archive states; messages by author", statements: [
            """
            CREATE TABLE room_topic (
                room text PRIMARY KEY, text text NOT NULL, author text NOT NULL, event_id text NOT NULL, ts bigint NOT NULL)
            """,
            """
            CREATE TABLE room_archive (
                room text PRIMARY KEY, archived boolean NOT NULL, author text NOT NULL, event_id text NOT NULL,
                ts bigint NOT NULL)
            """,
            "CREATE INDEX message_author_id ON message (lower(author), id)",
        ]),
    ]

    /// The advisory lock key that serialises migrations between processes starting together
    /// (two memorize instances, memorize and chatt-server).
    static let migrationLockKey: Int64 = 0x43_68_61_54_54_4D_69_67  // "ChaTTMig"

    /// Brings the schema up to date, in one transaction per run, under an advisory lock.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int32>()
            for try await version in try await connection.query("SELECT version FROM schema_migration", logger: logger)
                .decode(Int32.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info("migrated the database", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
#endif
