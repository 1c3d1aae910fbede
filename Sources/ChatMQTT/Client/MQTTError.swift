/// An MQTT operation that failed, said in libmosquitto's own words
/// (`mosquitto_strerror`, `mosquitto_connack_string`) with what was being done.
///
/// ```text
/// cannot reach the broker at 127.0.0.1:1883: Connection refused
/// the broker at 127.0.0.1:1883 refused the connection: Connection Refused: not authorised.
/// publish to rooms/main/newtext: The client is not currently connected.
/// ```
public struct MQTTError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure, for code that reacts differently to each.
    public enum Kind: Sendable, Hashable {
        /// The TCP (or TLS) connection could not be made, or the host name not resolved.
        case unreachable
        /// The broker answered CONNACK with a refusal (bad credentials, client id, …).
        case refused
        /// An established connection was lost.
        case connectionLost
        /// The broker refused a subscription (SUBACK failure code).
        case subscriptionRefused
        /// An argument libmosquitto rejected: a malformed topic or filter, a payload too large.
        case invalidArgument
        /// The client was closed by ``MQTTClient/disconnect()`` before the operation finished.
        case closed
        /// The task waiting for the broker was cancelled. The request may still reach the
        /// broker (a publish already written, a subscription remembered for the next
        /// connection); only the wait ended.
        case cancelled
        /// Any other libmosquitto error.
        case library
    }

    /// What kind of failure.
    public let kind: Kind
    /// The whole sentence (also ``description``).
    public let message: String
    /// libmosquitto's error code (`MOSQ_ERR_…`), or the CONNACK return code for
    /// ``Kind/refused``; `nil` when the failure is ChatMQTT's own.
    public let code: Int?

    /// Creates an error.
    public init(kind: Kind, message: String, code: Int? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
