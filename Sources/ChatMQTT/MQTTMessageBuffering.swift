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
    /// Keep at most this many; when full, drop the oldest buffered message to make room.
    /// For consumers that only care about the latest state. Drops are logged.
    case newest(Int)
    /// Keep at most this many; when full, drop each new message. Drops are logged.
    case oldest(Int)
}
