#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
import ChatMemorize
import ChatMQTT
package import Logging
import ServiceLifecycle

/// chatt-push's connection to the broker, as a service: subscribes to every room's
/// `newtext` and to `direct/#` (a clean session: what was published while chatt-push was
/// down is not notified late) and hands each message to the dispatcher, until graceful
/// shutdown.
package struct PushListener: Service {
    private let client: MQTTClient
    private let dispatcher: PushDispatcher
    private let logger: Logger

    /// The filters subscribed to.
    static let filters = ["rooms/+/newtext", "direct/#"]

    /// A listener for `options`'s brokers that feeds `dispatcher`.
    package init(options: PushOptions, dispatcher: PushDispatcher, logger: Logger) {
        let first = options.brokers[0]
        var configuration = MQTTConfiguration(
            host: first.host, port: first.port, clientID: options.clientID,
            username: first.username, password: first.password, cleanSession: true, acknowledgement: .onReceipt)
        configuration.failoverBrokers = options.brokers.dropFirst().map { address in
            MQTTBrokerEndpoint(host: address.host, port: address.port, username: address.username, password: address.password)
        }
        client = MQTTClient(configuration: configuration, logger: logger)
        self.dispatcher = dispatcher
        self.logger = logger
    }

    package func run() async throws {
        try await client.runSubscribed(to: Self.filters, logger: logger) { [client, dispatcher] in
            for await message in client.messages where !message.retain {
                if let event = PushEvent(topic: message.topic, payload: message.payload) {
                    await dispatcher.handle(event)
                }
            }
        }
    }
}
#endif
