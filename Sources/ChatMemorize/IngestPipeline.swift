import ChatStore
import Logging
import ServiceLifecycle

/// The parts that turn messages into history, wired once for a given role: the broker
/// connection (which, with a subscription, feeds the queue), the queue, the memorizer, and
/// the services that run them. Both a whole instance (``MemorizeDaemon``) and a shared
/// group's leader (``PresenceService``) are built from it.
struct IngestPipeline {
    let broker: BrokerConnection
    let queue: IngestQueue<IngestEvent>
    let memorizer: Memorizer
    /// The services to start first: the broker connection, the greetings if this role
    /// publishes them, and the idle sweep if it sweeps.
    let leadingServices: [ServiceGroupConfiguration.ServiceConfiguration]
    /// The service to start last (so it stops first and stores what is left): ingest.
    let ingestService: ServiceGroupConfiguration.ServiceConfiguration

    /// Wires the parts for `roles`. `publishes`: greetings and logouts go out through the
    /// broker connection; `sweeps`: idle users are logged out every sweep interval.
    init(
        options: MemorizeOptions, store: any MessageStore, roles: Memorizer.Roles, publishes: Bool, sweeps: Bool,
        resolver: any HostNameResolver, clock: any ChatClock, logger: Logger
    ) async throws {
        queue = IngestQueue<IngestEvent>(weight: { $0.heldBytes })
        let forwarding = options.input == .subscription
            ? BrokerConnection.Forwarding(
                queue: queue, limits: options.limits, clock: clock, maximumWaitingBytes: options.maximumQueuedBytes)
            : nil
        let broker = BrokerConnection(options: options, forwarding: forwarding, logger: logger)
        self.broker = broker
        memorizer = try await Memorizer(
            store: store, publisher: publishes ? broker : nil, resolver: resolver, clock: clock, rules: options.rules,
            roomLimit: options.roomLimit, onlineLimit: options.onlineLimit, roles: roles, logger: logger)
        // The broker connection fails for good only on a refusal (wrong credentials): the
        // group then shuts down gracefully, so what was received is stored, and the error
        // is reported.
        var leading: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: broker, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if publishes {
            leading.append(.init(service: GreetingService(memorizer: memorizer)))
        }
        if sweeps {
            leading.append(.init(service: IdleSweepService(memorizer: memorizer, interval: options.sweepInterval)))
        }
        leadingServices = leading
        ingestService = .init(
            service: IngestService(queue: queue, memorizer: memorizer, logger: logger, afterStoring: { broker.acknowledge($0) }),
            successTerminationBehavior: .gracefullyShutdownGroup)
    }
}
