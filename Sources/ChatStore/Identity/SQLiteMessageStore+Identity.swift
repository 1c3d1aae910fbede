import GRDB

extension SQLiteMessageStore {
    public func pinKey(_ value: String, for nick: String) async throws -> (kept: String, isNew: Bool) {
        let key = PinnedKey.settingPrefix + nick
        return try await pool.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", arguments: [key, value])
            if db.changesCount > 0 {
                try Self.bumpVersion(db)
                return (value, true)
            }
            return (try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) ?? value, false)
        }
    }

    public func pinnedKeyValues() async throws -> [String: String] {
        let prefix = PinnedKey.settingPrefix
        return try await pool.read { db in
            // The prefix's range: the index answers, whatever else the table holds.
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM setting WHERE key >= ? AND key < ?",
                                        arguments: [prefix, String(prefix.dropLast()) + ";"])
            var keys: [String: String] = [:]
            for row in rows {
                let key: String = row["key"]
                keys[String(key.dropFirst(prefix.count))] = row["value"]
            }
            return keys
        }
    }

    public func forgetKey(of nick: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [PinnedKey.settingPrefix + nick])
            guard db.changesCount > 0 else { return false }
            try Self.bumpVersion(db)
            return true
        }
    }
}
