import ChatCore
import ChatStore
import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// `chatt-memorize` as a whole: the store, the input, the broker connection, the idle
/// sweep and (optionally) the legacy server, run as one service group that stops cleanly
/// on SIGTERM and SIGINT, and at the end of standard input.
public enum MemorizeDaemon {
    /// Runs until the end of input or a signal; stores what was received before returning.
    public static func run(_ options: MemorizeOptions, environment: [String: String], logger: Logger) async throws {
        try DefaultDatabasePath.createDirectory(for: options.databasePath)
        let store = try SQLiteMessageStore(path: options.databasePath)
        let clock: any ChatClock = environment["CHATT_CLOCK_FILE"].map { FileClock(path: $0) } ?? SystemClock()
        let broker = BrokerConnection(options: options, logger: logger)
        let memorizer = try await Memorizer(
            store: store, publisher: options.greets ? broker : nil, resolver: options.reverseDNS ? SystemHostNameResolver() : NoHostNameResolver(),
            clock: clock, rules: options.rules, roomLimit: options.roomLimit, logger: logger)
        let queue = IngestQueue<IngestEvent>()

        logger.info("chatt-memorize starting", metadata: [
            "input": "\(options.input == .standardInput ? "stdin" : "subscription")",
            "db": "\(options.databasePath)", "broker": "\(options.broker)", "client-id": "\(options.clientID)",
            "legacy-server": "\(options.legacyServer?.absoluteString ?? "none")",
        ])

        // Shut down in reverse order: ingest first (it stores what is left), the broker last.
        // The broker connection fails for good only on a refusal (wrong credentials): the
        // group then shuts down gracefully, so what was received is stored, and the error
        // is reported.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: broker, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let url = options.legacyServer {
            let notifier = LegacyServerNotifier(baseURL: url, store: store, logger: logger)
            await memorizer.observeChanges { await notifier.note($0) }
            services.append(.init(service: notifier))
        }
        services.append(.init(service: IdleSweepService(memorizer: memorizer, interval: options.sweepInterval)))
        services.append(.init(service: IngestService(queue: queue, memorizer: memorizer),
                              successTerminationBehavior: .gracefullyShutdownGroup))

        switch options.input {
        case .standardInput:
            StandardInputReader.start(limits: options.limits, into: queue, clock: clock)
        case .subscription:
            broker.forwardMessages(into: queue, limits: options.limits, clock: clock)
        }

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()

        let stats = await memorizer.statistics
        logger.info("chatt-memorize stopped", metadata: [
            "stored": "\(stats.stored)", "duplicates": "\(stats.duplicates)", "skipped": "\(stats.skipped)",
            "greetings": "\(stats.greetings)", "idle-logouts": "\(stats.idleLogouts)",
        ])
    }
}

