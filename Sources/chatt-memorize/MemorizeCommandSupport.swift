import ArgumentParser
import ChatDaemon
import ChatCore
import ChatMemorize
import ChatStore
import ChatStorage
import Foundation
import Logging

/// What the command does besides running the daemon: turning flags into options, the
/// import and the export.
enum MemorizeCommandSupport {
    /// The flags as given, for ``MemorizeOptions/init(arguments:environment:)`` to check.
    static func arguments(of command: ChattMemorize) -> MemorizeArguments {
        var arguments = MemorizeArguments()
        arguments.subscribe = command.subscribe
        if !command.broker.isEmpty { arguments.broker = command.broker }
        arguments.clientID = command.clientID
        arguments.db = command.db
        arguments.create = command.create
        arguments.sharedGroup = command.sharedGroup
        arguments.legacyServer = command.legacyServer
        arguments.reverseDNS = command.reverseDNS
        arguments.greet = command.greet
        arguments.greetings = command.greetings
        arguments.maxTextBytes = command.maxTextBytes
        arguments.maxRooms = command.maxRooms
        arguments.maxOnline = command.maxOnline
        arguments.maxQueueBytes = command.maxQueueBytes
        arguments.sweepSeconds = command.sweepSeconds
        arguments.filesDir = command.filesDir
        arguments.filesMaxAge = command.filesMaxAge
        arguments.filesMaxBytes = command.filesMaxBytes
        arguments.filesSweepSeconds = command.filesSweepSeconds
        return arguments
    }

    static func openStore(_ location: StoreLocation, create: Bool, logger: Logger) async throws -> ChatStorage {
        do {
            return try await ChatStorage.open(location, options: ChatStorage.Options(create: create), logger: logger)
        } catch let error as StoreError {
            throw ExitPolicy.failure("chatt-memorize", error.description)
        }
    }

    static func importLegacy(_ file: String, into location: StoreLocation, create: Bool, logger: Logger) async throws {
        if let lines = try? String(contentsOfFile: file, encoding: .utf8),
           JSONLinesImport.looksLikeExport(lines.prefix { $0 != "\n" }) {
            return try await importExport(lines, file: file, into: location, create: create, logger: logger)
        }
        let info: LegacyChatInfo
        do {
            info = try LegacyChatInfo(contentsOf: file)
        } catch {
            throw ExitPolicy.failure("chatt-memorize", error.description)
        }
        let storage = try await openStore(location, create: create, logger: logger)
        logger.info("importing", metadata: ["file": "\(file)", "db": "\(location)"])
        let report = try await storage.withServices {
            var lastShown = Date.distantPast
            return try await info.importInto(storage.store) { done, total in
                if Date().timeIntervalSince(lastShown) >= 1 || done == total {
                    lastShown = Date()
                    logger.info("import progress", metadata: ["messages": "\(done)/\(total)"])
                }
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
        try await storage.withServices {
            try await JSONLinesExport.export(storage.store) { bytes in
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}
