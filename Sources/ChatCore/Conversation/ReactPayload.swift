/// The payload of `rooms/<room>/react`: `{"author","id","ts","target","emoji","on"}`: one
/// author's reaction to the message `target`, added (`on: true`) or removed. An author has
/// at most one reaction of each emoji on a message.
public struct ReactPayload: Sendable, Hashable, Codable {
    /// Who reacts.
    public var author: Nickname
    /// This event's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The author's signature (``SignatureInput``), base64url, when the nickname is signed.
    public var sig: String?
    /// The message reacted to.
    public var target: EventID
    /// The reaction: 1 to 16 characters, no control characters.
    public var emoji: String
    /// Added (`true`) or removed.
    public var on: Bool

    /// The most characters (extended grapheme clusters) an emoji may have.
    public static let maximumEmojiCharacters = 16

    /// Creates a payload.
    public init(author: Nickname, id: EventID, ts: Int64, target: EventID, emoji: String, on: Bool) {
        self.author = author
        self.id = id
        self.ts = ts
        self.target = target
        self.emoji = emoji
        self.on = on
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 4096)
        author = try fields.author()
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        target = try fields.eventID("target")
        emoji = try fields.requiredString("emoji")
        on = try fields.bool("on")
        sig = try fields.string("sig", required: false)
        guard (1...Self.maximumEmojiCharacters).contains(emoji.count), emoji.utf8.count <= 256,
              !emoji.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              !emoji.allSatisfy(\.isWhitespace)
        else {
            throw .invalidField(field: "emoji", reason: "must be 1 to \(Self.maximumEmojiCharacters) characters, not blank, no control characters")
        }
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
