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

    /// Creates a message.
    ///
    /// A QoS 1 message may come more than once (a redelivery after a reconnect, with or
    /// without the DUP flag, which libmosquitto does not expose): deduplicate by the
    /// payload's id.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
