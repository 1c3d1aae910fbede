/// The payload of `rooms/<room>/newtext`: `{"author": "<nick>", "text": "<message>"}`,
/// with the optional `id` (unique per message, set by the sender) and `ts`
/// (milliseconds since the epoch) that newer clients add. Unknown fields are ignored.
public struct NewTextPayload: Sendable, Hashable, Codable {
    /// Who wrote the message.
    public var author: Nickname
    /// The message, as typed; never HTML.
    public var text: String
    /// The sender's unique id for this message, so a message delivered twice is stored once.
    public var id: String?
    /// When the sender sent it, in milliseconds since 1970-01-01 UTC.
    public var ts: Int64?
    /// The message this one answers (protocol v2), by its id.
    public var replyTo: EventID?
    /// The author's signature (protocol v2, ``SignatureInput/message(_:in:)``), base64url.
    public var sig: String?

    /// Creates a payload.
    public init(author: Nickname, text: String, id: String? = nil, ts: Int64? = nil, replyTo: EventID? = nil) {
        self.author = author
        self.text = text
        self.id = id
        self.ts = ts
        self.replyTo = replyTo
    }

    /// Decodes and checks a payload received from the broker.
    ///
    /// - Throws: ``PayloadError`` naming the field that is missing, of the wrong type or
    ///   breaking a rule, or saying the payload is too large.
    public init(decoding bytes: some Collection<UInt8>, limits: PayloadLimits = .default) throws(PayloadError) {
        guard bytes.count <= limits.maximumPayloadBytes else {
            throw .tooLarge(bytes: bytes.count, limit: limits.maximumPayloadBytes)
        }
        let fields = try payloadFields(bytes)
        try self.init(
            rawAuthor: try fields.string("author", required: true) ?? "",
            text: try fields.string("text", required: true) ?? "",
            id: try fields.string("id", required: false),
            milliseconds: try fields.number("ts"))
        if let reply = try fields.string("replyTo", required: false) {
            replyTo = try EventID(reply, field: "replyTo")
        }
        sig = try fields.string("sig", required: false)
        try EventText.checkLength(text, limits: limits)  // NUL: in init(rawAuthor:…), for Codable too
        if let id {
            guard !id.isEmpty, id.utf8.count <= limits.maximumIDBytes else {
                throw .invalidField(field: "id", reason: "must be 1 to \(limits.maximumIDBytes) bytes long")
            }
        }
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }

    private enum CodingKeys: String, CodingKey {
        case author, text, id, ts, replyTo, sig
    }

    /// Decoding through `Codable` (for instance inside a larger JSON document) applies
    /// the same checks as ``init(decoding:limits:)``, except the size limits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            rawAuthor: try container.decode(String.self, forKey: .author),
            text: try container.decode(String.self, forKey: .text),
            id: try container.decodeIfPresent(String.self, forKey: .id),
            milliseconds: try container.decodeIfPresent(Double.self, forKey: .ts))
        replyTo = try container.decodeIfPresent(EventID.self, forKey: .replyTo)
        sig = try container.decodeIfPresent(String.self, forKey: .sig)
    }

    private init(rawAuthor: String, text: String, id: String?, milliseconds: Double?) throws(PayloadError) {
        do {
            author = try Nickname(rawAuthor)
        } catch {
            throw .invalidField(field: "author", reason: error.description)
        }
        // U+0000 cannot be stored faithfully everywhere (PostgreSQL refuses it in text,
        // C strings end at it), so no stored field may hold one: one rule for every store.
        guard !text.unicodeScalars.contains("\u{0}") else {
            throw .invalidField(field: "text", reason: "contains the NUL character (U+0000)")
        }
        if let id, id.unicodeScalars.contains("\u{0}") {
            throw .invalidField(field: "id", reason: "contains the NUL character (U+0000)")
        }
        self.text = text
        self.id = id
        if let milliseconds {
            guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 9.0e15 else {
                throw .invalidField(field: "ts", reason: "must be milliseconds since 1970")
            }
            ts = Int64(milliseconds)
        } else {
            ts = nil
        }
    }
}

extension NewTextPayload {
    /// How far before the receive time a sender's `ts` is still believed: a message queued
    /// offline keeps its time for a day.
    public static let senderTimeEarliest: Int64 = 24 * 60 * 60 * 1000
    /// How far after the receive time a sender's `ts` is still believed (a clock a little fast).
    public static let senderTimeLatest: Int64 = 60 * 1000

    /// The time the history shows for this message: the sender's `ts` when it lies between
    /// 24 hours before and 1 minute after `receivedAt` (SPEC.md, protocol v2), else
    /// `nil`, meaning the receive time (a `ts` of 1 would show as 1970).
    public func plausibleTimestamp(receivedAt: Int64) -> Int64? {
        guard let ts, ts >= receivedAt - Self.senderTimeEarliest, ts <= receivedAt + Self.senderTimeLatest else {
            return nil
        }
        return ts
    }
}
