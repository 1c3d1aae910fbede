/// How an ``MQTTClient`` connects: broker address, identity, session and reconnect policy.
///
/// ```swift
/// var configuration = MQTTConfiguration(host: "127.0.0.1", port: 1883, clientID: "memorize")
/// configuration.username = pair.login
/// configuration.password = pair.password
/// configuration.cleanSession = false      // the broker queues QoS 1 messages while we are away
/// ```
public struct MQTTConfiguration: Sendable {
    /// The broker's host name or address: the first broker tried (see
    /// ``failoverBrokers`` for the others).
    public var host: String
    /// The broker's TCP port (MQTT over TCP, not the WebSocket port).
    public var port: Int
    /// The client identifier. A persistent session (`cleanSession == false`) is found
    /// again by this id, so it must be stable across restarts and unique per client.
    public var clientID: String
    /// More brokers, tried in turn after ``host``:``port`` (nodes of one cluster, say).
    ///
    /// The client connects to the first broker that answers. When the connection is lost
    /// or an attempt fails, the next attempt goes to the next broker in the list, round
    /// robin: at once while some broker of the current round has not been tried, after
    /// the ``reconnectDelay`` backoff once every broker has failed in a row (or when the
    /// lost connection had lasted less than 100 ms, so that brokers dropping the client
    /// as soon as they accept it are not tried in a tight loop). The client id
    /// and ``cleanSession`` stay the same, so a broker that holds the session (a cluster
    /// sharing it) resumes it; one that does not gets the subscriptions again. Empty (the
    /// default): one broker, as before.
    public var failoverBrokers: [MQTTBrokerEndpoint] = []
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

    /// Every broker in the order they are tried: ``host``:``port`` with the
    /// configuration's credentials, then ``failoverBrokers`` (each with its own
    /// credentials, or the configuration's).
    public var brokers: [MQTTBrokerEndpoint] {
        let first = MQTTBrokerEndpoint(host: host, port: port, username: username, password: password)
        return [first] + failoverBrokers.map { endpoint in
            guard endpoint.username == nil else { return endpoint }
            return MQTTBrokerEndpoint(host: endpoint.host, port: endpoint.port, username: username, password: password)
        }
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
