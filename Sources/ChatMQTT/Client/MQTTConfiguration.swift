/// How an ``MQTTClient`` connects: broker address, identity, session and reconnect policy.
///
/// ```swift
/// var configuration = MQTTConfiguration(host: "127.0.0.1", port: 1883, clientID: "memorize")
/// configuration.username = pair.login
/// configuration.password = pair.password
/// configuration.cleanSession = false      // the broker queues QoS 1 messages while we are away
/// ```
public struct MQTTConfiguration: Sendable {
    /// The broker's host name or address.
    public var host: String
    /// The broker's TCP port (MQTT over TCP, not the WebSocket port).
    public var port: Int
    /// The client identifier. A persistent session (`cleanSession == false`) is found
    /// again by this id, so it must be stable across restarts and unique per client.
    public var clientID: String
    /// The MQTT user name, if the broker asks for one.
    public var username: String?
    /// The MQTT password, sent only with a `username`.
    public var password: String?
    /// How often the client proves it is alive when nothing else is sent; the broker
    /// drops the connection (and publishes the will) after 1.5 times this. Whole seconds.
    public var keepAlive: Duration
    /// `true`: the broker forgets the session when the client disconnects. `false`: it
    /// keeps the subscriptions and queues QoS 1 messages until the client comes back.
    public var cleanSession: Bool
    /// The message the broker publishes if the connection ends without a clean disconnect.
    public var will: MQTTWill?
    /// A PEM file of certificate authorities; when set, the client speaks TLS and checks
    /// the broker's certificate against it (and its host name).
    public var caFile: String?
    /// The delay before each reconnect attempt: it starts at the lower bound, doubles at
    /// each failed attempt up to the upper bound, and starts over once connected.
    public var reconnectDelay: ClosedRange<Duration>
    /// How many outgoing QoS 1 messages may await their PUBACK at once; libmosquitto
    /// queues the others in order. 0 means no limit.
    public var maxInflightMessages: Int
    /// What ``MQTTClient/messages`` does when its consumer lags.
    public var messageBuffering: MQTTMessageBuffering
    /// When received QoS 1 messages are acknowledged to the broker: on receipt (the
    /// default), or only once the consumer calls ``MQTTClient/acknowledge(_:)``.
    public var acknowledgement: MQTTAcknowledgement

    /// Creates a configuration; every parameter but `clientID` has a default.
    public init(
        host: String = "localhost",
        port: Int = 1883,
        clientID: String,
        username: String? = nil,
        password: String? = nil,
        keepAlive: Duration = .seconds(30),
        cleanSession: Bool = true,
        will: MQTTWill? = nil,
        caFile: String? = nil,
        reconnectDelay: ClosedRange<Duration> = .seconds(1) ... .seconds(30),
        maxInflightMessages: Int = 100,
        messageBuffering: MQTTMessageBuffering = .unbounded,
        acknowledgement: MQTTAcknowledgement = .onReceipt
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.keepAlive = keepAlive
        self.cleanSession = cleanSession
        self.will = will
        self.caFile = caFile
        self.reconnectDelay = reconnectDelay
        self.maxInflightMessages = maxInflightMessages
        self.messageBuffering = messageBuffering
        self.acknowledgement = acknowledgement
    }

    /// `host:port`, as error messages name the broker.
    var brokerAddress: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The delay before reconnect attempt number `attempt` (0 for the first retry).
    func reconnectDelay(attempt: Int) -> Duration {
        var delay = reconnectDelay.lowerBound
        for _ in 0..<min(attempt, 32) where delay < reconnectDelay.upperBound {
            delay *= 2
        }
        return min(delay, reconnectDelay.upperBound)
    }
}
