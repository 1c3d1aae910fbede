#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
package import ChatStorage
import ChatStore
import ChatMemorize
import ChatWebPush
package import Logging
import ServiceLifecycle
import UnixSignals

/// `chatt-push` as a whole: the store's services, then the listener, in one service group
/// that stops cleanly on SIGTERM and SIGINT.
package enum PushDaemon {
    /// Runs until a signal.
    package static func run(_ options: PushOptions, logger: Logger) async throws {
        let storage = try await ChatStorage.open(options.database, logger: logger)
        let sender = WebPushSender()
        let core = PushService(options: options, storage: storage, sender: sender, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: storage.services.map { .init(service: $0) }
                + [.init(service: core, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await sender.shutdown()
            throw error
        }
        await sender.shutdown()
    }
}

/// What uses the store, after the store's own services run: the key, the dispatcher and
/// the listener, in a group of their own.
package struct PushService: Service {
    let options: PushOptions
    let storage: ChatStorage
    let sender: any PushSender
    let logger: Logger

    /// The service for `options`, sending through `sender`.
    package init(options: PushOptions, storage: ChatStorage, sender: any PushSender, logger: Logger) {
        self.options = options
        self.storage = storage
        self.sender = sender
        self.logger = logger
    }

    package func run() async throws {
        await storage.waitUntilReady()
        let key = try await PushDispatcher.vapidKey(in: storage.store)
        let dispatcher = PushDispatcher(store: storage.store, sender: sender, key: key, settings: options.settings, logger: logger)
        logger.info("chatt-push starting", metadata: [
            "db": "\(options.database)", "broker": "\(options.brokers.map(\.description).joined(separator: ","))",
            "vapid-public-key": "\(key.publicKeyBase64URL)", "subject": "\(options.settings.subject)",
            "allow-loopback": "\(options.settings.policy.allowsLoopback)",
        ])
        let listener = PushListener(options: options, dispatcher: dispatcher, logger: logger)
        try await ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: listener)], logger: logger)).run()
        let stats = await dispatcher.statistics
        logger.info("chatt-push stopped", metadata: ["sent": "\(stats.sent)", "failed": "\(stats.failed)", "removed": "\(stats.removed)"])
    }
}
#endif
