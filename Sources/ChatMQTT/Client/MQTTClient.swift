public import Logging

/// A safe, async MQTT 3.1.1 client over libmosquitto.
///
/// ```swift
/// let client = MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", clientID: "memorize"))
/// try await client.connect()
/// try await client.subscribe("rooms/#", qos: .atLeastOnce)
/// for await message in client.messages {
///     store(message)
/// }
/// ```
///
/// One network thread per client runs libmosquitto's loop: it connects, reconnects with
/// backoff when the connection drops, subscribes again to every filter after a reconnect,
/// and feeds ``messages``. Every method may be called from any task.
///
/// Closing: ``disconnect()`` (or ``run()`` on graceful shutdown, or the client's release)
/// sends DISCONNECT, stops and joins the network thread, destroys the libmosquitto client,
/// and finishes ``messages`` and ``states``.
public final class MQTTClient: Sendable {
    let core: ClientCore

    /// Creates a client; nothing happens on the network until ``connect()`` or ``start()``.
    ///
    /// If libmosquitto cannot create the client (say, a persistent session without a
    /// client id, or a CA file it cannot read), every operation fails with that error.
    public init(configuration: MQTTConfiguration, logger: Logger = Logger(label: "chatt.mqtt")) {
        core = ClientCore(configuration: configuration, logger: logger)
    }

    deinit {
        core.close()
    }

    /// The configuration the client was made with.
    public var configuration: MQTTConfiguration { core.configuration }

    /// The messages of every subscription, in the order the broker delivered them.
    ///
    /// **One consumer.** This is a single stream; iterate it from one task.
    ///
    /// **Buffering.** Messages wait in a buffer between the network thread and the
    /// consumer, as ``MQTTConfiguration/messageBuffering`` says: unbounded by default,
    /// because the network thread must never wait for the consumer (it also sends
    /// keepalives and acknowledgements) and a message dropped here is gone. The network
    /// thread hands them over in bursts, each within about a millisecond of its first
    /// message (see ``MQTTMessages``).
    ///
    /// **The acknowledgement window.** By default (``MQTTAcknowledgement/onReceipt``) a
    /// QoS 1 message is acknowledged to the broker *before* it reaches this stream, as
    /// libmosquitto does it (eclipse-mosquitto/mosquitto issues 118 and 2884): a message
    /// acknowledged but not yet stored by the consumer is lost if the process is killed at
    /// that moment. With ``MQTTAcknowledgement/afterHandled`` the PUBACK waits for
    /// ``acknowledge(_:)``, which closes that window. See <doc:DeliveryWindow>.
    ///
    /// The stream finishes when the client closes.
    public var messages: MQTTMessages { core.messages }

    /// Says that the consumer of ``messages`` has handled (stored, say) the next `count`
    /// messages, in the order the stream gave them.
    ///
    /// With ``MQTTAcknowledgement/afterHandled`` their PUBACKs reach the broker only
    /// after this (and once every earlier message is acknowledged too); a message never
    /// acknowledged is delivered again to the next session of a persistent client. Every
    /// message counts, whatever its QoS. Does nothing with ``MQTTAcknowledgement/onReceipt``.
    public func acknowledge(_ count: Int = 1) {
        core.acknowledge(count)
    }

    /// The connection state now, then each change, until the client closes.
    ///
    /// Each access makes a new stream (any number of observers may watch); it keeps the
    /// latest 64 changes if its reader lags.
    public var states: AsyncStream<MQTTConnectionState> { core.makeStateStream() }

    /// The connection state at this moment.
    public var state: MQTTConnectionState { core.currentState }

    /// Connects and returns once the broker has accepted (CONNACK).
    ///
    /// The first connection must succeed: if the broker cannot be reached or refuses
    /// (wrong credentials: "Connection Refused: not authorised."), this throws and the
    /// client goes back to idle, so `connect()` may be tried again. Once connected, the
    /// client reconnects by itself whenever the connection drops. If the client is
    /// already running (after ``start()``), this waits until it is connected.
    public func connect() async throws(MQTTError) {
        try await core.connect().get()
    }

    /// Starts connecting in the background and returns at once: attempts go on with
    /// backoff until the broker answers, and again after every drop. For daemons that must
    /// keep working while the broker is down; watch ``states`` to know when it is up.
    public func start() {
        core.start()
    }

    /// Subscribes to `filter` (wildcards allowed, shared subscriptions too:
    /// `$share/group/rooms/#`) and returns once the broker has granted it (SUBACK).
    ///
    /// The filter is remembered and subscribed again after every reconnect that did not
    /// keep the session. Before the client was started, it is only remembered (the call
    /// returns at once) and sent on connection; while the connection is down, the call
    /// waits for the next connection.
    ///
    /// - Throws: ``MQTTError`` with ``MQTTError/Kind/invalidArgument`` for a malformed
    ///   filter, ``MQTTError/Kind/subscriptionRefused`` when the broker refuses it,
    ///   ``MQTTError/Kind/closed`` if the client closes first.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) {
        try await core.subscribe(filter, qos: qos).get()
    }

    /// Unsubscribes from `filter` (exactly as it was subscribed) and forgets it; returns
    /// once the broker has confirmed (UNSUBACK), or at once when not connected.
    public func unsubscribe(_ filter: String) async throws(MQTTError) {
        try await core.unsubscribe(filter).get()
    }

    /// Publishes a message.
    ///
    /// - QoS 0 returns once libmosquitto has queued it; it fails when not connected.
    /// - QoS 1 returns once the broker has acknowledged it (PUBACK). While the connection
    ///   is down (or before the first connection) the message waits and is sent, in order,
    ///   as soon as the client is connected again, so the call may wait that long; it
    ///   fails only if the client closes first.
    ///
    /// - Parameter retain: the broker keeps it as the topic's last message and hands it to
    ///   every new subscriber.
    public func publish(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) async throws(MQTTError) {
        try await core.publish(topic: topic, payload: payload, qos: qos, retain: retain).get()
    }

    /// Disconnects cleanly and closes the client for good: sends DISCONNECT (so the
    /// broker does not publish the will), stops and joins the network thread, destroys the
    /// libmosquitto client. Calls still waiting fail with ``MQTTError/Kind/closed``;
    /// ``messages`` and ``states`` finish. Calling it again does nothing.
    public func disconnect() async {
        core.close()
    }
}
