import ChatCore
import ChatMQTT
import Logging
import ServiceLifecycle
import Synchronization

/// memorize's one connection to the broker: where greetings and logouts are published,
/// and, with `--subscribe`, where messages come from (a persistent session at QoS 1 under
/// a stable client id, so what is published while memorize is down arrives when it is back).
///
/// With a persistent session, a message is acknowledged to the broker only once it is
/// stored (``acknowledge(_:)``, after each committed transaction; see ChatMQTT's
/// "Delivery window" article): memorize killed at any moment loses nothing, and what it
/// had not stored comes again when it is back (stored once, by the message's id).
final class BrokerConnection: ChatPublisher, Service {
    private let client: MQTTClient
    private let subscribes: Bool
    private let filters: [String]
    private let logger: Logger
    /// How long a greeting or logout waits for the broker before it is given up.
    private let publishTimeout: Duration

    init(options: MemorizeOptions, logger: Logger, publishTimeout: Duration = .seconds(5)) {
        let configuration = MQTTConfiguration(
            host: options.broker.host, port: options.broker.port, clientID: options.clientID,
            username: options.broker.username, password: options.broker.password,
            cleanSession: !Self.holdsAcknowledgements(options),
            acknowledgement: Self.holdsAcknowledgements(options) ? .afterHandled : .onReceipt)
        client = MQTTClient(configuration: configuration, logger: logger)
        subscribes = options.input == .subscription
        filters = options.subscriptionFilters
        self.logger = logger
        self.publishTimeout = publishTimeout
    }

    /// Whether messages come from a persistent session, where a message not acknowledged
    /// is sent again: then they are acknowledged once stored, not on receipt.
    private static func holdsAcknowledgements(_ options: MemorizeOptions) -> Bool {
        options.input == .subscription && options.persistentSession
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
        let client = self.client, timeout = publishTimeout
        let outcome = FirstOutcome()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            outcome.set(continuation)
            // A waiting publish cannot be cancelled (it ends when the broker acknowledges
            // or the client closes), so it runs on its own and the timeout races it.
            Task {
                do {
                    try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
                    outcome.resume(with: .success(()))
                } catch {
                    outcome.resume(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                outcome.resume(with: .failure(BrokerUnavailable(state: "\(client.state)", timeout: timeout)))
            }
        }
    }

    /// Understands every message the broker delivers (stamped with `clock`) and hands it
    /// to `queue`, on a task of its own, in parallel with the storing.
    func forwardMessages(into queue: IngestQueue<IngestEvent>, limits: PayloadLimits, clock: any ChatClock) {
        let messages = client.messages
        Task {
            for await message in messages {
                let item = IngestItem(topic: message.topic, payload: message.payload, receivedAt: clock.now().milliseconds)
                queue.push(IngestEvent(parsing: item, limits: limits))
            }
        }
    }

    func run() async throws {
        if subscribes {
            do {
                try await client.connect()
            } catch where error.kind == .refused {
                // Wrong credentials do not get better by retrying.
                throw error
            } catch {
                logger.warning("the broker does not answer yet; retrying", metadata: ["error": "\(error)"])
            }
            // Remembered by the client, and granted once it is connected.
            for filter in filters {
                try await client.subscribe(filter, qos: .atLeastOnce)
            }
            logger.info("subscribed", metadata: ["filters": "\(filters.joined(separator: " "))"])
        }
        try await client.run()
    }
}

/// Resumes a continuation with whichever outcome comes first.
private final class FirstOutcome: Sendable {
    private let continuation = Mutex<CheckedContinuation<Void, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<Void, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(with result: Result<Void, any Error>) {
        let waiting = continuation.withLock { current in
            defer { current = nil }
            return current
        }
        waiting?.resume(with: result)
    }
}

/// The broker did not acknowledge in time.
struct BrokerUnavailable: Error, CustomStringConvertible {
    let state: String
    let timeout: Duration
    var description: String { "the broker did not acknowledge within \(timeout) (connection: \(state))" }
}
