internal import GRDB

extension SQLiteMessageStore {
    /// Direct messages, as they came (ciphertext only), by conversation.
    static func registerDirectMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("identity: direct messages") { db in
            try db.execute(sql: """
                CREATE TABLE direct_message (
                    id INTEGER PRIMARY KEY,
                    a TEXT NOT NULL, b TEXT NOT NULL,
                    sender TEXT NOT NULL, recipient TEXT NOT NULL,
                    messageID TEXT NOT NULL, ts INTEGER NOT NULL,
                    nonce TEXT NOT NULL, ct TEXT NOT NULL, sig TEXT NOT NULL,
                    receivedAt INTEGER NOT NULL,
                    UNIQUE (a, b, messageID)
                );
                CREATE INDEX direct_message_conversation ON direct_message (a, b, id);
                """)
        }
        migrator.registerMigration("identity: direct message verdicts") { db in
            // `verified` / `forged` (``SignatureVerdict``), `NULL` for a plain one.
            try db.execute(sql: "ALTER TABLE direct_message ADD COLUMN verdict TEXT")
        }
    }

    /// Stores `directs` in the write's transaction; one already stored (same conversation
    /// and id) is skipped. Returns how many were stored.
    static func writeDirects(_ directs: [DirectMessage], in db: Database) throws -> Int {
        guard !directs.isEmpty else { return 0 }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO direct_message (a, b, sender, recipient, messageID, ts, nonce, ct, sig, receivedAt, verdict)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (a, b, messageID) DO NOTHING
            """)
        var stored = 0
        for direct in directs {
            let conversation = direct.conversation
            try insert.execute(arguments: [
                conversation.a, conversation.b, direct.from, direct.to, direct.id, direct.ts, direct.nonce, direct.ct, direct.sig,
                direct.receivedAt, direct.verdict?.rawValue,
            ])
            stored += db.changesCount
        }
        return stored
    }

    static let directColumns = "id, sender, recipient, messageID, ts, nonce, ct, sig, receivedAt, verdict"

    /// A row read with ``directColumns``.
    static func directMessage(_ row: Row) -> DirectMessage {
        DirectMessage(key: row["id"], from: row["sender"], to: row["recipient"], id: row["messageID"], ts: row["ts"],
                      nonce: row["nonce"], ct: row["ct"], sig: row["sig"], receivedAt: row["receivedAt"],
                      verdict: (row["verdict"] as String?).flatMap(SignatureVerdict.init(rawValue:)))
    }

    public func directMessages(in conversation: DirectConversation, before: Int64?, limit: Int) async throws -> DirectPage {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Self.directColumns) FROM direct_message
                WHERE a = ? AND b = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [conversation.a, conversation.b, before ?? Int64.max, limit + 1])
            let messages = rows.prefix(limit).map(Self.directMessage)
            return DirectPage(messages: messages.reversed(), hasMore: rows.count > limit)
        }
    }

    public func forEachDirectMessage(_ body: @Sendable ([DirectMessage]) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let start = after
            let chunk = try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.directColumns) FROM direct_message WHERE id > ? ORDER BY id LIMIT 2000",
                                 arguments: [start]).map(Self.directMessage)
            }
            guard let last = chunk.last?.key else { return }
            try body(chunk)
            after = last
        }
    }
}
