import ChatCore
import ChatStore
import ChatStorage
import Foundation
package import Logging
import ServiceLifecycle
import UnixSignals

/// `chatt-memorize` as a whole: the store, the input, the broker connection, the idle
/// sweep and (optionally) the legacy server, run as one service group that stops cleanly
/// on SIGTERM and SIGINT, and at the end of standard input.
///
/// With a shared group (several instances splitting the load), every instance stores
/// what its share of the subscription brings, and the one holding the store's leader lock
/// also runs a ``PresenceService``: greetings and idle logouts, exactly once.
package enum MemorizeDaemon {
    /// Runs until the end of input or a signal; stores what was received before returning.
    ///
    /// The store's own services (PostgreSQL's pool) run first in the group and stop last;
    /// ``MemorizeService`` waits until they run, then does the rest.
    package static func run(_ options: MemorizeOptions, environment: [String: String], logger: Logger) async throws {
        let storage = try await ChatStorage.open(
            options.database, options: ChatStorage.Options(create: options.createDatabase), logger: logger)
        let core = MemorizeService(options: options, storage: storage, environment: environment, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: storage.services.map { .init(service: $0) }
                + [.init(service: core, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Everything of `chatt-memorize` that uses the store, as one service of the daemon's group,
/// after the store's own: the pipeline and its services, in a group of their own that stops
/// when the daemon's does.
struct MemorizeService: Service {
    let options: MemorizeOptions
    let storage: ChatStorage
    let environment: [String: String]
    let logger: Logger

    func run() async throws {
        await storage.waitUntilReady()
        let store = storage.store
        var options = options
        options.clientID = try await options.resolvedClientID(in: store)
        let clock: any ChatClock = environment["CHATT_CLOCK_FILE"].map { FileClock(path: $0) } ?? SystemClock()
        let resolver: any HostNameResolver = options.reverseDNS ? SystemHostNameResolver() : NoHostNameResolver()
        let shared = options.sharedGroup != nil
        let pipeline = try await IngestPipeline(
            options: options, store: store, roles: shared ? .storage : .all, publishes: options.greets && !shared,
            sweeps: !shared, resolver: resolver, clock: clock, logger: logger)
        let memorizer = pipeline.memorizer

        logger.info("chatt-memorize starting", metadata: [
            "input": "\(options.input == .standardInput ? "stdin" : "subscription")",
            "db": "\(options.database)", "broker": "\(options.brokers.map(\.description).joined(separator: ","))",
            "client-id": "\(options.clientID.map { $0.prefix(20) + "…" } ?? "")",
            "shared-group": "\(options.sharedGroup ?? "none")",
            "legacy-server": "\(options.legacyServer?.absoluteString ?? "none")",
            "files-dir": "\(options.files.directory)",
            "files-max-age": "\(options.files.maxAge.map { "\($0)" } ?? "none")",
            "files-max-bytes": "\(options.files.maxBytes.map(String.init) ?? "none")",
        ])

        // Shut down in reverse order: ingest first (it stores what is left), the broker last.
        var services = pipeline.leadingServices
        // A database file deleted or replaced under it stops it (exit 1) rather than let it
        // acknowledge messages into a file nobody will read again.
        if let watch = storage.fileWatch(reaction: .stop, checkIntegrity: true, logger: logger) {
            services.append(.init(service: watch))
        }
        if let url = options.legacyServer {
            let notifier = LegacyServerNotifier(baseURL: url, store: store, logger: logger)
            await memorizer.observeChanges { await notifier.note($0) }
            services.append(.init(service: notifier))
        }
        if shared, options.greets {
            services.append(.init(service: PresenceService(
                options: options, store: store, lock: storage.leaderLock, resolver: resolver, clock: clock, logger: logger)))
        }
        services.append(.init(service: FileSweeper(retention: options.files, store: store, clock: clock, logger: logger)))
        services.append(pipeline.ingestService)

        if options.input == .standardInput {
            StandardInputReader.start(limits: options.limits, into: pipeline.queue, clock: clock)
        }

        // A group inside the daemon's: it shuts down gracefully when the daemon's does.
        try await ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger)).run()

        let stats = await memorizer.statistics
        logger.info("chatt-memorize stopped", metadata: [
            "stored": "\(stats.stored)", "duplicates": "\(stats.duplicates)", "skipped": "\(stats.skipped)",
            "greetings": "\(stats.greetings)", "idle-logouts": "\(stats.idleLogouts)",
            "dropped-qos0": "\(stats.dropped)", "set-aside": "\(stats.setAside)",
        ])
    }
}
