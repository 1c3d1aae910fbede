/// The payload of `rooms/<room>/edit`: `{"author","id","ts","target","text"}`, the new text
/// of the message `target`. Only the target's author may edit it.
public struct EditPayload: Sendable, Hashable, Codable {
    /// Who edits.
    public var author: Nickname
    /// This event's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The author's signature (``SignatureInput``), base64url, when the nickname is signed.
    public var sig: String?
    /// The message edited.
    public var target: EventID
    /// Its new text.
    public var text: String

    /// Creates a payload.
    public init(author: Nickname, id: EventID, ts: Int64, target: EventID, text: String) {
        self.author = author
        self.id = id
        self.ts = ts
        self.target = target
        self.text = text
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>, limits: PayloadLimits = .default) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: limits.maximumPayloadBytes)
        author = try fields.author()
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        target = try fields.eventID("target")
        text = try fields.requiredString("text")
        sig = try fields.string("sig", required: false)
        try EventText.check(text, limits: limits)
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
