/// The payload of `users/<nick>/presence`: `{"state","ts"}`, retained. The page sets
/// `offline` as its MQTT last will, `online` on connect, `away` after 5 idle minutes or a
/// hidden tab.
public struct PresencePayload: Sendable, Hashable, Codable {
    /// Where a user is.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case online, away, offline
    }

    /// The user's state.
    public var state: State
    /// When it changed, in milliseconds since 1970.
    public var ts: Int64

    /// Creates a payload.
    public init(state: State, ts: Int64) {
        self.state = state
        self.ts = ts
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 1024)
        let raw = try fields.requiredString("state")
        guard let state = State(rawValue: raw) else {
            throw .invalidField(field: "state", reason: "must be online, away or offline")
        }
        self.state = state
        ts = try fields.timestamp()
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
