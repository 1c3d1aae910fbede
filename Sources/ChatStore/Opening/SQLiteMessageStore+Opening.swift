public import Logging
import Foundation

extension SQLiteMessageStore {
    /// Opens the database of a daemon (what `--db` names), making sure that a database is
    /// never replaced by an empty one without a word:
    ///
    /// - a first start (no database, no ``DatabaseMarker``) creates it, as always;
    /// - a missing database where the marker says one was is an error, unless `create`
    ///   (`--create`): a new empty history then starts, and the marker records it;
    /// - a database that is not the one the marker records (another identity) is an error,
    ///   unless `create`, which accepts it;
    /// - a WAL that SQLite will partly drop (``WALInspection``) is copied aside and logged
    ///   as an error, with how many frames and transactions are lost.
    ///
    /// - Throws: ``StoreError`` saying what is wrong and what to do.
    public static func open(path: String, access: Access = .readWrite, create: Bool = false,
                            logger: Logger) throws(StoreError) -> SQLiteMessageStore {
        let marker = DatabaseMarker(databasePath: path)
        let recorded = try marker.recordedIdentity()
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed {
            if let recorded, !create {
                throw StoreError(path: path, operation: "open", reason: "it is missing, but \(marker.path) records that "
                    + "a database (identity \(recorded)) was there, so its history would silently start again empty. "
                    + "Put the file back (or restore a backup), give its new place with --db, or, to begin a new "
                    + "empty history here, start once with --create (or delete \(marker.path))")
            }
            // Only where a database is known to have been: on a first start, another
            // process may be making the new file and its WAL at this very moment.
            if recorded != nil { setAsideOrphans(of: path, logger: logger) }
        } else {
            reportDamagedWAL(of: path, logger: logger)
        }

        let store = try SQLiteMessageStore(path: path, access: access)
        if store.isReadOnly {
            logger.warning("the database cannot be written by this process: opened read-only", metadata: [
                "db": "\(path)", "immutable": "\(store.isImmutable)",
                "effect": "\(store.isImmutable ? "no -shm file could be made: what is written later is not seen until a restart" : "history is read as others write it"); writes (/cmd/*) fail"])
        }
        if !existed {
            logger.notice("created a new database", metadata: [
                "db": "\(path)", "identity": "\(store.identity ?? "none")", "create": "\(create)"])
        }
        guard let identity = store.identity else {
            logger.warning("the database has no identity yet (made before it had one, opened read-only): not checked",
                           metadata: ["db": "\(path)", "marker": "\(marker.path)"])
            return store
        }
        switch recorded {
        case identity?:
            break
        case let other? where !create:
            throw StoreError(path: path, operation: "open", reason: "it is not the database that was there: "
                + "\(marker.path) records identity \(other), the file holds \(identity) (another chat's database, "
                + "or a new one made in its place?). Put the right file back, or start once with --create to "
                + "accept this one")
        default:
            do {
                try marker.record(identity)
                logger.info("recorded the database's identity", metadata: [
                    "marker": "\(marker.path)", "identity": "\(identity)", "before": "\(recorded ?? "none")"])
            } catch {
                logger.warning("cannot record the database's identity: a missing database will not be noticed",
                               metadata: ["reason": "\(error.reason)"])
            }
        }
        return store
    }

    /// A `-wal` or `-shm` without its database belongs to a database that is gone: SQLite
    /// would replay that WAL into the new file. Renamed, never deleted.
    private static func setAsideOrphans(of path: String, logger: Logger) {
        let stamp = Int(Date().timeIntervalSince1970)
        for suffix in ["-wal", "-shm"]
        where FileManager.default.fileExists(atPath: path + suffix) && !FileManager.default.fileExists(atPath: path) {
            let aside = path + suffix + ".orphaned-\(stamp)"
            do {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: aside)
                logger.warning("set aside a file of a database that is gone", metadata: ["file": "\(aside)"])
            } catch {
                logger.warning("cannot set aside a file of a database that is gone",
                               metadata: ["file": "\(path + suffix)", "reason": "\(error)"])
            }
        }
    }

    /// Logs what SQLite is about to drop of the WAL, and keeps a copy of it.
    private static func reportDamagedWAL(of path: String, logger: Logger) {
        guard let wal = WALInspection.inspect(path: path + "-wal") else { return }
        // Damage stays where it is; a frame caught half-written by a live writer, or a WAL
        // restarted meanwhile, does not: a second look must agree.
        guard wal.losesData, let again = WALInspection.inspect(path: path + "-wal"), again.losesData,
              again.firstInvalidFrame == wal.firstInvalidFrame else {
            if wal.frames > 0 {
                logger.info("the database has a WAL (another process has it open, or one stopped without closing it): SQLite replays it", metadata: [
                    "db": "\(path)", "frames": "\(wal.frames)", "replayed_frames": "\(wal.replayed)",
                    "transactions": "\(wal.replayedCommits)"])
            }
            return
        }
        let copy = path + "-wal.damaged-\(Int(Date().timeIntervalSince1970))"
        let kept = (try? FileManager.default.copyItem(atPath: path + "-wal", toPath: copy)) != nil
        logger.error("the database's WAL is damaged: SQLite ignores everything after the damage, without a word", metadata: [
            "db": "\(path)", "frames": "\(wal.frames)", "replayed_frames": "\(wal.replayed)",
            "replayed_transactions": "\(wal.replayedCommits)",
            "first_bad_frame": "\(wal.firstInvalidFrame.map(String.init) ?? (wal.headerDamaged ? "header" : "none"))",
            "dropped_frames": "\(wal.headerDamaged ? wal.frames : wal.dropped)",
            "dropped_transactions": "\(wal.headerDamaged ? "all" : String(wal.droppedCommits))",
            "copy": "\(kept ? copy : "could not be made")",
        ])
    }
}
