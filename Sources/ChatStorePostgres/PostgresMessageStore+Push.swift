#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
public import ChatStore
import Foundation
import PostgresNIO

extension PostgresMessageStore {
    /// Web Push subscriptions and their per-room choices.
    static let pushMigration = Migration(version: 20, name: "push: Web Push subscriptions and their per-room choices", statements: [
        """
        CREATE TABLE push_subscription (
            endpoint text PRIMARY KEY, p256dh bytea NOT NULL, auth bytea NOT NULL, nick text NOT NULL, created bigint NOT NULL
        )
        """,
        """
        CREATE TABLE push_room (
            endpoint text NOT NULL REFERENCES push_subscription (endpoint) ON DELETE CASCADE, room text NOT NULL,
            mode text NOT NULL CHECK (mode IN ('all', 'mentions', 'none')), PRIMARY KEY (endpoint, room)
        )
        """,
    ])

    public func savePushSubscription(_ subscription: StoredPushSubscription) async throws -> Bool {
        try await describingErrors("write to") {
            try await client.withTransaction(logger: logger) { connection in
                let existed = try await connection.query(
                    "SELECT 1 FROM push_subscription WHERE endpoint = \(subscription.endpoint) FOR UPDATE", logger: logger
                ).decode(Int32.self).first { _ in true } != nil
                let p256dh = ByteBuffer(bytes: subscription.p256dh), auth = ByteBuffer(bytes: subscription.auth)
                try await connection.query("""
                    INSERT INTO push_subscription (endpoint, p256dh, auth, nick, created)
                    VALUES (\(subscription.endpoint), \(p256dh), \(auth), \(subscription.nick), \(subscription.created))
                    ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, nick = excluded.nick
                    """, logger: logger)
                try await connection.query("DELETE FROM push_room WHERE endpoint = \(subscription.endpoint)", logger: logger)
                for (room, mode) in subscription.rooms.sorted(by: { $0.key < $1.key }) {
                    try await connection.query(
                        "INSERT INTO push_room (endpoint, room, mode) VALUES (\(subscription.endpoint), \(room), \(mode.rawValue))",
                        logger: logger)
                }
                return !existed
            }
        }
    }

    public func deletePushSubscription(endpoint: String) async throws -> Bool {
        try await describingErrors("write to") {
            try await client.query(
                "DELETE FROM push_subscription WHERE endpoint = \(endpoint) RETURNING endpoint", logger: logger
            ).decode(String.self).first { _ in true } != nil
        }
    }

    public func pushSubscriptions() async throws -> [StoredPushSubscription] {
        try await describingErrors("read from") {
            var subscriptions: [StoredPushSubscription] = []
            var index: [String: Int] = [:]
            let rows = try await client.query(
                "SELECT endpoint, p256dh, auth, nick, created FROM push_subscription ORDER BY created, endpoint", logger: logger)
            for try await (endpoint, p256dh, auth, nick, created) in rows.decode((String, ByteBuffer, ByteBuffer, String, Int64).self) {
                index[endpoint] = subscriptions.count
                subscriptions.append(StoredPushSubscription(
                    endpoint: endpoint, p256dh: Array(buffer: p256dh), auth: Array(buffer: auth), nick: nick, created: created))
            }
            let choices = try await client.query("SELECT endpoint, room, mode FROM push_room", logger: logger)
            for try await (endpoint, room, mode) in choices.decode((String, String, String).self) {
                if let at = index[endpoint], let mode = PushMode(rawValue: mode) {
                    subscriptions[at].rooms[room] = mode
                }
            }
            return subscriptions
        }
    }
}
#endif
