/// The payload of `rooms/<room>/typing`: `{"author","ts"}`, published at QoS 0 and never
/// retained or stored: readers show "author is typing…" for 5 seconds.
public struct TypingPayload: Sendable, Hashable, Codable {
    /// Who is typing.
    public var author: Nickname
    /// When, in milliseconds since 1970.
    public var ts: Int64

    /// How long readers show it, in milliseconds.
    public static let shownMilliseconds: Int64 = 5_000

    /// Creates a payload.
    public init(author: Nickname, ts: Int64) {
        self.author = author
        self.ts = ts
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 1024)
        author = try fields.author()
        ts = try fields.timestamp()
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
