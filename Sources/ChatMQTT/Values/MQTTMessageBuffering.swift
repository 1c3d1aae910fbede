/// What ``MQTTClient/messages`` does when messages arrive faster than they are consumed.
///
/// The buffer sits between libmosquitto's network thread, which must never wait (it also
/// answers keepalives and acknowledges publishes), and the consumer. By the time a
/// message is in this buffer, libmosquitto has already acknowledged it to the broker
/// (see <doc:DeliveryWindow>), so the broker will not send it again: dropping it loses it.
public enum MQTTMessageBuffering: Sendable, Hashable {
    /// Keep every message until it is consumed (the default). Memory grows while the
    /// consumer lags; nothing is lost while the process lives. Right for a store such as
    /// `chatt-memorize`, whose consumer drains in batches and catches up.
    case unbounded
    /// Keep at most this many messages waiting; drop those that arrive while the buffer
    /// is full (the newest), and log it. For consumers that can afford to miss messages
    /// but not to run out of memory.
    case bounded(Int)
}
