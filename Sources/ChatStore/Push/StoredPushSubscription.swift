/// A browser's Web Push subscription as the store keeps it: where to send, the keys to
/// encrypt for it (RFC 8291, raw bytes), whose it is, and its choice per room.
public struct StoredPushSubscription: Sendable, Hashable {
    /// The push service's URL: the key (a browser that subscribes again replaces its row).
    public var endpoint: String
    /// The browser's P-256 public key, 65 bytes uncompressed.
    public var p256dh: [UInt8]
    /// The browser's 16-byte authentication secret.
    public var auth: [UInt8]
    /// The member's nickname: mentions of it and direct messages to it are notified, their
    /// own messages never.
    public var nick: String
    /// When it was first stored, in milliseconds since the epoch.
    public var created: Int64
    /// The member's choice per room; a room not listed is ``PushMode/mentions``.
    public var rooms: [String: PushMode]

    /// A subscription.
    public init(endpoint: String, p256dh: [UInt8], auth: [UInt8], nick: String, created: Int64, rooms: [String: PushMode] = [:]) {
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
        self.nick = nick
        self.created = created
        self.rooms = rooms
    }

    /// The member's choice for `room`.
    public func mode(for room: String) -> PushMode {
        rooms[room] ?? .mentions
    }
}

/// What a member is notified of in a room.
public enum PushMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every message of others.
    case all
    /// Messages that mention the member (the default).
    case mentions
    /// Nothing, not even mentions (mute).
    case none
}
