/// One broker an ``MQTTClient`` may connect to: a node of a cluster, or a standby.
///
/// ```swift
/// var configuration = MQTTConfiguration(host: "10.0.0.1", port: 1883, clientID: "memorize")
/// configuration.failoverBrokers = [
///     MQTTBrokerEndpoint(host: "10.0.0.2", port: 1883),
///     MQTTBrokerEndpoint(host: "10.0.0.3", port: 1883, username: "other", password: "secret"),
/// ]
/// ```
public struct MQTTBrokerEndpoint: Sendable, Hashable {
    /// The broker's host name or address.
    public var host: String
    /// The broker's TCP port (MQTT over TCP).
    public var port: Int
    /// The MQTT user name for this broker; `nil`: the configuration's
    /// ``MQTTConfiguration/username`` (and ``MQTTConfiguration/password``).
    public var username: String?
    /// The MQTT password for this broker, sent only with ``username``.
    public var password: String?

    /// Creates an endpoint; without a `username`, the configuration's credentials are used.
    public init(host: String, port: Int = 1883, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// `host:port`, as logs and error messages name the broker.
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
