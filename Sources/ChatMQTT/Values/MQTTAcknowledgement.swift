/// When the client acknowledges (PUBACK) a QoS 1 message it received.
public enum MQTTAcknowledgement: Sendable, Hashable {
    /// As soon as it arrives, before the consumer sees it (libmosquitto's own behaviour).
    /// A message acknowledged but not yet handled is lost if the process dies then: the
    /// broker will not send it again.
    case onReceipt
    /// Only once the consumer says it has handled it, with ``MQTTClient/acknowledge(_:)``.
    /// Until then nothing at all is written to the broker (not the PUBACK, not a later
    /// publish: libmosquitto sends its queue in order), so a process that dies before
    /// handling a message leaves it unacknowledged, and a persistent session gets it
    /// again. The consumer must acknowledge every message of ``MQTTClient/messages``, in
    /// order, promptly: while acknowledgements are missing, the client reads on for a
    /// short while, then waits (see <doc:DeliveryWindow>).
    case afterHandled
}
