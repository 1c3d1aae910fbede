/// The "last will": a message the broker publishes for a client whose connection ends
/// without a clean disconnect (a crash, a cable pulled, a keepalive missed).
public struct MQTTWill: Sendable, Hashable {
    /// Where the broker publishes it.
    public var topic: String
    /// What it publishes.
    public var payload: [UInt8]
    /// With which QoS.
    public var qos: MQTTQoS
    /// Whether the broker keeps it as the topic's retained message.
    public var retain: Bool

    /// Creates a will.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
