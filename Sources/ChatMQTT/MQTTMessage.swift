/// A message received from the broker.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic it was published to (never a filter: no wildcards).
    public var topic: String
    /// The payload, as sent; ChaTT's payloads are UTF-8 JSON but MQTT does not require it.
    public var payload: [UInt8]
    /// The QoS it was delivered with (the lower of the publisher's and the subscription's).
    public var qos: MQTTQoS
    /// Whether the broker sent it from its retained store (the last message kept for
    /// the topic) rather than as a new publication.
    public var retain: Bool
    /// Whether the broker marked it as a redelivery of a QoS 1 message whose
    /// acknowledgement it did not get (the DUP flag). A redelivery may also come without
    /// the flag (after a broker restart, for instance): deduplicate by the payload's id,
    /// not by this flag.
    public var duplicate: Bool

    /// Creates a message.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, duplicate: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.duplicate = duplicate
    }
}
