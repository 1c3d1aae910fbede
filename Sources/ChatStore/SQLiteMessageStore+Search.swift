internal import ChatCore
internal import GRDB

/// Search across rooms or in one, by words and/or author, paged by key.
extension SQLiteMessageStore {
    public func search(_ search: MessageSearch) async throws -> SearchPage {
        try await self.search(search, timeBudget: SearchTimedOut.defaultBudget)
    }

    /// ``search(_:)`` stopped once it has run for `timeBudget`.
    ///
    /// - Throws: ``SearchTimedOut`` when the budget ran out.
    public func search(_ search: MessageSearch, timeBudget: Duration) async throws -> SearchPage {
        guard !search.isEmpty else { return SearchPage(messages: [], hasMore: false) }
        let (sql, arguments) = Self.searchStatement(search)
        let found = try await pool.read { db in
            try SearchDeadline.run(on: db, budget: timeBudget) {
                try Self.storedMessages(db, sql: sql, arguments: arguments)
            }
        }
        return SearchPage(messages: Array(found.prefix(search.limit)), hasMore: found.count > search.limit)
    }

    /// The statement of `search`, asking one more than the limit (to know whether there is more).
    /// With words, FTS5 hands its matches newest first (by rowid), so the scan stops at the
    /// limit; an author alone walks the `(author, id)` index.
    static func searchStatement(_ search: MessageSearch) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        let sql: String
        if let match = FullTextQuery.make(search.words) {
            conditions.append("message_fts MATCH ?")
            arguments += [match]
            if let room = search.room {
                conditions.append("message.room = ?")
                arguments += [room.rawValue]
            }
            if let author = search.author {
                conditions.append("message.author = ? COLLATE NOCASE")
                arguments += [author]
            }
            if let before = search.before {
                conditions.append("message_fts.rowid < ?")
                arguments += [before]
            }
            sql = """
                SELECT \(searchColumns) FROM message_fts JOIN message ON message.id = message_fts.rowid
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY message_fts.rowid DESC LIMIT ?
                """
        } else {
            conditions.append("author = ? COLLATE NOCASE")
            arguments += [search.author ?? ""]
            // Deleted messages left the full-text index; here they are left out by hand.
            conditions.append("deleted = 0")
            if let room = search.room {
                conditions.append("room = ?")
                arguments += [room.rawValue]
            }
            if let before = search.before {
                conditions.append("id < ?")
                arguments += [before]
            }
            sql = "SELECT \(messageColumns) FROM message WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
        }
        arguments += [search.limit + 1]
        return (sql, arguments)
    }
}
