/// The MQTT delivery guarantees ChaTT uses.
///
/// QoS 2 is left out on purpose: ChaTT makes QoS 1 safe by giving every message an id
/// and storing it idempotently, which is cheaper than QoS 2's four-packet handshake.
public enum MQTTQoS: Int, Sendable, Hashable, CaseIterable {
    /// Fire and forget: the message may be lost.
    case atMostOnce = 0
    /// Acknowledged by the receiver (PUBACK); may arrive more than once.
    case atLeastOnce = 1
}
