import ChatCore
import ChatMQTT
import Logging
import ServiceLifecycle

/// memorize's one connection to the broker: where greetings and logouts are published,
/// and, with `--subscribe`, where messages come from (a persistent session at QoS 1 under
/// a client id nobody can guess, so what is published while memorize is down arrives when
/// it is back).
///
/// With a persistent session, a message is acknowledged to the broker only once it is
/// stored (``acknowledge(_:)``, after each committed transaction; see ChatMQTT's
/// "Delivery window" article): memorize killed at any moment loses nothing, and what it
/// had not stored comes again when it is back (stored once, by the message's id).
///
/// As a service it connects, subscribes, and hands every message to the ingest queue
/// until graceful shutdown or cancellation; every wait in it ends on either.
final class BrokerConnection: ChatPublisher, Service {
    /// Where received messages go, and how they are understood.
    struct Forwarding: Sendable {
        var queue: IngestQueue<IngestEvent>
        var limits: PayloadLimits
        var clock: any ChatClock
        /// Past this many bytes waiting in the queue, QoS 0 messages are dropped (counted
        /// and logged) rather than held: nothing bounds them at the broker, and a flood of
        /// them would grow memorize until it is killed. QoS 1 messages are bounded by the
        /// broker's in-flight window and never dropped.
        var maximumWaitingBytes: Int
    }

    private let client: MQTTClient
    private let forwarding: Forwarding?
    private let filters: [String]
    private let logger: Logger
    /// How long a greeting or logout waits for the broker before it is given up.
    private let publishTimeout: Duration

    /// A connection for `options`; with `forwarding`, it subscribes and feeds the queue.
    init(options: MemorizeOptions, forwarding: Forwarding?, logger: Logger, publishTimeout: Duration = .seconds(5)) {
        let persistent = forwarding != nil && options.persistentSession
        var configuration = MQTTConfiguration(
            host: options.broker.host, port: options.broker.port, clientID: options.clientID ?? MemorizeOptions.randomClientID(),
            username: options.broker.username, password: options.broker.password,
            cleanSession: !persistent,
            acknowledgement: persistent ? .afterHandled : .onReceipt)
        // The other brokers, each with its own credentials (``BrokerAddress/list(parsing:environment:)``
        // gave every entry credentials, or none of them).
        configuration.failoverBrokers = options.brokers.dropFirst().map { address in
            MQTTBrokerEndpoint(host: address.host, port: address.port, username: address.username, password: address.password)
        }
        client = MQTTClient(configuration: configuration, logger: logger)
        self.forwarding = forwarding
        filters = options.subscriptionFilters
        self.logger = logger
        self.publishTimeout = publishTimeout
    }

    /// The next `count` messages handed to the queue are stored (or skipped for good):
    /// their acknowledgements may go to the broker.
    func acknowledge(_ count: Int) {
        client.acknowledge(count)
    }

    /// Publishes at QoS 1 and waits for the broker's acknowledgement, at most
    /// `publishTimeout`: a broker that is down makes a greeting fail (and say so), never
    /// wait forever. (The client may still deliver it once the broker is back.)
    func publish(topic: String, payload: [UInt8]) async throws {
        try await publish(topic: topic, payload: payload, retain: false)
    }

    /// As ``publish(topic:payload:)``, retained.
    func publishRetained(topic: String, payload: [UInt8]) async throws {
        try await publish(topic: topic, payload: payload, retain: true)
    }

    private func publish(topic: String, payload: [UInt8], retain: Bool) async throws {
        let client = self.client, timeout = publishTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce, retain: retain) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BrokerUnavailable(state: "\(client.state)", timeout: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    func run() async throws {
        guard let forwarding else {
            try await client.run()
            return
        }
        // The forwarding ends when the client closes (its stream of messages finishes).
        try await client.runSubscribed(to: filters, logger: logger) { await self.forward(into: forwarding) }
    }

    /// Understands every message the broker delivers (stamped with the clock) and hands it
    /// to the queue, in parallel with the storing. Every message gives the queue one event,
    /// even one dropped, so acknowledgements stay in order.
    private func forward(into forwarding: Forwarding) async {
        var dropped = 0
        for await message in client.messages {
            if message.qos == .atMostOnce, forwarding.queue.waitingBytes > forwarding.maximumWaitingBytes {
                dropped += 1
                if dropped == 1 || dropped % 1_000 == 0 {
                    logger.warning("the ingest queue is full: dropping QoS 0 messages until it drains", metadata: [
                        "dropped": "\(dropped)", "waiting-bytes": "\(forwarding.queue.waitingBytes)",
                    ])
                }
                forwarding.queue.push(.dropped)
                continue
            }
            let item = IngestItem(
                topic: message.topic, payload: message.payload, receivedAt: forwarding.clock.now().milliseconds,
                retained: message.retain)
            forwarding.queue.push(IngestEvent(parsing: item, limits: forwarding.limits))
        }
    }
}

/// The broker did not acknowledge in time.
struct BrokerUnavailable: Error, CustomStringConvertible {
    let state: String
    let timeout: Duration
    var description: String { "the broker did not acknowledge within \(timeout) (connection: \(state))" }
}
