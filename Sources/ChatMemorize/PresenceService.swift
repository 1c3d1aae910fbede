import ChatCore
import ChatStore
import Logging
import ServiceLifecycle

/// The leader's part when several instances share the load: while this instance holds
/// the store's ``LeaderLock``, it follows every user on a connection of its own (a clean
/// session subscribed to all of `rooms/#` and `users/#`, not the shared group), greets
/// newcomers and logs idle users out. When the lock is lost (the holder's database
/// connection broke) it stops, and whichever instance takes the lock next starts again
/// from the users stored.
struct PresenceService: Service {
    let options: MemorizeOptions
    let store: any MessageStore
    let lock: any LeaderLock
    let resolver: any HostNameResolver
    let clock: any ChatClock
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await LeaderElection.run(lock: lock, logger: logger) {
                try await lead()
            }
        }
    }

    private func lead() async throws {
        var presence = options
        presence.clientID = String((options.clientID + "-presence").prefix(128))
        presence.sharedGroup = nil
        presence.persistentSession = false
        presence.input = .subscription
        let broker = BrokerConnection(options: presence, logger: logger)
        let memorizer = try await Memorizer(
            store: store, publisher: broker, resolver: resolver, clock: clock, rules: options.rules,
            roomLimit: options.roomLimit, roles: .presence, logger: logger)
        let queue = IngestQueue<IngestEvent>()
        broker.forwardMessages(into: queue, limits: options.limits, clock: clock)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [
            .init(service: broker, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: IdleSweepService(memorizer: memorizer, interval: options.sweepInterval)),
            .init(service: IngestService(queue: queue, memorizer: memorizer)),
        ], logger: logger))
        try await group.run()
    }
}
