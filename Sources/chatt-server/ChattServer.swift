import ArgumentParser
import ChatDaemon
import ChatHTTP
import ChatStorage
import ChatStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

@main
struct ChattServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-server", abstract: "Serve the ChaTT page, its files and the chat history over HTTP.",
        discussion: ChattServerHelp.discussion)

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let logger = DaemonLogging.bootstrap(label: "chatt.server", environment: ProcessInfo.processInfo.environment)
        let configuration = try options.loadConfiguration()
        logger.info("configuration", metadata: configuration.loggingMetadata)
        let storage = try await options.openStore(configuration, logger: logger)
        let app = buildApplication(configuration: configuration, store: storage.store, logger: logger)
        // The store's own services (PostgreSQL's pool) first: they stop last. The server goes
        // on serving what it holds when its database file is deleted or replaced; the watch
        // logs it, and /healthz answers 503 with the reason.
        var services: [any Service] = storage.services + [app]
        if let watch = storage.fileWatch(reaction: .report, logger: logger) { services.append(watch) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
