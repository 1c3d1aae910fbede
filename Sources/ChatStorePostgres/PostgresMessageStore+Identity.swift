#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
import ChatStore
import PostgresNIO

extension PostgresMessageStore {
    public func pinKey(_ value: String, for nick: String) async throws -> (kept: String, isNew: Bool) {
        let key = PinnedKey.settingPrefix + nick
        return try await describingErrors("write to") {
            let inserted = try await client.query(
                "INSERT INTO setting (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO NOTHING RETURNING value",
                logger: logger
            ).decode(String.self).first { _ in true }
            if inserted != nil {
                try await bumpVersion()
                return (value, true)
            }
            return (try await setting(key) ?? value, false)
        }
    }

    public func pinnedKeyValues() async throws -> [String: String] {
        let prefix = PinnedKey.settingPrefix
        let end = String(prefix.dropLast()) + ";"
        return try await describingErrors("read from") {
            var keys: [String: String] = [:]
            let rows = try await client.query(
                "SELECT key, value FROM setting WHERE key >= \(prefix) AND key < \(end)", logger: logger)
            for try await (key, value) in rows.decode((String, String).self) {
                keys[String(key.dropFirst(prefix.count))] = value
            }
            return keys
        }
    }

    public func forgetKey(of nick: String) async throws -> Bool {
        try await describingErrors("write to") {
            let removed = try await client.query(
                "DELETE FROM setting WHERE key = \(PinnedKey.settingPrefix + nick) RETURNING key", logger: logger
            ).decode(String.self).first { _ in true }
            guard removed != nil else { return false }
            try await bumpVersion()
            return true
        }
    }
}

extension PostgresMessageStore {
    /// Each message's signature verdict (``SignatureVerdict``), `NULL` for a plain one.
    static let verdictMigration = Migration(version: 17, name: "identity: signature verdicts", statements: [
        "ALTER TABLE message ADD COLUMN sig text",
    ])
}
#endif
