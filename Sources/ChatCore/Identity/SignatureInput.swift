/// What a signature covers (SPEC.md): the UTF-8 bytes of the lines `chatt-sig-1`, the topic,
/// then the event's fields in a fixed order, joined by `\n`; `ts` in decimal.
///
/// | event | fields |
/// |---|---|
/// | newtext | id, ts, author, replyTo or "", text |
/// | edit | id, ts, author, target, text |
/// | delete | id, ts, author, target |
/// | react | id, ts, author, target, "1" or "0", emoji |
/// | key | ts, sign, dh |
/// | direct | id, ts, from, to, nonce, ct |
public struct SignatureInput: Sendable, Hashable, CustomStringConvertible {
    /// The text signed.
    public let text: String

    /// The input for `fields` published on `topic`.
    public init(topic: String, fields: [String]) {
        text = (["chatt-sig-1", topic] + fields).joined(separator: "\n")
    }

    /// The bytes signed.
    public var bytes: [UInt8] { Array(text.utf8) }

    public var description: String { text }

    /// A message in `room`. A message without an id cannot be signed.
    public static func message(_ payload: NewTextPayload, in room: RoomName) -> SignatureInput? {
        guard let id = payload.id, let ts = payload.ts else { return nil }
        return SignatureInput(topic: Topic.roomText(room).description, fields: [
            id, String(ts), payload.author.rawValue, payload.replyTo?.rawValue ?? "", payload.text,
        ])
    }

    /// An edit in `room`.
    public static func edit(_ payload: EditPayload, in room: RoomName) -> SignatureInput {
        SignatureInput(topic: Topic.roomEdit(room).description, fields: [
            payload.id.rawValue, String(payload.ts), payload.author.rawValue, payload.target.rawValue, payload.text,
        ])
    }

    /// A delete in `room`.
    public static func delete(_ payload: DeletePayload, in room: RoomName) -> SignatureInput {
        SignatureInput(topic: Topic.roomDelete(room).description, fields: [
            payload.id.rawValue, String(payload.ts), payload.author.rawValue, payload.target.rawValue,
        ])
    }

    /// A reaction in `room`.
    public static func react(_ payload: ReactPayload, in room: RoomName) -> SignatureInput {
        SignatureInput(topic: Topic.roomReact(room).description, fields: [
            payload.id.rawValue, String(payload.ts), payload.author.rawValue, payload.target.rawValue,
            payload.on ? "1" : "0", payload.emoji,
        ])
    }

    /// A key announcement of `nick`.
    public static func key(_ payload: KeyAnnouncementPayload, of nick: Nickname) -> SignatureInput {
        SignatureInput(topic: "users/\(nick.rawValue)/key", fields: [String(payload.ts), payload.sign, payload.dh])
    }

    /// A direct message.
    public static func direct(_ payload: DirectPayload) -> SignatureInput {
        SignatureInput(topic: DirectPayload.topic(payload.from, payload.to), fields: [
            payload.id.rawValue, String(payload.ts), payload.from.rawValue, payload.to.rawValue, payload.nonce, payload.ct,
        ])
    }
}
