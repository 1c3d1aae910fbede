import ArgumentParser
import ChatHTTP
import ChatStorePostgres
import ChatStore
import Hummingbird
import Logging

@main
struct ChattServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-server", abstract: "Serve the ChaTT page, its files and the chat history over HTTP.",
        discussion: ChattServerHelp.discussion)

    @OptionGroup var options: ServerOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "chatt.server")
        logger.logLevel = ServerOptions.logLevel()
        let configuration = try options.loadConfiguration()
        logger.info("configuration", metadata: configuration.loggingMetadata)
        let storage = try await options.openStore(configuration, logger: logger)
        defer { storage.close() }
        let app = buildApplication(configuration: configuration, store: storage.store, logger: logger)
        try await app.runService()
        logger.info("stopped")
    }
}
