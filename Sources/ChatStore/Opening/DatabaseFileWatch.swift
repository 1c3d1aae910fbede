public import Logging
public import ServiceLifecycle

/// Checks every few seconds that an SQLite store's path still leads to the file it opened
/// (``SQLiteMessageStore/checkFile()``), and logs an error, once, when it does not: the
/// database was deleted or replaced under the daemon. A writer also checkpoints the WAL
/// now and then, so that it is kept to ``SQLiteMessageStore/journalSizeLimit``, and (when
/// asked) runs `PRAGMA quick_check` once at start, in the background, logging damage.
///
/// `chatt-memorize` stops on it (``Reaction/stop``: this service fails, the group is
/// cancelled, the process exits non-zero) rather than go on acknowledging messages into a
/// deleted file; `chatt-server` goes on serving what it holds, and its `/healthz` says
/// why it is unhealthy (``Reaction/report``).
public struct DatabaseFileWatch: Service {
    /// What to do when the file is not the one opened.
    public enum Reaction: Sendable, Hashable {
        /// Log, and fail (the service group stops).
        case stop
        /// Log, and go on.
        case report
    }

    let store: SQLiteMessageStore
    let reaction: Reaction
    let interval: Duration
    let checkpointInterval: Duration
    let checkIntegrity: Bool
    let logger: Logger

    /// Creates the watch of `store`.
    public init(store: SQLiteMessageStore, reaction: Reaction, interval: Duration = .seconds(2),
                checkpointInterval: Duration = .seconds(60), checkIntegrity: Bool = false, logger: Logger) {
        self.checkIntegrity = checkIntegrity
        self.store = store
        self.reaction = reaction
        self.interval = interval
        self.checkpointInterval = checkpointInterval
        self.logger = logger
    }

    public func run() async throws {
        if checkIntegrity { await quickCheck() }
        var reported = false
        let clock = ContinuousClock()
        var nextCheckpoint = clock.now + checkpointInterval
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try store.checkFile()
                if reported {
                    logger.notice("the database file is back where it was", metadata: ["db": "\(store.path)"])
                    reported = false
                }
            } catch {
                if !reported {
                    logger.error("the database file is gone from under this process", metadata: [
                        "db": "\(store.path)", "reason": "\(error.reason)",
                        "action": "\(reaction == .stop ? "stopping, so that nothing more is acknowledged" : "/healthz answers 503")"])
                    reported = true
                }
                if reaction == .stop { throw error }
                continue
            }
            if !store.isReadOnly && clock.now >= nextCheckpoint {
                // A checkpoint that restarts the WAL lets SQLite cut the file back to
                // journal_size_limit; the automatic ones may never restart it while readers
                // come and go.
                nextCheckpoint = clock.now + checkpointInterval
                do {
                    let emptied = try await store.checkpoint()
                    logger.debug("checkpointed the WAL", metadata: ["emptied": "\(emptied)"])
                } catch {
                    logger.warning("cannot checkpoint the WAL", metadata: ["reason": "\(error)"])
                }
            }
        }
    }

    /// `PRAGMA quick_check`, logged: it finds damage in the database file (not what a
    /// damaged WAL drops: see ``WALInspection``).
    private func quickCheck() async {
        let started = ContinuousClock.now
        do {
            let answer = try await store.quickCheck()
            let took = ContinuousClock.now - started
            if answer == ["ok"] {
                logger.info("quick_check: the database file is sound", metadata: ["db": "\(store.path)", "took": "\(took)"])
            } else {
                logger.error("quick_check: the database file is damaged; restore a backup, or export what can be read",
                             metadata: ["db": "\(store.path)", "problems": "\(answer.prefix(10).joined(separator: "; "))",
                                        "count": "\(answer.count)"])
            }
        } catch {
            logger.error("quick_check failed", metadata: ["db": "\(store.path)", "reason": "\(error)"])
        }
    }
}
