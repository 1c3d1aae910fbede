/// The payload of `rooms/<room>/delete`: `{"author","id","ts","target"}`. The target's text
/// is removed and a tombstone stays. Only the target's author may delete it.
public struct DeletePayload: Sendable, Hashable, Codable {
    /// Who deletes.
    public var author: Nickname
    /// This event's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The author's signature (``SignatureInput``), base64url, when the nickname is signed.
    public var sig: String?
    /// The message deleted.
    public var target: EventID

    /// Creates a payload.
    public init(author: Nickname, id: EventID, ts: Int64, target: EventID) {
        self.author = author
        self.id = id
        self.ts = ts
        self.target = target
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 4096)
        author = try fields.author()
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        target = try fields.eventID("target")
        sig = try fields.string("sig", required: false)
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
