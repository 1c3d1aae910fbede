/// The payload of `rooms/<room>/archive`: `{"author","id","ts","on"}`: the room is hidden
/// from the room list (`on: true`) or shown again (`on: false`), for everyone; its history
/// is kept. Anybody may do either, the latest `ts` wins, and a message in the room newer
/// than the archiving shows the room again (see ``isArchived(newestMessageTs:)``).
public struct RoomArchivePayload: Sendable, Hashable, Codable {
    /// Who archived or unarchived it.
    public var author: Nickname
    /// This event's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// Archived (`true`) or shown again.
    public var on: Bool

    /// Creates a payload.
    public init(author: Nickname, id: EventID, ts: Int64, on: Bool) {
        self.author = author
        self.id = id
        self.ts = ts
        self.on = on
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 1024)
        author = try fields.author()
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        on = try fields.bool("on")
    }

    /// Whether the room is archived after this event, when its newest message has
    /// `newestMessageTs` (`nil`: no message): archived, and no message came after.
    public func isArchived(newestMessageTs: Int64?) -> Bool {
        on && (newestMessageTs ?? Int64.min) < ts
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
