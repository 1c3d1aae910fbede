package import ChatStore
import Foundation
package import Logging
import ServiceLifecycle
import Synchronization

/// Removes uploaded files past their time (``FileRetention``): at start, then every
/// ``FileRetention/interval`` until graceful shutdown. Each removal is logged with its
/// reason.
///
/// Several memorize instances may sweep one shared directory: a file already gone is no
/// error.
package struct FileSweeper: Service {
    let retention: FileRetention
    let store: any MessageStore
    let clock: any ChatClock
    let logger: Logger

    /// A file removed, and why.
    package struct Removal: Sendable, Hashable {
        package var sha256: String
        package var size: Int64
        package var reason: String
    }

    /// Creates the sweeper.
    package init(retention: FileRetention, store: any MessageStore, clock: any ChatClock = SystemClock(), logger: Logger) {
        self.retention = retention
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                _ = try await sweep()
            } catch {
                logger.warning("file sweep failed", metadata: ["directory": "\(retention.directory)", "reason": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: retention.interval) }
            } catch {
                return
            }
        }
    }

    /// One sweep; returns what it removed, in the order removed.
    @discardableResult
    package func sweep() async throws -> [Removal] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: retention.directory) else { return [] }
        let now = clock.now()
        struct Entry { var name: String; var size: Int64; var modified: Date }
        var entries: [Entry] = []
        var removals: [Removal] = []
        for name in names {
            let path = retention.directory + "/" + name
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let modified = attributes[.modificationDate] as? Date
            else { continue }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            if name.hasPrefix(".upload-") {
                // An upload that never finished (the server stopped mid-way): a day later it is litter.
                if now.timeIntervalSince(modified) > 86_400, remove(path) {
                    removals.append(Removal(sha256: name, size: size, reason: "an unfinished upload"))
                }
                continue
            }
            guard name.utf8.count == 64, name.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { continue }
            entries.append(Entry(name: name, size: size, modified: modified))
        }

        let graceSeconds = retention.grace.secondsValue
        var kept: [Entry] = []
        var referenced: Set<String>?
        for entry in entries.sorted(by: { $0.modified < $1.modified }) {
            let age = now.timeIntervalSince(entry.modified)
            if let maxAge = retention.maxAge, age > maxAge.secondsValue {
                if remove(retention.directory + "/" + entry.name) {
                    removals.append(Removal(sha256: entry.name, size: entry.size, reason: "older than --files-max-age"))
                }
                continue
            }
            if age > graceSeconds {
                if referenced == nil { referenced = try await referencedFiles() }
                if referenced?.contains(entry.name) == false {
                    if remove(retention.directory + "/" + entry.name) {
                        removals.append(Removal(sha256: entry.name, size: entry.size, reason: "no message refers to it"))
                    }
                    continue
                }
            }
            kept.append(entry)
        }
        if let budget = retention.maxBytes {
            var total = kept.reduce(Int64(0)) { $0 + $1.size }
            for entry in kept where total > budget {
                if remove(retention.directory + "/" + entry.name) {
                    removals.append(Removal(sha256: entry.name, size: entry.size, reason: "over --files-max-bytes"))
                }
                total -= entry.size
            }
        }
        for removal in removals {
            logger.info("file removed", metadata: [
                "sha256": "\(removal.sha256)", "size": "\(removal.size)", "reason": "\(removal.reason)",
            ])
        }
        if !removals.isEmpty {
            logger.info("file sweep", metadata: [
                "removed": "\(removals.count)", "bytes": "\(removals.reduce(Int64(0)) { $0 + $1.size })",
                "kept": "\(entries.count - removals.filter { !$0.sha256.hasPrefix(".upload-") }.count)",
            ])
        }
        return removals
    }

    /// Every file that a message's current text names.
    func referencedFiles() async throws -> Set<String> {
        let found = Mutex<Set<String>>([])
        try await store.forEachMessage { chunk in
            var hashes = Set<String>()
            for message in chunk {
                FileReferences.collect(from: message.text, into: &hashes)
            }
            found.withLock { $0.formUnion(hashes) }
        }
        return found.withLock { $0 }
    }

    /// Removes `path`; `true` when it was removed here (a file another sweeper removed
    /// first is not counted).
    private func remove(_ path: String) -> Bool {
        do {
            try FileManager.default.removeItem(atPath: path)
            return true
        } catch {
            if FileManager.default.fileExists(atPath: path) {
                logger.warning("cannot remove a file", metadata: ["path": "\(path)", "reason": "\(error)"])
            }
            return false
        }
    }
}

extension Duration {
    fileprivate var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
