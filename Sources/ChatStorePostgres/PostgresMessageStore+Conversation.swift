public import ChatCore
public import ChatStore
import PostgresNIO

/// Protocol v2 reads on PostgreSQL.
extension PostgresMessageStore {
    public func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage? {
        try await describingErrors("read") {
            let keys = try await client.query("""
                SELECT id FROM message WHERE message_id = \(messageID) AND room = \(room.rawValue)
                """, logger: logger).decode(Int64.self)
            var found: Int64?
            for try await key in keys { found = key }
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

    /// Events are not held on PostgreSQL yet: always 0.
    public func heldEventCount() async throws -> Int { 0 }
}
