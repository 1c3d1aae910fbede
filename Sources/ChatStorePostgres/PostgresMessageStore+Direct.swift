#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
public import ChatStore
import Logging
import PostgresNIO

extension PostgresMessageStore {
    /// Direct messages, as they came (ciphertext only), by conversation.
    static let directMigration = Migration(version: 18, name: "identity: direct messages", statements: [
        """
        CREATE TABLE direct_message (
            id bigserial PRIMARY KEY, a text NOT NULL, b text NOT NULL, sender text NOT NULL, recipient text NOT NULL,
            message_id text NOT NULL, ts bigint NOT NULL, nonce text NOT NULL, ct text NOT NULL, sig text NOT NULL,
            received_at bigint NOT NULL, UNIQUE (a, b, message_id)
        )
        """,
        "CREATE INDEX direct_message_conversation ON direct_message (a, b, id)",
    ])

    /// Each direct message's signature verdict (``SignatureVerdict``), `NULL` for a plain one.
    static let directVerdictMigration = Migration(version: 19, name: "identity: direct message verdicts", statements: [
        "ALTER TABLE direct_message ADD COLUMN verdict text",
    ])

    /// Stores `directs` in the write's transaction; one already stored (same conversation
    /// and id) is skipped.
    static func writeDirects(_ directs: [DirectMessage], on connection: PostgresConnection, logger: Logger) async throws {
        guard !directs.isEmpty else { return }
        let conversations = directs.map(\.conversation)
        try await connection.query("""
            INSERT INTO direct_message (a, b, sender, recipient, message_id, ts, nonce, ct, sig, received_at, verdict)
            SELECT a, b, sender, recipient, message_id, ts, nonce, ct, sig, received_at, NULLIF(verdict, '')
            FROM unnest(\(conversations.map(\.a))::text[], \(conversations.map(\.b))::text[],
                        \(directs.map(\.from))::text[], \(directs.map(\.to))::text[], \(directs.map(\.id))::text[],
                        \(directs.map(\.ts))::int8[], \(directs.map(\.nonce))::text[], \(directs.map(\.ct))::text[],
                        \(directs.map(\.sig))::text[], \(directs.map(\.receivedAt))::int8[],
                        \(directs.map { $0.verdict?.rawValue ?? "" })::text[])
                WITH ORDINALITY AS t(a, b, sender, recipient, message_id, ts, nonce, ct, sig, received_at, verdict, n)
            ORDER BY n
            ON CONFLICT (a, b, message_id) DO NOTHING
            """, logger: logger)
    }

    public func directMessages(in conversation: DirectConversation, before: Int64?, limit: Int) async throws -> DirectPage {
        try await describingErrors("read") {
            let messages = try await Self.directMessages(client.query("""
                SELECT id, sender, recipient, message_id, ts, nonce, ct, sig, received_at, verdict FROM direct_message
                WHERE a = \(conversation.a) AND b = \(conversation.b) AND id < \(before ?? Int64.max)
                ORDER BY id DESC LIMIT \(Int64(limit + 1))
                """, logger: logger))
            let hasMore = messages.count > limit
            return DirectPage(messages: messages.prefix(limit).reversed(), hasMore: hasMore)
        }
    }

    public func forEachDirectMessage(_ body: @Sendable ([DirectMessage]) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let chunk = try await describingErrors("read") {
                try await Self.directMessages(client.query("""
                    SELECT id, sender, recipient, message_id, ts, nonce, ct, sig, received_at, verdict FROM direct_message
                    WHERE id > \(after) ORDER BY id LIMIT 2000
                    """, logger: logger))
            }
            guard let last = chunk.last?.key else { return }
            try body(chunk)
            after = last
        }
    }

    /// The direct messages of rows `id, sender, recipient, message_id, ts, nonce, ct, sig, received_at, verdict`.
    private static func directMessages(_ rows: PostgresRowSequence) async throws -> [DirectMessage] {
        var messages: [DirectMessage] = []
        for try await (key, from, to, id, ts, nonce, ct, sig, receivedAt, verdict)
            in rows.decode((Int64, String, String, String, Int64, String, String, String, Int64, String?).self) {
            messages.append(DirectMessage(key: key, from: from, to: to, id: id, ts: ts, nonce: nonce, ct: ct, sig: sig,
                                          receivedAt: receivedAt, verdict: verdict.flatMap(SignatureVerdict.init(rawValue:))))
        }
        return messages
    }
}
#endif
