import ArgumentParser
import ChatCore
import ChatMemorize
import ChatStore
import ChatStorage
import Foundation
import Logging

/// What the command does besides running the daemon: turning flags into options, the
/// import and the export.
enum MemorizeCommandSupport {
    static func bootstrapLogging(environment: [String: String]) -> Logger {
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "chatt.memorize")
    }

    static func options(from command: ChattMemorize, environment: [String: String]) throws -> MemorizeOptions {
        let database: StoreLocation
        do {
            database = try StoreLocation(
                parsing: command.db ?? DefaultDatabasePath.path(environment: environment), environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
        var options = MemorizeOptions(database: database)
        options.createDatabase = command.create
        if let clientID = command.clientID {
            guard !clientID.isEmpty, clientID.utf8.count <= 128 else {
                throw ValidationError("--client-id must be 1 to 128 bytes long")
            }
            options.clientID = clientID
        }
        options.input = command.subscribe ? .subscription : .standardInput
        do {
            options.broker = try BrokerAddress(parsing: command.broker).withCredentials(from: environment)
        } catch {
            throw ValidationError(error.description)
        }
        if let legacy = command.legacyServer {
            guard let url = URL(string: legacy), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--legacy-server must be an http(s) URL, like http://127.0.0.1:8080")
            }
            options.legacyServer = url
        }
        if let group = command.sharedGroup {
            guard command.subscribe else { throw ValidationError("--shared-group needs --subscribe") }
            guard !group.isEmpty, group.utf8.count <= 64, !group.contains(where: { "/+#".contains($0) || $0.isWhitespace }) else {
                throw ValidationError("--shared-group must be 1 to 64 characters without /, +, # or spaces")
            }
            guard command.clientID != nil else {
                throw ValidationError("--shared-group needs an own --client-id for each instance (say memorize-a and memorize-b)")
            }
            options.sharedGroup = group
        }
        options.reverseDNS = command.reverseDNS
        options.greets = command.greet
        guard let style = GreetingStyle(rawValue: command.greetings) else {
            throw ValidationError("--greetings must be quiet or original, not '\(command.greetings)'")
        }
        options.rules.style = style
        guard command.maxTextBytes > 0 else { throw ValidationError("--max-text-bytes must be positive") }
        options.limits = PayloadLimits(maximumTextBytes: command.maxTextBytes)
        guard command.maxRooms > 0 else { throw ValidationError("--max-rooms must be positive") }
        options.roomLimit = command.maxRooms
        guard command.maxOnline > 0 else { throw ValidationError("--max-online must be positive") }
        options.onlineLimit = command.maxOnline
        guard command.maxQueueBytes >= 0 else { throw ValidationError("--max-queue-bytes must not be negative") }
        options.maximumQueuedBytes = command.maxQueueBytes
        guard command.sweepSeconds > 0 else { throw ValidationError("--sweep-seconds must be positive") }
        options.sweepInterval = .milliseconds(Int(command.sweepSeconds * 1_000))
        return options
    }

    static func openStore(_ location: StoreLocation, create: Bool, logger: Logger) async throws -> ChatStorage {
        do {
            return try await ChatStorage.open(location, options: ChatStorage.Options(create: create), logger: logger)
        } catch let error as StoreError {
            throw CommandFailure(error.description)
        }
    }

    static func importLegacy(_ file: String, into location: StoreLocation, create: Bool, logger: Logger) async throws {
        let info: LegacyChatInfo
        do {
            info = try LegacyChatInfo(contentsOf: file)
        } catch {
            throw CommandFailure(error.description)
        }
        let storage = try await openStore(location, create: create, logger: logger)
        defer { storage.close() }
        logger.info("importing", metadata: ["file": "\(file)", "db": "\(location)"])
        var lastShown = Date.distantPast
        let report = try await info.importInto(storage.store) { done, total in
            if Date().timeIntervalSince(lastShown) >= 1 || done == total {
                lastShown = Date()
                logger.info("import progress", metadata: ["messages": "\(done)/\(total)"])
            }
        }
        for reason in report.skipped.prefix(20) {
            logger.warning("skipped", metadata: ["reason": "\(reason)"])
        }
        logger.info("imported", metadata: [
            "messages": "\(report.messagesStored)", "already-stored": "\(report.messagesAlreadyStored)",
            "users": "\(report.users)", "skipped": "\(report.skipped.count)",
        ])
    }

    static func export(from location: StoreLocation, create: Bool, logger: Logger) async throws {
        let storage = try await openStore(location, create: create, logger: logger)
        defer { storage.close() }
        try await JSONLinesExport.export(storage.store) { bytes in
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

/// A failure to report in one line on stderr, with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
