/// The payload of `rooms/<room>/topic`: `{"author","id","ts","text"}`: the room's topic,
/// shown under its name; anybody may set it, the latest wins. An empty text clears it.
public struct RoomTopicPayload: Sendable, Hashable, Codable {
    /// Who set it.
    public var author: Nickname
    /// This event's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The topic; empty clears it.
    public var text: String

    /// The longest topic, in UTF-8 bytes.
    public static let maximumTextBytes = 512

    /// Creates a payload.
    public init(author: Nickname, id: EventID, ts: Int64, text: String) {
        self.author = author
        self.id = id
        self.ts = ts
        self.text = text
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 4096)
        author = try fields.author()
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        text = try fields.requiredString("text")
        guard text.utf8.count <= Self.maximumTextBytes,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidField(field: "text", reason: "a topic is one line of at most \(Self.maximumTextBytes) bytes")
        }
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
