/// Where an ``MQTTClient``'s connection stands; ``MQTTClient/states`` reports each change.
///
/// A client goes `connecting` → `connected`; when the connection drops or an attempt
/// fails it reports `disconnected(reason:)` and, unless it was closed, tries again after a
/// backoff delay (`connecting` again). ``MQTTClient/disconnect()`` ends with `closed`.
public enum MQTTConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Opening the TCP connection and waiting for the broker's CONNACK.
    case connecting
    /// The broker accepted the connection.
    case connected
    /// Not connected; `reason` says why, in libmosquitto's words. The client retries by
    /// itself unless the first ``MQTTClient/connect()`` failed.
    case disconnected(reason: String)
    /// Closed by ``MQTTClient/disconnect()``; final.
    case closed

    public var description: String {
        switch self {
        case .connecting: "connecting"
        case .connected: "connected"
        case .disconnected(let reason): "disconnected (\(reason))"
        case .closed: "closed"
        }
    }
}
