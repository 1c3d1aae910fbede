import ChatCore
import ChatStorage
import ChatStore
import Foundation
import Logging

extension MemorizeCommandSupport {
    /// Imports the JSON Lines that `--export` printed (with their v2 fields, direct
    /// messages and pinned keys).
    static func importExport(_ lines: String, file: String, into location: StoreLocation, create: Bool, logger: Logger) async throws {
        let storage = try await openStore(location, create: create, logger: logger)
        logger.info("importing an export", metadata: ["file": "\(file)", "db": "\(location)"])
        let receivedAt = Date().milliseconds
        let report = try await storage.withServices {
            try await JSONLinesImport.importLines(lines, into: storage.store, receivedAt: receivedAt)
        }
        for reason in report.skipped.prefix(20) {
            logger.warning("skipped", metadata: ["reason": "\(reason)"])
        }
        logger.info("imported", metadata: [
            "messages": "\(report.messagesStored)", "already-stored": "\(report.messagesAlreadyStored)",
            "reactions": "\(report.reactions)", "direct-messages": "\(report.directs)",
            "pinned-keys": "\(report.pinnedKeys)", "skipped": "\(report.skipped.count)",
        ])
    }
}
