import GRDB
import Foundation

extension SQLiteMessageStore {
    static func registerPushMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("push: Web Push subscriptions and their per-room choices") { db in
            try db.execute(sql: """
                CREATE TABLE push_subscription (
                    endpoint TEXT PRIMARY KEY NOT NULL,
                    p256dh BLOB NOT NULL, auth BLOB NOT NULL,
                    nick TEXT NOT NULL, created INTEGER NOT NULL
                );
                CREATE TABLE push_room (
                    endpoint TEXT NOT NULL REFERENCES push_subscription (endpoint) ON DELETE CASCADE,
                    room TEXT NOT NULL,
                    mode TEXT NOT NULL CHECK (mode IN ('all', 'mentions', 'none')),
                    PRIMARY KEY (endpoint, room)
                );
                """)
        }
    }

    public func savePushSubscription(_ subscription: StoredPushSubscription) async throws -> Bool {
        try await pool.write { db in
            let existed = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM push_subscription WHERE endpoint = ?", arguments: [subscription.endpoint]) ?? false
            try db.execute(sql: """
                INSERT INTO push_subscription (endpoint, p256dh, auth, nick, created) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, nick = excluded.nick
                """, arguments: [subscription.endpoint, Data(subscription.p256dh), Data(subscription.auth),
                                 subscription.nick, subscription.created])
            try db.execute(sql: "DELETE FROM push_room WHERE endpoint = ?", arguments: [subscription.endpoint])
            let insert = try db.cachedStatement(sql: "INSERT INTO push_room (endpoint, room, mode) VALUES (?, ?, ?)")
            for (room, mode) in subscription.rooms.sorted(by: { $0.key < $1.key }) {
                try insert.execute(arguments: [subscription.endpoint, room, mode.rawValue])
            }
            return !existed
        }
    }

    public func deletePushSubscription(endpoint: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM push_room WHERE endpoint = ?", arguments: [endpoint])
            try db.execute(sql: "DELETE FROM push_subscription WHERE endpoint = ?", arguments: [endpoint])
            return db.changesCount > 0
        }
    }

    public func pushSubscriptions() async throws -> [StoredPushSubscription] {
        try await pool.read { db in
            var subscriptions: [StoredPushSubscription] = []
            var index: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT endpoint, p256dh, auth, nick, created FROM push_subscription ORDER BY created, endpoint") {
                let endpoint: String = row["endpoint"]
                let p256dh: Data = row["p256dh"], auth: Data = row["auth"]
                index[endpoint] = subscriptions.count
                subscriptions.append(StoredPushSubscription(
                    endpoint: endpoint, p256dh: Array(p256dh), auth: Array(auth), nick: row["nick"], created: row["created"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT endpoint, room, mode FROM push_room") {
                let endpoint: String = row["endpoint"], room: String = row["room"], mode: String = row["mode"]
                if let at = index[endpoint], let mode = PushMode(rawValue: mode) {
                    subscriptions[at].rooms[room] = mode
                }
            }
            return subscriptions
        }
    }
}
