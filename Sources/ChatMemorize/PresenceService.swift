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
        presence.clientID = String(((options.clientID ?? MemorizeOptions.randomClientID()) + "-presence").prefix(128))
        presence.sharedGroup = nil
        presence.persistentSession = false
        presence.input = .subscription
        let pipeline = try await IngestPipeline(
            options: presence, store: store, roles: .presence, publishes: true, sweeps: true,
            resolver: resolver, clock: clock, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: pipeline.leadingServices + [pipeline.ingestService], logger: logger))
        try await group.run()
    }
}
