/// The payload of `users/<nick>/logout`: empty or `{}` (fields that newer clients may
/// add are ignored).
public struct LogoutPayload: Sendable, Hashable {
    /// Creates the (empty) payload.
    public init() {}

    /// Checks a payload received from the broker: empty, or a JSON object.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return }
        _ = try payloadFields(bytes, limit: 4096)
    }

    /// The payload as published: `{}`.
    public var jsonBytes: [UInt8] { Array("{}".utf8) }
}
